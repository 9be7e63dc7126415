"""Numbers that pages state in prose, checked against the code and the recorded results."""

from __future__ import annotations

import json
from pathlib import Path

import lenet_mnist

DATA = Path(__file__).resolve().parents[1] / "docs" / "data"


def test_lenet5_matches_the_paper_where_the_lesson_says_it_does() -> None:
    """lenet-mnist.md: C1, C5 and F6 have 156, 48,120 and 10,164 parameters; C1 maps are 28x28."""
    layers = {layer.name: layer for layer in lenet_mnist.build_lenet5().layers}
    assert [layers[n].count_params() for n in ("C1", "C5", "F6")] == [156, 48120, 10164]
    assert tuple(layers["C1"].output.shape[1:]) == (28, 28, 6)
    assert tuple(layers["C3"].output.shape[1:]) == (10, 10, 16)
    assert layers["flatten"].output.shape[-1] == 400


def test_mlp_page_claims_follow_from_the_recorded_run() -> None:
    """mlp-vs-cnn.md: a tenth of the parameters, fewer mistakes; shuffling hurts the CNN, not the MLP."""
    models = json.loads((DATA / "mlp_vs_cnn.json").read_text(encoding="utf-8"))["models"]
    mlp, cnn = models["mlp"], models["lenet5"]
    assert 8 < mlp["params"] / cnn["params"] < 12
    assert cnn["test_accuracy"] > mlp["test_accuracy"]
    assert cnn["shuffled_test_accuracy"] < cnn["test_accuracy"] - 0.01
    assert abs(mlp["shuffled_test_accuracy"] - mlp["test_accuracy"]) < 0.005


def test_recorded_runs_are_full_runs() -> None:
    assert json.loads((DATA / "mlp_vs_cnn.json").read_text(encoding="utf-8"))["smoke"] is False
    record = json.loads((DATA / "lenet_benchmark.json").read_text(encoding="utf-8"))
    assert len({r["seed"] for r in record["runs"]}) >= 3
    assert {"date", "machine", "versions"} <= set(record)
