"""predict_digit.py: real digits in any form are read correctly; bad input gets one line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import predict_digit

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "assets" / "samples").glob("*.*"))


def predict(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / "predict_digit.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
        timeout=300,
    )


def test_samples_cover_every_kind_of_input() -> None:
    kinds = {p.suffix for p in SAMPLES}
    modes = {Image.open(p).mode for p in SAMPLES}
    assert {".png", ".jpg"} <= kinds
    assert {"L", "RGB", "RGBA"} <= modes
    assert len(SAMPLES) == 5


def test_every_sample_is_read_correctly(trained: dict, tmp_path: Path) -> None:
    result = predict(
        *map(str, SAMPLES), "--model", str(trained["model"]), "--json", "--save-preprocessed", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [a["file"] for a in answers] == [str(p) for p in SAMPLES]
    for answer in answers:
        truth = int(Path(answer["file"]).name[0])
        assert answer["prediction"] == truth == answer["top3"][0]["digit"], answer
        assert len(answer["top3"]) == 3
        assert answer["top3"][0]["probability"] >= answer["top3"][1]["probability"]
    saved = sorted(tmp_path.iterdir())
    assert len(saved) == len(SAMPLES)
    assert all(Image.open(p).size == (28, 28) for p in saved)


def test_plain_output_names_the_top_three(trained: dict) -> None:
    result = predict(str(SAMPLES[0]), "--model", str(trained["model"]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{SAMPLES[0]}: {SAMPLES[0].name[0]}")
    assert result.stdout.count("%") == 3


def test_preprocessing_matches_mnist_conventions() -> None:
    digit = predict_digit.to_mnist(predict_digit.read_grey(SAMPLES[0]))  # ink on a transparent background
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert 0 <= digit.min() and digit.max() <= 1
    rows, cols = np.nonzero(digit > 0.05)
    assert max(np.ptp(rows), np.ptp(cols)) <= 22  # fits the 20x20 box (plus interpolation blur)
    weights = digit / digit.sum()
    com = (weights * np.indices(digit.shape)).sum(axis=(1, 2))
    assert np.allclose(com, 13.5, atol=0.5), com
    assert digit[0].max() == digit[-1].max() == 0  # background is dark


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
    result = predict(str(image), "--model", str(trained["model"]), "--save-preprocessed", str(out))
    assert result.returncode == 2, (case, result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert 1 <= len(result.stderr.strip().splitlines()) <= 2
    assert result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize("case", ["missing", "not-keras"])
def test_bad_model_gets_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    model = tmp_path / "model.keras"
    if case == "not-keras":
        model.write_text("not a model")
    result = predict(str(SAMPLES[0]), "--model", str(model))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if case == "missing":
        assert "python examples/lenet_mnist.py" in result.stderr  # says how to make one
