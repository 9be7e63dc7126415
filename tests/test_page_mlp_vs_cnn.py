"""mlp-vs-cnn.md (both languages): the counts and comparisons its prose states come from the models and the record.

examples/mlp_vs_cnn.py trains an MLP and LeNet-5; a --smoke run of it gives the models' layers, which must be
those of the committed record docs/data/mlp_vs_cnn.json (the generated table shows its accuracies), and its
LeNet-5 and recipe must be those of examples/lenet_mnist.py, read from the lenet.json of a --smoke run of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import course
import prose
from runs import lenet_smoke_record, script_smoke, stdout

ROOT = Path(__file__).resolve().parents[1]
PAGES = {lang: ROOT / "docs" / lang / "lessons" / "mlp-vs-cnn.md" for lang in ("en", "zh")}
LANGS = list(PAGES)
RECORD = ROOT / "docs" / "data" / "mlp_vs_cnn.json"
FILES = ("mlp_vs_cnn.json", "mlp_vs_cnn_permuted.png")
LAYER_KEYS = ("name", "type", "output_shape", "params")


@pytest.fixture(scope="module")
def smoke() -> dict:
    """The record of a --smoke run of examples/mlp_vs_cnn.py (`runs.script_smoke`), and what it printed ("stdout")."""
    folder = script_smoke("mlp_vs_cnn")
    # Besides its outputs, only the caches of its HOME (.keras, .config): it writes nowhere else.
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["mlp_vs_cnn.py", "outputs"]
    assert sorted(p.name for p in (folder / "outputs").rglob("*")) == sorted(FILES)
    record = json.loads((folder / "outputs" / "mlp_vs_cnn.json").read_text(encoding="utf-8"))
    return record | {"stdout": stdout(folder.parent).read_text(encoding="utf-8")}


@pytest.fixture(scope="module")
def lenet() -> dict:
    """lenet.json of a --smoke run of examples/lenet_mnist.py: its LeNet-5's layers, presets and holdout."""
    return lenet_smoke_record()


def section(lang: str, anchor: str) -> str:
    """The page's section with heading id `anchor`, up to the next ## heading, with line breaks as spaces."""
    return " ".join(prose.section(PAGES[lang].read_text(encoding="utf-8"), anchor).split())


def record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def layers(rows: list[dict]) -> list[dict]:
    """Layer rows reduced to the keys both records share."""
    return [{key: row[key] for key in LAYER_KEYS} for row in rows]


def by_name(model: dict) -> dict[str, dict]:
    return {row["name"]: row for row in model["layers"]}


def test_the_record_holds_the_models_the_example_builds(smoke: dict) -> None:
    """The committed record was made by the current code: same layers, same parameter counts."""
    committed = record()["models"]
    assert list(committed) == list(smoke["models"]) == ["mlp", "lenet5"]
    for name, model in smoke["models"].items():
        assert layers(committed[name]["layers"]) == layers(model["layers"]), name
        assert committed[name]["params"] == model["params"] == sum(row["params"] for row in model["layers"]), name


def test_the_cnn_is_the_lenet_example_model(smoke: dict, lenet: dict) -> None:
    """'LeNet-5' here is layer for layer the model of examples/lenet_mnist.py."""
    cnn = smoke["models"]["lenet5"]
    assert layers(cnn["layers"]) == layers(lenet["layers"])
    assert cnn["params"] == lenet["params"]


def test_both_are_trained_with_the_lenet_examples_default_recipe(smoke: dict, lenet: dict) -> None:
    """'with the default recipe of LeNet-5 on MNIST': the recipe, the seed and the data split are that example's."""
    default = {key: value for key, value in lenet["presets"]["default"].items() if key != "model"}
    committed = record()
    assert committed["recipe"] == default and committed["epochs"] == default["epochs"]
    assert smoke["recipe"] == default | {"epochs": 1} and lenet["config"]["epochs"] == 1
    assert committed["holdout"] == smoke["holdout"] == lenet["holdout"]
    assert committed["seed"] == smoke["seed"] == lenet["seed"] == 0
    # Same recipe, seed and images: the smoke runs' LeNet-5s land on the same test accuracy (500 images).
    assert abs(smoke["models"]["lenet5"]["test_accuracy"] - lenet["test_accuracy"]) <= 0.004


def test_the_example_prints_the_results_it_records(smoke: dict) -> None:
    """The example page shows the results table under the cell that computes it."""
    lines = smoke["stdout"].splitlines()
    for name, m in smoke["models"].items():
        row = f"{name:8} {m['params']:>10,} {m['test_accuracy']:>14.2%} {m['shuffled_test_accuracy']:>16.2%}"
        assert row in lines, name
    assert "wrote outputs/mlp_vs_cnn.json" in lines


