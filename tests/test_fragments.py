"""The Markdown fragments in docs/generated are exactly what the generator produces."""

from __future__ import annotations

import re
from pathlib import Path

import course
import make_fragments

ROOT = Path(__file__).resolve().parents[1]


def test_fragments_are_current() -> None:
    rendered = make_fragments.render_all()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in course.GENERATED.glob("*.md")}
    assert on_disk == rendered, "run `python scripts/make_fragments.py` and commit docs/generated/"


def test_every_fragment_is_used_in_its_language() -> None:
    for lang in make_fragments.LANGS:
        text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs" / lang).rglob("*.md"))
        used = set(re.findall(r'--8<-- "([^"]+\.md)"', text))  # .py includes are code, from docs/snippets
        mine = {n for n in make_fragments.FRAGMENTS if n.count(".") == 1 or n.endswith(f".{lang}.md")}
        assert used == mine, lang


def test_worked_sums_match_scipy() -> None:
    """Each written-out sum adds up to its stated result, and the results are SciPy's convolution."""
    from scipy.signal import convolve2d

    text = make_fragments.conv_sums()
    lines = re.findall(r"y_\{(\d),(\d)\} = (-?\d+) &= (.+)", text)
    expected = convolve2d(make_fragments.IMAGE, make_fragments.KERNEL, mode="valid")
    assert len(lines) == expected.size
    for i, j, result, terms in lines:
        products = re.findall(r"(-?\d+)\\cdot\(?(-?\d+)\)?", terms)
        assert len(products) == 9
        assert sum(int(a) * int(b) for a, b in products) == int(result) == expected[int(i), int(j)]
