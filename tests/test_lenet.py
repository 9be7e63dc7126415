"""LeNet-5 on full MNIST: accuracy, the JSON contract, the seed preset, the saved model."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import lenet_mnist

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT / "docs" / "data" / "lenet_benchmark.json"


def test_default_run_reaches_99_percent(trained: dict) -> None:
    summary = trained["summary"]
    assert summary["smoke"] is False and summary["test_images"] == 10000
    assert summary["test_accuracy"] >= 0.99


def test_last_line_is_a_json_summary(trained: dict) -> None:
    summary = trained["summary"]
    assert {"test_accuracy", "train_seconds", "epochs", "params"} <= set(summary)
    assert summary["epochs"] == lenet_mnist.PRESETS["default"].epochs
    assert summary["params"] == lenet_mnist.build_lenet5().count_params() == 61706
    assert 0 < summary["train_seconds"] < 600


def test_one_log_line_per_epoch(trained: dict) -> None:
    lines = [line for line in trained["stdout"].splitlines() if line.startswith("epoch ")]
    assert [line.split(":")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert all("val_accuracy" in line for line in lines)


def test_saved_model_loads_safely_and_predicts(trained: dict) -> None:
    import keras
    import numpy as np

    model = keras.models.load_model(trained["model"], safe_mode=True)
    assert model.count_params() == trained["summary"]["params"]
    assert model.predict(np.zeros((1, 28, 28, 1), "float32"), verbose=0).shape == (1, 10)


def test_committed_benchmark_agrees_with_a_fresh_run(trained: dict) -> None:
    """The results table's data came from this code: same parameters, same accuracy for seed 0."""
    record = json.loads(BENCHMARK.read_text(encoding="utf-8"))
    runs = {(r["preset"], r["seed"]): r for r in record["runs"]}
    fresh = trained["summary"]
    assert runs[("default", 0)]["params"] == fresh["params"]
    assert abs(runs[("default", 0)]["test_accuracy"] - fresh["test_accuracy"]) <= 0.003
    assert record["summary"]["default"]["min_accuracy"] >= 0.99
    assert record["summary"]["time_ratio"] <= 1.5


def test_seed_preset_is_the_2019_lesson() -> None:
    seed = lenet_mnist.PRESETS["seed"]
    assert (seed.model, seed.epochs, seed.batch_size, seed.learning_rate) == ("seed", 2, 128, 1e-3)
    assert (seed.schedule, seed.label_smoothing, seed.validation) == ("constant", 0.0, "test")
    assert (seed.steps_per_execution, seed.validation_batch_size) == (1, None)  # Keras defaults, as in 2019
    model = lenet_mnist.build_seed()
    assert [layer.output.shape[1:] for layer in model.layers[:5]] == [
        (24, 24, 6),
        (12, 12, 6),
        (8, 8, 16),
        (4, 4, 16),
        (256,),
    ]
    assert model.count_params() == 44426


def test_interrupted_run_keeps_the_previous_model(tmp_path: Path) -> None:
    good = tmp_path / "lenet.keras"
    good.write_bytes(b"a good model from an earlier run")
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "examples" / "lenet_mnist.py"),
            "--smoke",
            "--epochs",
            "500",
            "--out",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for line in process.stdout:
        if line.startswith("epoch 1/"):
            process.send_signal(signal.SIGINT)
            break
    process.communicate(timeout=120)
    assert process.returncode != 0
    assert good.read_bytes() == b"a good model from an earlier run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet.keras"]
