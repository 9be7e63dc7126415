"""LeNet-5 shipped outside Keras: the LiteRT export, its record, and the FAQ's "Ship the model" section.

scripts/export_lenet.py writes assets/models/lenet.tflite and docs/data/lenet_ship.json; scripts/make_ship_fragments.py
turns the record into docs/generated/lenet_ship.{en,zh}.md, which the FAQ includes.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from importlib.metadata import requires, version
from pathlib import Path

import numpy as np
import pytest

import course
import export_lenet
import make_ship_fragments
import prose

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "assets" / "models" / "lenet.keras"
EXPORTED = ROOT / "assets" / "models" / "lenet.tflite"
RECORD = ROOT / "docs" / "data" / "lenet_ship.json"
FAQ = {lang: ROOT / "docs" / lang / "lessons" / "faq.md" for lang in ("en", "zh")}
SECTION = "ship-the-model"

# Keras (oneDNN) and LiteRT (XNNPACK) add the same float32 products in different orders, so probabilities may
# differ by a few units of float32's last place (epsilon = 1.2e-7; about 3e-7 is seen here). 1e-5, some 80 epsilons,
# leaves room for other CPUs' kernels; any real mistake (unscaled pixels, a wrong layer, other weights) moves
# probabilities by more than 1e-2.
TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """scripts/export_lenet.py run as `make figures` runs it, into a temporary folder, with short timings."""
    out = tmp_path_factory.mktemp("ship")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "export_lenet.py"), "--out", str(out)]
        + ["--record", str(out / "lenet_ship.json"), "--runs", "3", "--batch-runs", "1"],
        cwd=out,
        env=course.example_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return done, out


@pytest.fixture(scope="module")
def fresh(run: tuple[subprocess.CompletedProcess[str], Path]) -> Path:
    done, out = run
    assert done.returncode == 0, done.stderr[-2000:]
    return out / "lenet.tflite"


@pytest.fixture(scope="module")
def keras_model():
    import keras

    return keras.saving.load_model(MODEL)


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    return export_lenet.load_digits()


def record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def test_a_fresh_export_predicts_like_keras(fresh: Path, keras_model, digits: tuple) -> None:
    x, y = digits
    assert x.shape == (1000, 28, 28, 1) and x.dtype == np.float32 and x.max() == 1.0
    ours = keras_model.predict(x, batch_size=len(x), verbose=0)
    theirs = export_lenet.litert_predict(fresh, x)
    assert theirs.shape == ours.shape == (1000, 10)
    assert np.array_equal(theirs.argmax(1), ours.argmax(1))
    assert np.abs(theirs - ours).max() <= TOLERANCE
    assert (theirs.argmax(1) == y).mean() > 0.95  # a trained model, not just two equal untrained ones
    # One image at a time, through the same class the timings use, gives the same answers as the whole batch.
    single = export_lenet.LiteRT(fresh, 1)
    assert np.allclose(np.concatenate([single(x[i : i + 1]) for i in range(20)]), theirs[:20], atol=TOLERANCE)


def test_the_committed_export_is_a_fresh_export(fresh: Path) -> None:
    """The export is deterministic, so the committed file must be byte for byte what the script writes now."""
    assert EXPORTED.is_file(), "run `python scripts/export_lenet.py`"
    assert EXPORTED.read_bytes() == fresh.read_bytes(), "assets/models/lenet.tflite is stale: run export_lenet.py"


def test_the_script_writes_a_record_like_the_committed_one(run: tuple, fresh: Path) -> None:
    done, out = run
    assert "same digit as Keras on 1000 of 1000 images" in done.stdout
    written = json.loads((out / "lenet_ship.json").read_text(encoding="utf-8"))
    assert set(written) == set(record())
    assert written["timing"]["runs"] == 3 and written["timing"]["batch_runs"] == 1
    assert written["sha256"] == record()["sha256"]
    assert not [p.name for p in out.iterdir() if p.name not in ("lenet.tflite", "lenet_ship.json")]


def test_the_script_refuses_bad_input(tmp_path: Path) -> None:
    script = str(ROOT / "scripts" / "export_lenet.py")
    help_run = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True, check=False)
    assert help_run.returncode == 0 and "--record" in help_run.stdout
    for args in (["--model", str(tmp_path / "missing.keras")], ["--runs", "0"], ["--out", script]):
        bad = subprocess.run(
            [sys.executable, script, "--record", str(tmp_path / "r.json"), *args],
            capture_output=True,
            text=True,
            check=False,
            env=course.example_env(),
        )
        assert bad.returncode == 2 and "error:" in bad.stderr and "Traceback" not in bad.stderr, args
    (tmp_path / "junk.keras").write_text("not a model")
    bad = subprocess.run(
        [sys.executable, script, "--model", str(tmp_path / "junk.keras"), "--out", str(tmp_path / "out")]
        + ["--record", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        check=False,
        env=course.example_env(),
    )
    assert bad.returncode == 1 and "error: cannot export" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "r.json").exists() and not list((tmp_path / "out").glob("*"))


def test_the_record_describes_the_committed_files(keras_model) -> None:
    r = record()
    assert (r["model"], r["exported"]) == (MODEL.name, EXPORTED.name)
    for key, path in (("keras", MODEL), ("tflite", EXPORTED)):
        assert r["bytes"][key] == path.stat().st_size, f"{key}: run export_lenet.py"
        assert r["sha256"][key] == hashlib.sha256(path.read_bytes()).hexdigest(), f"{key}: run export_lenet.py"
    assert r["weights"] == keras_model.count_params()
    for package in ("tensorflow", "keras", "numpy", "ai-edge-litert"):
        assert r["versions"][package] == version(package), f"{package} changed: run export_lenet.py"
    assert {"cpu", "cores", "flags", "python"} <= set(r["machine"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"])


def test_the_record_is_consistent() -> None:
    r = record()
    agree, times, timing = r["agreement"], r["seconds_per_image"], r["timing"]
    images = agree["images"]
    assert images == export_lenet.IMAGES == 1000
    assert 0 <= agree["same_digit"] <= images and all(0 <= c <= images for c in agree["correct"].values())
    assert 0 <= agree["max_abs_difference"] <= TOLERANCE
    if agree["same_digit"] == images:  # the same digit everywhere: the same digits right
        assert agree["correct"]["keras"] == agree["correct"]["litert"]
    assert set(times) == {"batch_1", f"batch_{images}"}
    assert set(times["batch_1"]) == {"keras_predict", "keras_call", "litert"}
    assert set(times[f"batch_{images}"]) == {"keras_predict", "litert"}
    assert all(0 < s < 10 for batch in times.values() for s in batch.values())
    assert timing["runs"] >= 100 and timing["batch_runs"] >= 5 and timing["warmup"] == export_lenet.WARMUP
    assert timing["statistic"] == "median"


def test_the_faq_claims_hold(keras_model) -> None:
    """What the section says in words, checked against the record and the model."""
    r = record()
    agree, one, many = r["agreement"], r["seconds_per_image"]["batch_1"], r["seconds_per_image"]["batch_1000"]
    # "The two agree on every digit, and their probabilities differ only in the last bits of a 32-bit float"
    assert agree["same_digit"] == agree["images"] and agree["max_abs_difference"] < 100 * np.finfo(np.float32).eps
    # "The .tflite file is little more than the weights as 32-bit floats"
    assert 4 * r["weights"] <= r["bytes"]["tflite"] <= 1.1 * 4 * r["weights"]
    # "The .keras file is a zip archive that holds, besides the weights, the model's configuration ...
    # lenet_mnist.py saves it without the optimizer's state"
    with zipfile.ZipFile(MODEL) as archive:
        names = set(archive.namelist())
    assert {"config.json", "model.weights.h5"} <= names
    assert getattr(keras_model, "optimizer", None) is None  # saved uncompiled
    # "One image at a time, the interpreter is by far the fastest; model(x) is faster than model.predict"
    assert one["litert"] * 10 < one["keras_call"] < one["keras_predict"]
    # "on this machine it is faster for a batch of 1,000 as well"
    assert many["litert"] < many["keras_predict"]
    # "the ai-edge-litert package, which needs neither TensorFlow nor Keras"
    needed = {re.split(r"[\s;<>=~!\[]", req, maxsplit=1)[0].lower() for req in requires("ai-edge-litert") or []}
    assert needed and not needed & {"tensorflow", "keras", "tf-keras", "tensorflow-cpu"}


def test_the_fragments_are_current() -> None:
    on_disk = {
        name: (make_ship_fragments.GENERATED / name).read_text(encoding="utf-8")
        for name in make_ship_fragments.FRAGMENTS
    }
    assert on_disk == make_ship_fragments.render_all(), "run `python scripts/make_ship_fragments.py`"


def test_the_fragment_formats() -> None:
    duration, power = make_ship_fragments.duration, make_ship_fragments.power_of_ten
    assert duration(0.05716, "en") == "57.2 ms" and duration(0.0029975, "en") == "3.00 ms"
    assert duration(1.3149e-5, "zh") == "13.1 微秒" and duration(0.000176, "en") == "176 µs"
    assert duration(2.5, "zh") == "2.50 秒" and duration(4e-9, "en") == "0.00 µs"
    assert power(2.980232e-07) == "3.0 × 10⁻⁷" and power(0.0) == "0" and power(1.2e-10) == "1.2 × 10⁻¹⁰"


@pytest.mark.parametrize("lang", list(FAQ))
def test_the_faq_section_shows_the_record_through_the_fragment(lang: str) -> None:
    text = prose.section(FAQ[lang].read_text(encoding="utf-8"), SECTION)
    assert f'--8<-- "lenet_ship.{lang}.md"' in text
    assert "lenet-mnist.md#" in text, "the browser route links to the LeNet lesson's drawing pad"
    assert 'Interpreter(model_path="assets/models/lenet.tflite")' in text
    # No number of the fragment is typed into the section: sizes, counts and times come only from the include.
    fragment = (make_ship_fragments.GENERATED / f"lenet_ship.{lang}.md").read_text(encoding="utf-8")
    table = fragment.split("\n\n")[0]
    numbers = set(re.findall(r"\d[\d,]*\.\d+|\d{1,3}(?:,\d{3})+|\d{3,}", table))
    assert numbers, "the fragment's table shows numbers"
    setting = f"{record()['agreement']['images']:,}"  # how many digits were compared: a choice, not a result
    typed = sorted(n for n in numbers - {setting} if re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d,])", text))
    assert not typed, f"typed into the {lang} section: {typed}"
