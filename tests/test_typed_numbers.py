"""No measured number is typed into a page's prose by hand.

A number followed by %, s, 秒, 分钟, a factor sign (1.5×), "times", 倍 or 个百分点 is a measurement or a claim about
one. In prose (code, maths and generated `--8<--` fragments are not prose) such a number passes only when
- its sentence cites a primary source (a link to an http(s) URL, inline or by reference): a number from a paper;
- it is quoted (“…”, "…", 「…」, or a blockquote); or
- the paragraph is followed by `<!-- numbers: tests/FILE.py::test_name -->`, and that test's source contains the
  number as written (so the test that asserts it is named on the page, and fails when the two drift apart); or
- it is in ALLOWED below, with a reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from prose import cites_a_source, link_text_only, paragraphs, without_code, without_quotations

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for lang in ("en", "zh") for p in (ROOT / "docs" / lang).rglob("*.md"))

SPACE = r"[ \u00a0\u2009\u202f]?"
DIGITS = r"(?<![\w.,])\d+(?:[.,]\d+)*"
UNIT = r"(?:%|％|个百分点|秒|分钟|倍|×(?![ \u2009]?\d)|x(?=[\s,.;:)]|$)|(?:times|ms|s|min|minutes?|seconds?|hours?)\b)"
CN_NUMBER = r"[一二两三四五六七八九十百千万半几]+(?:个百分点|秒|分钟|倍)"
EN_NUMBER = (
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|a hundred|hundreds of|half a|a few)"
    r"\s+(?:times|seconds?|minutes?|hours?|percent)\b"
)
NUMBER = re.compile(rf"{DIGITS}{SPACE}{UNIT}|{CN_NUMBER}|{EN_NUMBER}", re.IGNORECASE)
DECADE = re.compile(r"^(1[89]|20)\d0s$")  # "the 1990s" is not a time
SENTENCE_END = re.compile(r"(?<=[.!?;])(?<!\bal\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bvs\.)\s+|(?<=[。！？；])")
MARKER = re.compile(r"^numbers:\s*(tests/[\w/]+\.py)::(\w+)")

# (page relative to docs/, the matched text): why it may stand as typed.
ALLOWED: dict[tuple[str, str], str] = {}


def typed_numbers(page: Path) -> list[tuple[int, str, str, str | None]]:
    """(line, number as written, its sentence, the paragraph's marker comment) for every number the rule flags."""
    found = []
    for paragraph in paragraphs(page):
        for sentence in SENTENCE_END.split(without_code(paragraph.text)):
            if cites_a_source(sentence, paragraph.references):
                continue
            for match in NUMBER.finditer(without_quotations(link_text_only(sentence))):
                if not DECADE.match(match.group(0).replace(" ", "")):
                    found.append((paragraph.line, match.group(0).strip(), sentence.strip(), paragraph.comment))
    return found


def marked_test_source(marker: str) -> str | None:
    """The source text of the test function a `numbers:` marker names, or None if there is no such function."""
    match = MARKER.match(marker)
    if not match or not (ROOT / match.group(1)).is_file():
        return None
    tree = ast.parse((ROOT / match.group(1)).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == match.group(2):
            lines = (ROOT / match.group(1)).read_text(encoding="utf-8").splitlines()
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])  # parametrize may hold the words
            return "\n".join(lines[first - 1 : node.end_lineno])
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_no_typed_numbers(page: Path) -> None:
    name = page.relative_to(ROOT / "docs").as_posix()
    problems = []
    for line, number, sentence, marker in typed_numbers(page):
        if (name, number) in ALLOWED:
            continue
        if marker and marker.startswith("numbers:"):
            source = marked_test_source(marker)
            if source is None:
                problems.append(f"line {line}: marker `{marker}` names no test function")
                continue
            digits = re.sub(r"[^\d.,]", "", number).strip(".,") or number
            if digits in source:
                continue
            problems.append(f"line {line}: {number!r} is not in the source of {marker.split('numbers:')[1].strip()}")
            continue
        problems.append(f"line {line}: {number!r} in “{sentence[:120]}”")
    assert not problems, "typed measurements (see this test's docstring for the ways out):\n" + "\n".join(problems)


def test_the_rule_flags_what_it_should(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "It trains in about ten seconds and reaches 99 % accuracy.\n\n"
        "The default is 1.5× slower; 训练约需十秒，快 2 倍。\n\n"
        "A 3×3 kernel in the 1990s, with 5 kernels.\n\n"
        "The paper reports 15.3% top-5 error ([Krizhevsky et al.][alexnet]).\n\n"
        'It says "reaches 25% error six times faster".\n\n'
        "A measured 98.5 % that a test checks.\n\n"
        "<!-- numbers: tests/test_typed_numbers.py::test_the_rule_flags_what_it_should -->\n\n"
        "`took 5 s` and $p = 50\\%$ are code and maths.\n\n"
        "```python\nprint('12 s')\n```\n\n"
        "[alexnet]: https://example.org/alexnet.pdf\n",
        encoding="utf-8",
    )
    flagged = [(number, marker) for _, number, _, marker in typed_numbers(page)]
    assert [n for n, _ in flagged] == ["ten seconds", "99 %", "1.5×", "十秒", "2 倍", "98.5 %"]
    assert flagged[-1][1] == "numbers: tests/test_typed_numbers.py::test_the_rule_flags_what_it_should"
    assert marked_test_source(flagged[-1][1]) is not None and "98.5" in marked_test_source(flagged[-1][1])
    assert marked_test_source("numbers: tests/test_typed_numbers.py::no_such_test") is None
