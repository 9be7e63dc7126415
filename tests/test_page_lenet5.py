"""The counts typed in the prose of lenet5.md (both languages) are the ones the 1998 model gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runs import architectures_record

ROOT = Path(__file__).resolve().parents[1]
PAGES = {lang: ROOT / "docs" / lang / "lessons" / "lenet5.md" for lang in ("en", "zh")}
# The paragraph under the generated table starts with these words.
OPENING = {"en": "Every count agrees with the paper:", "zh": "每个数字都与论文一致："}


def paragraph(text: str, opening: str) -> str:
    """The paragraph of a Markdown page that starts with `opening`."""
    start = text.index(opening)
    end = text.find("\n\n", start)
    return text[start : end if end != -1 else None]


def numbers(text: str) -> list[int]:
    """Integers written in prose (1,516 -> 1516), skipping digits glued to letters such as the 1 of C1."""
    return [int(n.replace(",", "")) for n in re.findall(r"(?<![A-Za-z0-9_.,§])\d(?:[\d,]*\d)?", text)]


@pytest.fixture(scope="module")
def counts() -> dict:
    """The 1998 model's per-layer counts, by layer name, from a fresh run of examples/architectures.py."""
    return {layer["name"]: layer for layer in architectures_record()["networks"]["lenet1998"]["layers"]}


@pytest.mark.parametrize("lang", PAGES)
def test_counts_in_prose_come_from_the_model(lang: str, counts: dict) -> None:
    text = paragraph(PAGES[lang].read_text(encoding="utf-8"), OPENING[lang])
    c = counts
    expected = [
        c["C1"]["params"],
        c["C1"]["connections"],
        c["S2"]["params"],
        c["S2"]["connections"],
        c["C3"]["params"],
        c["C3"]["connections"],
        c["S4"]["params"],
        c["S4"]["connections"],
        c["C5"]["connections"],
        c["F6"]["params"],
        sum(layer["connections"] for layer in c.values()),
        sum(layer["params"] for layer in c.values()),
    ]
    assert numbers(text) == expected
    # and the paper's own figures (LeCun et al. 1998, section II.B), so that a change to the model cannot pass
    assert expected == [156, 122_304, 12, 5_880, 1_516, 151_600, 32, 2_000, 48_120, 10_164, 340_908, 60_000]


def test_number_reader_skips_layer_names() -> None:
    assert numbers("C1 has 156 parameters and 122,304 connections; S2 12.") == [156, 122_304, 12]
    assert numbers("C1 有 156 个参数、122,304 个连接，共2,000个") == [156, 122_304, 2_000]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_course_version_counts_match_the_models(lang: str) -> None:
    """ "fewer parameters than the original, 44,426 against 60,000: C5 reads 256 values instead of 400, which leaves
    out 17,280 of its weights", read from the page and recomputed from the two models' records."""
    opening = {"en": "It has fewer parameters than the original", "zh": "它的参数比原版少"}[lang]
    text = paragraph(PAGES[lang].read_text(encoding="utf-8"), opening)
    networks = architectures_record()["networks"]
    course, paper = networks["lenet_course"], networks["lenet1998"]
    c5 = {net: next(c for c in n["layers"] if c["name"] == "C5") for net, n in (("course", course), ("paper", paper))}
    inputs = {net: (c5[net]["params"] - 120) // 120 for net in c5}  # each of the 120 units: a weight per input
    assert inputs == {"course": 256, "paper": 400}
    assert numbers(text)[:5] == [course["params"], paper["params"], 256, 400, (400 - 256) * 120]
