"""LeNet-5 on full MNIST: accuracy, the record (lenet.json), the seed preset, the saved and the shipped model."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import benchmark_lenet
import course

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT / "docs" / "data" / "lenet_benchmark.json"
SHIPPED = ROOT / "assets" / "models"  # the trained default model the site offers, and its record
SEED_RECORD = ROOT / "docs" / "data" / "lenet_seed.json"  # a --preset seed --smoke run's record: the seed layers
LENET5_LAYERS = ["C1", "S2", "C3", "S4", "flatten", "C5", "F6", "output"]


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One `--preset seed --smoke` run in an empty folder: its process, record and output folder."""
    out = tmp_path_factory.mktemp("seed")
    result = course.run_example("lenet_mnist", "--preset", "seed", "--smoke", "--out", "out", cwd=out, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads((out / "out" / "lenet.json").read_text(encoding="utf-8"))
    return {"result": result, "record": record, "out": out / "out"}


def load(path: Path):
    """A .keras model, loaded as predict_digit.py loads it."""
    import keras

    return keras.models.load_model(path, safe_mode=True)


def test_default_run_reaches_99_percent(trained: dict) -> None:
    record = trained["summary"]
    assert record["preset"] == "default" and record["smoke"] is False
    assert (record["holdout"], record["train_images"], record["test_images"]) == (5000, 55000, 10000)
    assert record["test_accuracy"] >= 0.99


def test_record_describes_the_run(trained: dict) -> None:
    """lenet.json: the presets as defined, the config used, every layer, the metrics per epoch, the versions."""
    record = trained["summary"]
    default = record["presets"]["default"]
    assert set(record["presets"]) == {"default", "seed", "padded"}
    assert record["config"] == default and record["epochs"] == default["epochs"] == 2
    assert record["batch_size"] == default["batch_size"]
    assert [layer["name"] for layer in record["layers"]] == LENET5_LAYERS
    assert record["layers"][0] == {
        "name": "C1",
        "type": "Conv2D",
        "input_shape": [None, 28, 28, 1],
        "output_shape": [None, 24, 24, 6],  # no padding
        "params": 156,
        "kernel_size": [5, 5],
    }
    assert record["params"] == sum(layer["params"] for layer in record["layers"]) == 44426
    assert all(len(values) == 2 for values in record["history"].values())
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(record["history"])
    assert 0 < record["train_seconds"] < 600 and record["train_cpu_seconds"] > 0
    assert record["training"]["beta_2"] == default["beta_2"] == 0.99
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", record["date"])
    assert set(record["versions"]) == {"python", "tensorflow", "keras", "numpy"}
    assert record["model_path"] == "lenet.keras"
    figures = [f"lenet_{name}.png" for name in ("curves", "confusion", "errors", "kernels", "feature_maps")]
    assert sorted(p.name for p in trained["out"].iterdir()) == sorted(["lenet.keras", "lenet.json", *figures])


def test_one_log_line_per_epoch(trained: dict) -> None:
    """One line per epoch, and its numbers are the record's history."""
    lines = [line for line in trained["stdout"].splitlines() if line.startswith("epoch ")]
    assert [line.split(":")[0] for line in lines] == ["epoch 1/2", "epoch 2/2"]
    for line, val_accuracy in zip(lines, trained["summary"]["history"]["val_accuracy"], strict=True):
        assert f"val_accuracy {val_accuracy:.4f}" in line
    assert f"test accuracy {trained['summary']['test_accuracy']:.4f}" in trained["stdout"]


def test_saved_model_loads_safely_and_predicts(trained: dict) -> None:
    """lenet.keras: the trained weights, loadable with safe_mode, without the optimizer's state."""
    model = load(trained["model"])
    assert model.count_params() == trained["summary"]["params"]
    assert [layer.name for layer in model.layers] == LENET5_LAYERS
    assert model.predict(np.zeros((1, 28, 28, 1), "float32"), verbose=0).shape == (1, 10)
    with zipfile.ZipFile(trained["model"]) as archive:  # Adam's state would add two more copies of the weights
        assert archive.getinfo("model.weights.h5").file_size < 2 * 4 * model.count_params()


def test_shipped_model_is_what_its_record_says(trained: dict) -> None:
    """assets/models: the record matches the code (as a fresh run shows), and the model scores its test accuracy."""
    shipped = json.loads((SHIPPED / "lenet.json").read_text(encoding="utf-8"))
    fresh = trained["summary"]
    assert shipped["preset"] == "default" and shipped["seed"] == 0 and shipped["smoke"] is False
    for key in ("presets", "config", "holdout", "train_images", "test_images", "params", "layers", "training"):
        assert shipped[key] == fresh[key], key
    assert abs(shipped["test_accuracy"] - fresh["test_accuracy"]) <= 0.003
    model = load(SHIPPED / "lenet.keras")
    with np.load(course.find_mnist()) as data:
        x_test, y_test = data["x_test"], data["y_test"]
    predicted = model.predict((x_test / 255.0).astype("float32")[..., np.newaxis], batch_size=1000, verbose=0)
    assert round(float((predicted.argmax(axis=1) == y_test).mean()), 4) == shipped["test_accuracy"]


def test_committed_benchmark_agrees_with_a_fresh_run(trained: dict) -> None:
    """The results table's data came from this code: same parameters, same accuracy for seed 0."""
    record = json.loads(BENCHMARK.read_text(encoding="utf-8"))
    runs = {(r["preset"], r["seed"]): r for r in record["runs"] if r["mode"] == "native"}  # TensorFlow as installed
    fresh = trained["summary"]
    assert runs[("default", 0)]["params"] == fresh["params"]
    assert runs[("default", 0)]["epochs"] == fresh["epochs"]
    assert abs(runs[("default", 0)]["test_accuracy"] - fresh["test_accuracy"]) <= 0.003


def test_committed_benchmark_summary_is_derived_from_its_runs() -> None:
    """Every mode's summary is computed from its runs; the runs follow the benchmark's alternating schedule."""
    record = json.loads(BENCHMARK.read_text(encoding="utf-8"))
    assert record["smoke"] is False and list(record["modes"]) == list(benchmark_lenet.MODES)
    assert record["summary"] == benchmark_lenet.summarise(record["runs"]) == record["modes"]["native"]["summary"]
    for mode, settings in record["modes"].items():
        assert settings["env"] == benchmark_lenet.MODES[mode]
        assert settings["summary"] == benchmark_lenet.summarise(record["runs"], mode)
    seeds = len({r["seed"] for r in record["runs"]})
    runs = [(r["seed"], r["mode"], r["preset"]) for r in record["runs"]]
    assert runs == benchmark_lenet.schedule(seeds, list(record["modes"])) and seeds >= 5  # at least 5 seeds
    assert record["machine"]["flags"] and "cpu" in record["machine"]


def test_committed_benchmark_meets_the_default_recipes_goal() -> None:
    """The default: worst seed at least 99.0 % and a median training time at most the seed preset's (as installed)."""
    summary = json.loads(BENCHMARK.read_text(encoding="utf-8"))["summary"]
    assert summary["default"]["min_accuracy"] >= 0.99
    assert summary["time_ratio"] <= 1.0


def _page_seed_code() -> str:
    """The 2019 lesson's code as the LeNet lesson shows it (the first python block after #seed-code)."""
    page = (ROOT / "docs" / "en" / "lessons" / "lenet-mnist.md").read_text(encoding="utf-8")
    section = page.split("{#seed-code}", 1)[1]
    return section.split("```python\n", 1)[1].split("\n```", 1)[0]


def test_seed_preset_is_the_code_the_page_shows(seed_run: dict) -> None:
    """`--preset seed` trains what the page calls the 2019 code: same model, epochs, batch size and optimiser."""
    import keras

    code = _page_seed_code()
    seed = seed_run["record"]["presets"]["seed"]
    assert int(re.search(r"epochs=(\d+)", code).group(1)) == seed["epochs"]
    assert int(re.search(r"batch_size=(\d+)", code).group(1)) == seed["batch_size"]
    assert "keras.optimizers.Adam()" in code and keras.optimizers.Adam().learning_rate == seed["learning_rate"]
    assert "validation_data=(test_x, test_y)" in code and seed["validation"] == "test"
    assert seed["schedule"] == "constant" and seed["label_smoothing"] == 0.0
    # Build the page's model with the page's own code and compare it with the seed run's, layer by layer.
    start = code.index("model = keras.Sequential")
    namespace: dict = {}
    exec("import keras\nfrom keras import layers\n" + code[start : code.index("])", start) + 2], namespace)
    shown, ours = namespace["model"], seed_run["record"]["layers"]
    assert [(type(layer).__name__, list(layer.output.shape[1:]), layer.count_params()) for layer in shown.layers] == [
        (layer["type"], layer["output_shape"][1:], layer["params"]) for layer in ours
    ]
    assert shown.count_params() == seed_run["record"]["params"]


def test_seed_preset_runs_end_to_end(seed_run: dict) -> None:
    """The 2019 path (validation on the test set, a constant learning rate) trains, logs and saves."""
    record, stdout = seed_run["record"], seed_run["result"].stdout
    assert record["preset"] == "seed" and record["smoke"] is True and record["holdout"] == 0
    assert record["config"] == record["presets"]["seed"] | {"epochs": 1}  # --smoke: one epoch
    assert record["training"]["learning_rate"]["first"] == record["training"]["learning_rate"]["last"] == 0.001
    assert any(line.startswith("epoch 1/1") and "val_accuracy" in line for line in stdout.splitlines())
    assert load(seed_run["out"] / "lenet.keras").count_params() == record["params"]


def test_committed_seed_record_matches_the_code(seed_run: dict) -> None:
    """docs/data/lenet_seed.json, from which the seed model's layer table is made, is what the code builds now."""
    committed = json.loads(SEED_RECORD.read_text(encoding="utf-8"))
    for key in ("preset", "presets", "params", "layers"):
        assert committed[key] == seed_run["record"][key], key


def test_benchmark_script_runs_in_a_fast_mode(tmp_path: Path) -> None:
    """scripts/benchmark_lenet.py --smoke: the three presets under two CPU settings (one seed: the order of the
    runs over several seeds is test_benchmark_alternates_the_presets'), and a record whose summary is its own."""
    out = tmp_path / "record.json"
    script = [sys.executable, str(ROOT / "scripts" / "benchmark_lenet.py")]
    result = subprocess.run(
        [*script, "--smoke", "--seeds", "1", "--modes", "native", "eigen", "--write", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    runs = [(r["seed"], r["mode"], r["preset"]) for r in record["runs"]]
    assert record["smoke"] is True and runs == benchmark_lenet.schedule(1, ["native", "eigen"])
    assert record["summary"] == benchmark_lenet.summarise(record["runs"]) == record["modes"]["native"]["summary"]
    assert record["modes"]["eigen"]["summary"] == benchmark_lenet.summarise(record["runs"], "eigen")
    assert (
        record["modes"]["eigen"]["env"] == {"TF_ENABLE_ONEDNN_OPTS": "0"}
        and record["modes"]["eigen"]["onednn"] is False
    )
    assert record["machine"] == course.machine()
    assert set(record["versions"]) == {"python", "tensorflow", "keras", "numpy"}
    for args, message in (
        (["--smoke"], "--smoke needs --write"),
        (["--modes", "eigen"], "--modes must include native"),
    ):
        refused = subprocess.run([*script, *args], capture_output=True, text=True, check=False)
        assert refused.returncode == 2 and message in refused.stderr


def test_benchmark_alternates_the_presets() -> None:
    """Each seed runs every mode, and the presets' order flips from one seed to the next."""
    assert benchmark_lenet.schedule(2, ["native", "eigen"]) == [
        (0, "native", "seed"),
        (0, "native", "default"),
        (0, "native", "padded"),
        (0, "eigen", "seed"),
        (0, "eigen", "default"),
        (0, "eigen", "padded"),
        (1, "native", "padded"),
        (1, "native", "default"),
        (1, "native", "seed"),
        (1, "eigen", "padded"),
        (1, "eigen", "default"),
        (1, "eigen", "seed"),
    ]


def test_interrupted_run_keeps_the_previous_model(tmp_path: Path) -> None:
    """Stopped while training (Ctrl-C), a run leaves the earlier lenet.keras and lenet.json as they were."""
    earlier = {"lenet.keras": b"a good model from an earlier run", "lenet.json": b'{"from": "an earlier run"}\n'}
    for name, content in earlier.items():
        (tmp_path / name).write_bytes(content)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "examples" / "lenet_mnist.py"), "--smoke", "--epochs", "500", "--out", "."],
        cwd=tmp_path,
        env=course.example_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # As a reader's shell starts it: Ctrl-C raises KeyboardInterrupt. (A pytest-xdist worker ignores SIGINT,
        # and a child would inherit that.)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    for line in process.stdout:
        if line.startswith("epoch 1/"):
            break
    # Python raises KeyboardInterrupt at its next bytecode; raised inside a finaliser (TensorFlow runs many),
    # it is printed and dropped. A reader presses Ctrl-C again; so does the test, until the run stops.
    for _ in range(30):
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=1)
            break
        except subprocess.TimeoutExpired:
            continue
    process.communicate(timeout=60)
    assert process.returncode != 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == earlier