@pytest.mark.parametrize("lang", LANGS)
def test_first_layer_count(lang: str, smoke: dict) -> None:
    """'784 × 512 + 512 = 401,920' is the first Dense layer of the MLP the script trains."""
    assert r"$784 \times 512 + 512 = 401{,}920$" in section(lang, "two-models")
    assert by_name(smoke["models"]["mlp"])["fc1"]["params"] == 784 * 512 + 512 == 401920
    assert by_name(record()["models"]["mlp"])["fc1"]["params"] == 401920


@pytest.mark.parametrize("lang", LANGS)
def test_results_follow_from_the_record(lang: str, lenet: dict) -> None:
    """'With less than a tenth of the parameters, the CNN makes fewer mistakes', on 55,000 training images."""
    text = section(lang, "results")
    committed = record()
    mlp, cnn = committed["models"]["mlp"], committed["models"]["lenet5"]
    assert ("less than a tenth of the parameters" if lang == "en" else "还不到 MLP 的十分之一") in text
    assert cnn["params"] / mlp["params"] < 0.1
    assert cnn["params"] == lenet["params"]
    assert cnn["test_accuracy"] > mlp["test_accuracy"]  # fewer mistakes
    assert "55,000" in text and committed["train_images"] == 60000 - lenet["holdout"] == 55000
    assert "10,000" in text and committed["test_images"] == 10000


@pytest.mark.parametrize("lang", LANGS)
def test_shuffled_pixels_claims(lang: str) -> None:
    """The MLP does not notice the shuffle (up to training noise); the CNN's accuracy drops."""
    text = section(lang, "spatial-structure")
    models = record()["models"]
    mlp, cnn = models["mlp"], models["lenet5"]
    assert ("For the MLP nothing has changed" if lang == "en" else "对 MLP 来说，什么都没有变") in text
    assert abs(mlp["shuffled_test_accuracy"] - mlp["test_accuracy"]) < 0.005
    assert ("its accuracy drops" if lang == "en" else "准确率也随之下降") in text
    assert cnn["shuffled_test_accuracy"] < cnn["test_accuracy"] - 0.01


@pytest.mark.parametrize("lang", LANGS)
def test_sub_sampling_claim(lang: str, lenet: dict) -> None:
    """Without S2 and S4 the first dense layer would get C3's 20 × 20 × 16 = 6,400 values, not 256: 768,000 weights."""
    import keras

    text = section(lang, "why-fewer-parameters")
    no_pooling = keras.Sequential(  # the course's LeNet-5 (no padding) without its pooling layers
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(6, 5),
            keras.layers.Conv2D(16, 5),
            keras.layers.Flatten(),
            keras.layers.Dense(120),
        ]
    )
    flat = no_pooling.layers[2].output.shape[-1]
    assert r"20\times 20\times 16 = 6{,}400" in text and flat == 6400
    assert r"6{,}400 \times 120 = 768{,}000" in text and 120 * flat == 768_000
    assert no_pooling.layers[3].count_params() == 768_000 + 120
    assert r"256 \times 120 = 30{,}720" in text
    assert ("receives 256 values" if lang == "en" else "只接收 256 个值") in text
    cnn = by_name(lenet)
    assert cnn["flatten"]["output_shape"][-1] == 256
    assert cnn["C5"]["params"] == 256 * 120 + 120 == 30_720 + 120
    assert [cnn[name]["type"] for name in ("S2", "S4")] == ["MaxPooling2D"] * 2


def test_mlp_is_mnist_mlp_without_dropout(smoke: dict) -> None:
    """'the shape of Keras's classic mnist_mlp.py ... also puts a Dropout(0.2) layer after each hidden layer'."""
    mlp = smoke["models"]["mlp"]["layers"]
    assert [row["output_shape"][-1] for row in mlp if row["type"] == "Dense"] == [512, 512, 10]
    assert [row["type"] for row in mlp] == ["Flatten", "Dense", "Dense", "Dense"]  # no Dropout
    for lang in LANGS:
        assert "`Dropout(0.2)`" in section(lang, "two-models")


@pytest.mark.parametrize("lang", LANGS)
def test_small_data_exercise_threshold_exceeds_the_recorded_drop(lang: str) -> None:
    """Exercise 4 asserts a drop above a threshold that the 55,000-image drop of the table stays below."""
    text = PAGES[lang].read_text(encoding="utf-8")
    threshold = float(re.search(r"assert drop > ([\d.]+)", text).group(1))
    cnn = record()["models"]["lenet5"]
    assert cnn["test_accuracy"] - cnn["shuffled_test_accuracy"] < threshold


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "-1"], "--seed must be at least 0"),
        (["--data", "missing.npz"], "no MNIST file at missing.npz"),
        (["--epochs", "2"], "unrecognized arguments: --epochs 2"),
    ],
)
def test_bad_input_gets_a_short_error(args: list[str], message: str, tmp_path: Path) -> None:
    result = course.run_example("mlp_vs_cnn", *args, "--out", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
