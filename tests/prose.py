"""The prose of a Markdown page: paragraphs without code, maths, HTML comments or included fragments.

Used by the checks that read what a learner reads (typed numbers, avoided Chinese terms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
COMMENT = re.compile(r"^\s*<!--(.*?)-->\s*$")
REFERENCE = re.compile(r"^\s*\[([^\]^]+)\]:\s*(\S+)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+\1")
INLINE_MATH = re.compile(r"\$[^$]+\$|\\\(.+?\\\)")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass
class Paragraph:
    """A run of prose lines on `page`, starting at `line`, and the HTML comment right after it, if any."""

    page: Path
    line: int
    text: str
    comment: str | None = None
    references: dict[str, str] = field(default_factory=dict)


def paragraphs(page: Path) -> list[Paragraph]:
    """Every prose paragraph of `page` (fenced code, $$ maths, `--8<--` includes and comments left out)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    references = {m.group(1).lower(): m.group(2) for m in map(REFERENCE.match, lines) if m}
    found: list[Paragraph] = []
    current: list[str] = []
    start = 0
    fence: str | None = None
    in_math = False
    last_closed: Paragraph | None = None

    def close() -> None:
        nonlocal current, last_closed
        if current:
            last_closed = Paragraph(page, start, "\n".join(current), references=references)
            found.append(last_closed)
            current = []

    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if fence:
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = None
            continue
        match = FENCE.match(raw)
        if match:
            close()
            fence = match.group(1)
            last_closed = None
            continue
        if in_math:
            in_math = not stripped.endswith("$$")
            continue
        if stripped.startswith("$$"):
            close()
            in_math = not (len(stripped) > 4 and stripped.endswith("$$"))
            continue
        comment = COMMENT.match(raw)
        if comment:
            close()
            if last_closed is not None and last_closed.comment is None:
                last_closed.comment = comment.group(1).strip()
            last_closed = None
            continue
        if not stripped:
            close()
            continue
        if stripped.startswith("--8<--") or REFERENCE.match(raw):
            close()
            last_closed = None
            continue
        if not current:
            start = number
            last_closed = None
        current.append(stripped)
    close()
    return found


def without_code(text: str) -> str:
    """`text` with inline code, inline maths and HTML tags removed."""
    return HTML_TAG.sub(" ", INLINE_MATH.sub(" ", INLINE_CODE.sub(" ", text)))


QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』")


def without_quotations(text: str) -> str:
    """`text` with quoted passages (“…”, "…", 「…」, 『…』) and blockquote lines removed."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    return QUOTED.sub(" ", text)


LINK_TARGET = re.compile(r"\]\(([^)\s]+)[^)]*\)|\]\[([^\]]*)\]")


def link_text_only(text: str) -> str:
    """`text` with link targets dropped (`[a](url)` and `[a][ref]` become `[a]`)."""
    return LINK_TARGET.sub("]", text)


def cites_a_source(sentence: str, references: dict[str, str]) -> bool:
    """Whether `sentence` links to an outside source (an http(s) URL, inline or by reference) or a footnote."""
    for match in LINK_TARGET.finditer(sentence):
        inline, ref = match.groups()
        target = inline if inline is not None else references.get((ref or "").lower(), "")
        if target.startswith(("http://", "https://")):
            return True
    return "[^" in sentence


def section(text: str, anchor: str | None) -> str:
    """The section of a page's Markdown with heading id `anchor`, up to the next ## heading; None: the intro."""
    if anchor is None:
        return text[: text.index("\n## ")]
    start = text.index(f"{{#{anchor}}}")
    end = text.find("\n## ", start)
    return text[start : end if end != -1 else None]
