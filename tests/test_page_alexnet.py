"""Counts typed in the prose of alexnet.md (both languages) agree with the models they describe."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from runs import architectures_record

ROOT = Path(__file__).resolve().parents[1]
PAGES = {lang: ROOT / "docs" / lang / "lessons" / "alexnet.md" for lang in ("en", "zh")}
FOUR = {"en": "four", "zh": "四个"}


def exercise(text: str, number: int) -> str:
    """Exercise `number` of the page's exercise list, up to the next one or the references."""
    section = text[text.index("{#exercises}") : text.index("{#references}")]
    start = section.index(f"\n{number}. ")
    end = section.find(f"\n{number + 1}. ", start)
    return section[start : end if end != -1 else None]


def paragraph_with(text: str, needle: str) -> str:
    """The paragraph (or list item) of a Markdown page that contains `needle`."""
    at = text.index(needle)
    start = max(text.rfind("\n\n", 0, at), text.rfind("\n- ", 0, at))
    return text[start : text.find("\n\n", at)]


@pytest.fixture(scope="module")
def alexnet() -> dict:
    """AlexNet's per-layer counts, by layer name, from a fresh run of examples/architectures.py."""
    return {layer["name"]: layer for layer in architectures_record()["networks"]["alexnet"]["layers"]}


@pytest.mark.parametrize("lang", PAGES)
def test_fc6_exercise_matches_the_model(lang: str, alexnet: dict) -> None:
    text = exercise(PAGES[lang].read_text(encoding="utf-8"), 2)
    formula = re.search(r"\$(\d+) \\cdot (\d+) \\cdot (\d+) \\cdot (\d+) \+ (\d+)\$", text)
    assert formula, text
    h, w, c, units, biases = map(int, formula.groups())
    assert [h, w, c] == alexnet["pool5"]["shape"]
    assert units == biases == alexnet["fc6"]["shape"][0]
    assert h * w * c * units + biases == alexnet["fc6"]["params"]
    flat = re.search(r"= (\d+)\{,\}(\d{3})\$", text)  # the answer's $6 \cdot 6 \cdot 256 = 9{,}216$
    assert flat, text
    assert int("".join(flat.groups())) == math.prod(alexnet["pool5"]["shape"]) == alexnet["flatten"]["shape"][0]
    assert f"{units:,}" in text  # "each of the 4,096 units"


@pytest.fixture(scope="module")
def resnet50_convs() -> list[str]:
    """The names of ResNet-50's convolutional layers (keras.applications, as the example counts it)."""
    layers = architectures_record()["networks"]["resnet50"]["layers"]
    return [layer["name"] for layer in layers if layer["kind"] == "Conv2D"]


@pytest.mark.parametrize("lang", PAGES)
def test_resnet50_layer_counts(lang: str, resnet50_convs: list[str]) -> None:
    convs = resnet50_convs
    shortcuts = [name for name in convs if name.endswith("_0_conv")]  # the 1x1 convolutions on the shortcuts
    text = paragraph_with(PAGES[lang].read_text(encoding="utf-8"), "ResNet-50")
    assert f" {len(convs) - len(shortcuts)} " in text  # the main path: 49
    assert f" {len(convs)} " in text  # all convolutions: 53
    assert f"{FOUR[lang]} 1×1" in text
    assert (len(convs), len(shortcuts)) == (53, 4)  # what the generated table shows
