"""Every fence of code on a page is run by pytest-codeblocks, or skipped on purpose with a reason.

pytest-codeblocks runs a fence only when its info string is exactly `python`, `sh` or `bash`; anything else
(`py`, `python title="x.py"`, `python hl_lines="2"`) would be silently left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_codeblocks import extract_from_file

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for lang in ("en", "zh") for p in (ROOT / "docs" / lang).rglob("*.md"))
RUN = {"python", "sh", "bash"}
CODE = {"python", "python3", "py", "py3", "pycon", "ipython", "sh", "bash", "shell", "console", "zsh"}
SKIP_WITH_REASON = re.compile(r"""^pytest\.mark\.skip\(reason=(["'])(.{10,})\1\)$""")
FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)")


def problems(page: Path) -> list[str]:
    """What is wrong with the fences of `page`: unrun code without a reasoned skip, or a skip without a reason."""
    text = page.read_text(encoding="utf-8")
    found = []
    if "pytest-codeblocks:skip" in text:
        found.append('deprecated `pytest-codeblocks:skip`: use <!--pytest.mark.skip(reason="...")-->')
    for block in extract_from_file(page):
        language = block.syntax.split()[0].lstrip("{.").rstrip("}") if block.syntax.strip() else ""
        skips = [m for m in block.marks if m.startswith("pytest.mark.skip")]
        reasoned = any(SKIP_WITH_REASON.match(m) for m in skips)
        if skips and not reasoned:
            found.append(f'line {block.lineno}: a skip needs reason="..." (at least a few words)')
        if language in CODE and block.syntax not in RUN and not reasoned:
            found.append(f"line {block.lineno}: ```{block.syntax} is not run: use python, sh or bash, or skip it")
        if language in RUN - {"python"} and block.syntax in RUN and not skips and not block.code.strip():
            found.append(f"line {block.lineno}: empty block")
    # Fences that pytest-codeblocks never sees (e.g. inside HTML) would escape the checks above.
    opened = sum(1 for line in text.splitlines() if FENCE_OPEN.match(line))
    assert opened % 2 == 0, f"{page}: unbalanced fences"
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_every_code_fence_runs_or_is_skipped_with_a_reason(page: Path) -> None:
    found = problems(page)
    assert not found, "\n".join(found)


def test_the_fence_check_catches_unrun_code(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        '```python title="a.py"\nprint(1)\n```\n\n'
        "```py\nprint(2)\n```\n\n"
        "<!--pytest.mark.skip-->\n\n```python\nprint(3)\n```\n\n"
        '<!--pytest.mark.skip(reason="starts a web server on port 8000")-->\n\n```bash\nmake serve\n```\n\n'
        "```python\nprint(4)\n```\n",
        encoding="utf-8",
    )
    found = problems(page)
    assert [f.split(":")[0] for f in found] == ["line 1", "line 5", "line 11"], found
