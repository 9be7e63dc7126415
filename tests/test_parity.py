"""Every page exists in both languages, with the same code (comments may be translated)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
from pytest_codeblocks import extract_from_file

ROOT = Path(__file__).resolve().parents[1]
EN, ZH = ROOT / "docs" / "en", ROOT / "docs" / "zh"
PAGES = sorted(p.relative_to(EN).as_posix() for p in EN.rglob("*.md"))


def without_comments(code: str) -> str:
    """Python source with comments removed and trailing spaces trimmed, line structure kept."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.COMMENT]
    return "\n".join(line.rstrip() for line in tokenize.untokenize(tokens).splitlines())


def without_shell_comments(code: str) -> str:
    """Shell commands with `  # comment` tails removed."""
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line).rstrip() for line in code.splitlines())


def code_blocks(path: Path) -> list[tuple[str, str, str | None]]:
    """(syntax, code without comments, expected output) of every collected block."""
    strip = {"python": without_comments}
    return [
        (b.syntax, strip.get(b.syntax, without_shell_comments)(b.code), b.expected_output)
        for b in extract_from_file(path)
    ]


def test_both_languages_have_the_same_pages() -> None:
    assert PAGES
    assert PAGES == sorted(p.relative_to(ZH).as_posix() for p in ZH.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_pages_have_the_same_code(page: str) -> None:
    en, zh = code_blocks(EN / page), code_blocks(ZH / page)
    assert [s for s, _, _ in en] == [s for s, _, _ in zh], "different code blocks"
    for i, (a, b) in enumerate(zip(en, zh, strict=True)):
        assert a == b, f"{page}: code block {i + 1} differs between en and zh"


def test_comment_stripping_keeps_code_and_drops_comments() -> None:
    assert without_comments("x = 1  # one\n# note\ny = '#'\n") == without_comments("x = 1  # 一\n# 注释\ny = '#'\n")
    assert without_comments("x = 1\n") != without_comments("x = 2\n")
    assert without_shell_comments("make test  # all\nls") == without_shell_comments("make test  # 全部\nls")
