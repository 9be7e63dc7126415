"""The frameworks page's prose agrees with its two snippet files and with the benchmark records.

Reads docs/{en,zh}/lessons/frameworks.md, so that editing a sentence (or the snippets, or the
records) without the other fails here. The LeNet lesson's recipe comes from the lenet.json record of a
--smoke run of examples/lenet_mnist.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from runs import lenet_smoke_record

ROOT = Path(__file__).resolve().parents[1]
PAGES = {lang: ROOT / "docs" / lang / "lessons" / "frameworks.md" for lang in ("en", "zh")}
SNIPPETS = {name: ROOT / "docs" / "snippets" / name for name in ("lenet_keras.py", "lenet_torch.py")}
FRAMEWORKS = json.loads((ROOT / "docs" / "data" / "frameworks_benchmark.json").read_text(encoding="utf-8"))
LENET = json.loads((ROOT / "docs" / "data" / "lenet_benchmark.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lenet() -> dict:
    """lenet.json of a --smoke run of examples/lenet_mnist.py: the course's LeNet-5 and its presets."""
    return lenet_smoke_record()


# The sentence that states the training settings, in each language.
SETTINGS = {
    "en": r"train for (\d+) epochs with Adam at a constant learning rate of ([\d.]+) on batches of (\d+)",
    "zh": r"固定的学习率 ([\d.]+)、批量大小 (\d+) 训练 (\d+) 轮",
}


def page(lang: str) -> str:
    """The page with all runs of whitespace (line breaks included) collapsed to one space."""
    return re.sub(r"\s+", " ", PAGES[lang].read_text(encoding="utf-8"))


def snippet_settings(name: str) -> tuple[int, float, int]:
    """(epochs, learning rate, batch size) as written in one snippet file."""
    code = SNIPPETS[name].read_text(encoding="utf-8")
    epochs = int(re.search(r"^EPOCHS = (\d+)$", code, re.M).group(1))
    batch = int(re.search(r"^BATCH_SIZE = (\d+)$", code, re.M).group(1))
    rates = re.findall(r"Adam\((?:model\.parameters\(\), lr=)?([\d.e-]+)\)", code)
    assert len(rates) == 1, name
    return epochs, float(rates[0]), batch


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_stated_settings_are_the_snippets_and_the_records(lang: str) -> None:
    found = re.search(SETTINGS[lang], page(lang))
    assert found, f"{lang}: the sentence with the training settings has changed; update SETTINGS"
    if lang == "en":
        epochs, rate, batch = int(found[1]), float(found[2]), int(found[3])
    else:
        rate, batch, epochs = float(found[1]), int(found[2]), int(found[3])
    for name in SNIPPETS:
        assert snippet_settings(name) == (epochs, rate, batch), name
    for implementation, s in FRAMEWORKS["summary"].items():
        assert (s["epochs"], s["learning_rate"], s["batch_size"]) == (epochs, rate, batch), implementation


def test_the_snippets_use_a_constant_rate_and_plain_labels() -> None:
    # The page: "These two files keep Adam's learning rate constant and train on the labels as they are".
    for name, path in SNIPPETS.items():
        code = path.read_text(encoding="utf-8").lower()
        for word in ("schedule", "decay", "warmup", "cosine", "smoothing"):
            assert word not in code, (name, word)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_accuracy_gap_to_the_lenet_lesson_is_explained(lang: str, lenet: dict) -> None:
    # The page: accuracy is lower than in lenet-mnist.md#recipe, because that recipe adds a
    # warm-up, a cosine decay and label smoothing, for the same model and number of epochs.
    assert "(lenet-mnist.md#recipe)" in page(lang)
    default = lenet["presets"]["default"]
    assert default["schedule"] == "warmup-cosine" and default["label_smoothing"] > 0
    lesson = LENET["summary"]["default"]
    assert lesson["params"] == lenet["params"] and lesson["epochs"] == default["epochs"]
    for implementation, s in FRAMEWORKS["summary"].items():
        assert s["params"] == lesson["params"], implementation  # the same model
        assert s["epochs"] == lesson["epochs"], implementation
        assert s["median_accuracy"] < lesson["median_accuracy"], implementation


@pytest.mark.parametrize(
    ("lang", "phrase"), [("en", "within a fraction of a percentage point"), ("zh", "零点几个百分点")]
)
def test_the_accuracies_agree_as_the_page_says(lang: str, phrase: str) -> None:
    assert phrase in page(lang)
    accuracies = [s["median_accuracy"] for s in FRAMEWORKS["summary"].values()]
    assert max(accuracies) - min(accuracies) < 0.01  # less than one percentage point


@pytest.mark.parametrize(("lang", "phrase"), [("en", "several times"), ("zh", "重复运行多次")])
def test_every_implementation_was_run_several_times_as_the_page_says(lang: str, phrase: str) -> None:
    assert phrase in page(lang)
    assert FRAMEWORKS["repeats"] > 1
    counts = {name: sum(r["implementation"] == name for r in FRAMEWORKS["runs"]) for name in FRAMEWORKS["summary"]}
    assert set(counts.values()) == {FRAMEWORKS["repeats"]}


def test_both_models_have_the_same_number_of_parameters() -> None:
    # The page: "Both models have exactly the same number of parameters, as the table below shows."
    assert "exactly the same number of parameters" in page("en")
    assert "参数量完全相同" in page("zh")
    assert len({s["params"] for s in FRAMEWORKS["summary"].values()}) == 1
