"""Claims that pages make about the course's own models and records, read from the pages and checked."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from runs import architectures_record

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "data"
SENTENCES = {
    "en": r"C1 and F6 have the paper's counts exactly: ([\d,]+) and ([\d,]+)",
    "zh": r"C1 和 F6 的参数量与论文完全一致：([\d,]+) 和 ([\d,]+)",
}

C5_SENTENCES = {
    "en": r"C5 has ([\d,]+) instead of the paper's ([\d,]+), because it reads 256",
    "zh": r"C5 有 ([\d,]+) 个参数，论文中则是 ([\d,]+) 个，因为它读取的是 256 个值",
}
C5_EXERCISE = {
    "en": r"The course's C5 has ([\d,]+) parameters, the paper's ([\d,]+)\.",
    "zh": r"本课程的 C5 有 ([\d,]+) 个参数，论文中的 C5 却有 ([\d,]+) 个",
}


@functools.cache
def shipped_lenet5():
    """The course's trained LeNet-5 as examples/lenet_mnist.py saved it (assets/models/lenet.keras)."""
    import keras

    return keras.saving.load_model(ROOT / "assets" / "models" / "lenet.keras", compile=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lenet5_matches_the_paper_where_the_lesson_says_it_does(lang: str) -> None:
    """lenet-mnist.md names two layers whose counts equal the 1998 paper's: the model and the paper agree."""
    page = (ROOT / "docs" / lang / "lessons" / "lenet-mnist.md").read_text(encoding="utf-8")
    match = re.search(SENTENCES[lang], page)
    assert match, f"{lang}/lenet-mnist.md no longer states the C1 and F6 counts"
    stated = [int(v.replace(",", "")) for v in match.groups()]
    ours = {layer.name: layer.count_params() for layer in shipped_lenet5().layers}
    networks = architectures_record()["networks"]
    paper = {layer["name"]: layer["params"] for layer in networks["lenet1998"]["layers"]}
    assert stated == [ours[n] for n in ("C1", "F6")] == [paper[n] for n in ("C1", "F6")]
    assert ours["C3"] != paper["C3"] and ours["C5"] != paper["C5"]  # "C3 and C5 differ"
    # "C5 has 30,840 instead of the paper's 48,120, because it reads 256 values instead of 400", and exercise 1
    for sentence in (C5_SENTENCES[lang], C5_EXERCISE[lang]):
        found = re.search(sentence, page)
        assert found, f"{lang}/lenet-mnist.md no longer states C5's counts"
        assert [int(v.replace(",", "")) for v in found.groups()] == [ours["C5"], paper["C5"]]
    assert ours["C5"] == 120 * (256 + 1) and paper["C5"] == 120 * (400 + 1)
    # architectures.py's copy of this course's LeNet-5 (the comparison table in alexnet.md) is the trained model
    assert {layer["name"]: layer["params"] for layer in networks["lenet_course"]["layers"]} == ours


def test_recorded_runs_are_full_runs() -> None:
    assert json.loads((DATA / "mlp_vs_cnn.json").read_text(encoding="utf-8"))["smoke"] is False
    record = json.loads((DATA / "lenet_benchmark.json").read_text(encoding="utf-8"))
    assert len({r["seed"] for r in record["runs"]}) >= 3
    assert {"date", "machine", "versions"} <= set(record)


def test_mlp_record_agrees_with_a_fresh_run(trained: dict) -> None:
    """mlp_vs_cnn.json's LeNet-5 is the default recipe at its seed: a fresh default run lands on the same accuracy."""
    record = json.loads((DATA / "mlp_vs_cnn.json").read_text(encoding="utf-8"))
    lenet = trained["summary"]  # the record examples/lenet_mnist.py writes, lenet.json
    assert lenet["preset"] == "default" and lenet["smoke"] is False
    assert record["seed"] == 0 and lenet["seed"] == 0
    assert record["models"]["lenet5"]["params"] == lenet["params"]
    assert abs(record["models"]["lenet5"]["test_accuracy"] - lenet["test_accuracy"]) <= 0.003
