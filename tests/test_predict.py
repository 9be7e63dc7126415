"""predict_digit.py: real digits in any form are read correctly; bad input gets one line and exit 2."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import course

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "assets" / "samples").glob("*.*"))


def predict(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """predict_digit.py ARGS, run in `cwd` as a reader would."""
    return course.run_example("predict_digit", *args, cwd=cwd, timeout=300)


def test_samples_cover_every_kind_of_input() -> None:
    kinds = {p.suffix for p in SAMPLES}
    modes = {Image.open(p).mode for p in SAMPLES}
    assert {".png", ".jpg"} <= kinds
    assert {"L", "RGB", "RGBA"} <= modes
    assert len(SAMPLES) == 5


def assert_saved_digit(png: Path, npy: Path) -> np.ndarray:
    """The .npy is a 28x28 float32 array in [0, 1], and the PNG shows it in grey levels 0-255."""
    digit = np.load(npy, allow_pickle=False)
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert 0 <= digit.min() and digit.max() <= 1
    assert np.array_equal(np.asarray(Image.open(png)), (digit * 255).round().astype(np.uint8))
    return digit


def test_every_sample_is_read_correctly(trained: dict, tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    result = predict(
        *map(str, SAMPLES), "--model", str(trained["model"]), "--json", "--save-preprocessed", str(seen), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [a["file"] for a in answers] == [str(p) for p in SAMPLES]
    for answer in answers:
        truth = int(Path(answer["file"]).name[0])
        assert answer["prediction"] == truth == answer["top3"][0]["digit"], answer
        assert len(answer["top3"]) == 3
        assert answer["top3"][0]["probability"] >= answer["top3"][1]["probability"]
    assert sorted(p.name for p in seen.iterdir()) == sorted(
        name for p in SAMPLES for name in (f"{p.stem}.28x28.png", f"{p.stem}.npy")
    )
    for sample in SAMPLES:
        assert_saved_digit(seen / f"{sample.stem}.28x28.png", seen / f"{sample.stem}.npy")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seen"]  # --json: no figure


def test_plain_output_names_the_top_three(trained: dict, tmp_path: Path) -> None:
    """Run where lenet_mnist.py ran, the model is found where it writes it: outputs/lenet.keras."""
    (tmp_path / "outputs").mkdir()
    shutil.copy(trained["model"], tmp_path / "outputs" / "lenet.keras")
    result = predict(str(SAMPLES[0]), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-2]
    assert last.startswith(f"{SAMPLES[0]}: {SAMPLES[0].name[0]}")
    assert last.count("%") == 3
    assert "from outputs/lenet.keras" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "wrote outputs/predictions.png"
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == ["lenet.keras", "predictions.png"]


def test_preprocessing_matches_mnist_conventions(tmp_path: Path) -> None:
    """The array the model is given (--save-preprocessed's .npy): a 20x20 box, centred by its centre of mass."""
    result = predict(str(SAMPLES[0]), "--smoke", "--save-preprocessed", "seen", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    stem = SAMPLES[0].stem  # ink on a transparent background
    digit = assert_saved_digit(tmp_path / "seen" / f"{stem}.28x28.png", tmp_path / "seen" / f"{stem}.npy")
    rows, cols = np.nonzero(digit > 0.05)
    assert max(np.ptp(rows), np.ptp(cols)) <= 22  # fits the 20x20 box (plus interpolation blur)
    weights = digit / digit.sum()
    com = (weights * np.indices(digit.shape)).sum(axis=(1, 2))
    assert np.allclose(com, 13.5, atol=0.5), com
    assert digit[0].max() == digit[-1].max() == 0  # background is dark


def test_smoke_needs_no_model_and_no_image(tmp_path: Path) -> None:
    """A downloaded copy, alone in an empty folder: --smoke draws a 7 and classifies it with an untrained model."""
    script = tmp_path / "predict_digit.py"
    shutil.copy(ROOT / "examples" / "predict_digit.py", script)
    result = course.run_example("predict_digit", "--smoke", cwd=tmp_path, script=script, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.strip().splitlines()
    assert lines[-2].startswith("drawn_7: ") and lines[-2].count("%") == 3
    assert "untrained" in result.stdout
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "outputs",
        "outputs/predictions.png",
        "predict_digit.py",
    ]
    assert (tmp_path / "outputs" / "predictions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    png = SAMPLES[0].read_bytes()
    files = {
        "missing": tmp_path / "absent.png",
        "folder": tmp_path,
        "text": tmp_path / "notes.png",
        "empty": tmp_path / "empty.jpg",
        "truncated": tmp_path / "truncated.png",
        "blank": tmp_path / "blank.png",
    }
    files["text"].write_text("this is not an image\n")
    files["empty"].write_bytes(b"")
    files["truncated"].write_bytes(png[: len(png) // 3])
    Image.new("RGB", (64, 64), "white").save(files["blank"])
    return files


@pytest.mark.parametrize("case", ["missing", "folder", "text", "empty", "truncated", "blank"])
def test_bad_image_gets_one_line_and_exit_2(case: str, tmp_path: Path, trained: dict) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    image = bad_inputs(inputs)[case]
    out = tmp_path / "out"
    result = predict(str(image), "--model", str(trained["model"]), "--save-preprocessed", str(out), cwd=tmp_path)
    assert result.returncode == 2, (case, result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert 1 <= len(result.stderr.strip().splitlines()) <= 2
    assert result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize("case", ["missing", "default", "not-keras"])
def test_bad_model_gets_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    model = tmp_path / "model.keras"
    if case == "not-keras":
        model.write_text("not a model")
    args = [] if case == "default" else ["--model", str(model)]
    result = predict(str(SAMPLES[0]), *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if case != "not-keras":
        assert "python lenet_mnist.py" in result.stderr  # says how to make one
    if case == "default":
        assert "outputs/lenet.keras" in result.stderr


def test_no_image_is_a_usage_error(tmp_path: Path) -> None:
    result = predict(cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("predict_digit.py: error: ") and "--smoke" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
