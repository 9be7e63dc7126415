"""LeNet-5 on full MNIST: accuracy, the JSON contract, the seed preset, the saved model."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import benchmark_lenet
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


def test_committed_benchmark_summary_is_derived_from_its_runs() -> None:
    record = json.loads(BENCHMARK.read_text(encoding="utf-8"))
    assert record["summary"] == benchmark_lenet.summarise(record["runs"])
    assert {r["seed"] for r in record["runs"] if r["preset"] == "seed"} == {
        r["seed"] for r in record["runs"] if r["preset"] == "default"
    }


def _page_seed_code() -> str:
    """The 2019 lesson's code as the LeNet lesson shows it (the first python block after #seed-code)."""
    page = (ROOT / "docs" / "en" / "lessons" / "lenet-mnist.md").read_text(encoding="utf-8")
    section = page.split("{#seed-code}", 1)[1]
    return section.split("```python\n", 1)[1].split("\n```", 1)[0]


def test_seed_preset_is_the_code_the_page_shows() -> None:
    """`--preset seed` trains what the page calls the 2019 code: same model, epochs, batch size and optimiser."""
    import keras

    code = _page_seed_code()
    seed = lenet_mnist.PRESETS["seed"]
    assert int(re.search(r"epochs=(\d+)", code).group(1)) == seed.epochs
    assert int(re.search(r"batch_size=(\d+)", code).group(1)) == seed.batch_size
    assert "keras.optimizers.Adam()" in code and keras.optimizers.Adam().learning_rate == seed.learning_rate
    assert "validation_data=(test_x, test_y)" in code and seed.validation == "test"
    assert seed.schedule == "constant" and seed.label_smoothing == 0.0
    # Build the page's model with the page's own code and compare it with the preset's, layer by layer.
    start = code.index("model = keras.Sequential")
    namespace: dict = {}
    exec("import keras\nfrom keras import layers\n" + code[start : code.index("])", start) + 2], namespace)
    shown, ours = namespace["model"], lenet_mnist.build_seed()
    assert [tuple(layer.output.shape[1:]) for layer in shown.layers] == [
        tuple(layer.output.shape[1:]) for layer in ours.layers
    ]
    assert shown.count_params() == ours.count_params()


def test_seed_preset_runs_end_to_end(tmp_path: Path) -> None:
    """The 2019 path (validation on the test set, a constant learning rate) trains, logs and saves."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "lenet_mnist.py"), "--preset", "seed", "--smoke"]
        + ["--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["preset"] == "seed" and summary["smoke"] is True
    assert summary["params"] == lenet_mnist.build_seed().count_params()
    assert any(line.startswith("epoch 1/1") and "val_accuracy" in line for line in result.stdout.splitlines())
    assert (tmp_path / "lenet.keras").is_file()


def test_benchmark_script_runs_in_a_fast_mode(tmp_path: Path) -> None:
    """scripts/benchmark_lenet.py --smoke: both presets, alternating, and a record whose summary is its own."""
    out = tmp_path / "record.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark_lenet.py"), "--smoke", "--seeds", "2", "--write", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["smoke"] is True and [(r["preset"], r["seed"]) for r in record["runs"]] == [
        ("seed", 0),
        ("default", 0),
        ("default", 1),
        ("seed", 1),
    ]
    assert record["summary"] == benchmark_lenet.summarise(record["runs"])
    refused = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark_lenet.py"), "--smoke"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2 and "--smoke needs --write" in refused.stderr


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
