"""mlp-vs-cnn.md (both languages): the counts and comparisons its prose states come from the models and the record.

The models are the ones examples/mlp_vs_cnn.py trains (build_mlp, and LeNet-5 from examples/lenet_mnist.py); the
accuracies are those of docs/data/mlp_vs_cnn.json, which the generated table shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import mlp_vs_cnn
import prose
import pytest

import lenet_mnist

ROOT = Path(__file__).resolve().parents[1]
PAGES = {lang: ROOT / "docs" / lang / "lessons" / "mlp-vs-cnn.md" for lang in ("en", "zh")}
LANGS = list(PAGES)
RECORD = ROOT / "docs" / "data" / "mlp_vs_cnn.json"


def section(lang: str, anchor: str) -> str:
    """The page's section with heading id `anchor`, up to the next ## heading, with line breaks as spaces."""
    return " ".join(prose.section(PAGES[lang].read_text(encoding="utf-8"), anchor).split())


def record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))["models"]


@pytest.mark.parametrize("lang", LANGS)
def test_first_layer_count(lang: str) -> None:
    """'784 × 512 + 512 = 401,920' is the first Dense layer of the MLP the script trains."""
    mlp = mlp_vs_cnn.build_mlp()
    assert r"$784 \times 512 + 512 = 401{,}920$" in section(lang, "two-models")
    assert mlp.get_layer("fc1").count_params() == 784 * 512 + 512 == 401920
    assert mlp.count_params() == record()["mlp"]["params"]


@pytest.mark.parametrize("lang", LANGS)
def test_results_follow_from_the_record(lang: str) -> None:
    """'With about a tenth of the parameters, the CNN makes fewer mistakes', on 55,000 training images."""
    text = section(lang, "results")
    models = record()
    mlp, cnn = models["mlp"], models["lenet5"]
    assert ("about a tenth of the parameters" if lang == "en" else "十分之一左右") in text
    assert 0.08 < cnn["params"] / mlp["params"] < 0.12
    assert cnn["params"] == lenet_mnist.build_lenet5().count_params()
    assert cnn["test_accuracy"] > mlp["test_accuracy"]  # fewer mistakes
    assert "55,000" in text and "10,000" in text and 60000 - lenet_mnist.HOLDOUT == 55000


@pytest.mark.parametrize("lang", LANGS)
def test_shuffled_pixels_claims(lang: str) -> None:
    """The MLP does not notice the shuffle (up to training noise); the CNN's accuracy drops."""
    text = section(lang, "spatial-structure")
    models = record()
    mlp, cnn = models["mlp"], models["lenet5"]
    assert ("For the MLP nothing has changed" if lang == "en" else "对 MLP 来说，什么都没有变") in text
    assert abs(mlp["shuffled_test_accuracy"] - mlp["test_accuracy"]) < 0.005
    assert ("its accuracy drops" if lang == "en" else "准确率也随之下降") in text
    assert cnn["shuffled_test_accuracy"] < cnn["test_accuracy"] - 0.01


@pytest.mark.parametrize("lang", LANGS)
def test_sub_sampling_claim(lang: str) -> None:
    """Without S2 and S4 the first dense layer would get C3's 24 × 24 × 16 = 9,216 values, over a million weights."""
    keras = lenet_mnist.keras
    text = section(lang, "why-fewer-parameters")
    no_pooling = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(6, 5, padding="same"),
            keras.layers.Conv2D(16, 5),
            keras.layers.Flatten(),
            keras.layers.Dense(120),
        ]
    )
    flat = no_pooling.layers[2].output.shape[-1]
    assert r"24\times 24\times 16 = 9{,}216" in text and flat == 9216
    assert ("more than a million weights" if lang == "en" else "超过一百万个") in text and 120 * flat > 1_000_000
    assert ("receives 400 values" if lang == "en" else "只接收 400 个值") in text
    assert lenet_mnist.build_lenet5().get_layer("flatten").output.shape[-1] == 400


def test_mlp_is_mnist_mlp_without_dropout() -> None:
    """'the shape of Keras's classic mnist_mlp.py ... also puts a Dropout(0.2) layer after each hidden layer'."""
    mlp = mlp_vs_cnn.build_mlp()
    dense = [layer for layer in mlp.layers if layer.__class__.__name__ == "Dense"]
    assert [layer.units for layer in dense] == [512, 512, 10]
    assert not any(layer.__class__.__name__ == "Dropout" for layer in mlp.layers)
    for lang in LANGS:
        assert "`Dropout(0.2)`" in section(lang, "two-models")


@pytest.mark.parametrize("lang", LANGS)
def test_small_data_exercise_threshold_exceeds_the_recorded_drop(lang: str) -> None:
    """Exercise 4 asserts a drop above a threshold that the 55,000-image drop of the table stays below."""
    text = PAGES[lang].read_text(encoding="utf-8")
    threshold = float(re.search(r"assert drop > ([\d.]+)", text).group(1))
    cnn = record()["lenet5"]
    assert cnn["test_accuracy"] - cnn["shuffled_test_accuracy"] < threshold
