"""MkDocs hook: link the first use of each glossary term on a page to its entry on the glossary page.

The terms come from docs/data/glossary.yml (the same file the glossary page is generated from). Only prose is
linked: text inside links, code, headings, maths, scripts and the interactive widgets is left alone.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

GLOSSARY_PAGE = "lessons/glossary.md"
DATA = Path(__file__).resolve().parents[1] / "data" / "glossary.yml"
USERDICT = Path(__file__).resolve().parents[1] / "search" / "userdict.txt"
# Elements whose text is never linked; `class` matches below add maths, admonition titles and widgets.
SKIP_TAGS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "kbd", "svg", "button", "label"}
SKIP_CLASSES = re.compile(r'class="[^"]*\b(arithmatex|admonition-title|conv-explorer|katex)\b')
VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")


def load_entries(lang: str) -> list[dict]:
    """Glossary entries with the forms to link in `lang` (the term itself unless `link_term` is false)."""
    entries = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for entry in entries:
        forms = [entry[lang]] if entry.get("link_term", True) or lang == "en" else []
        entry["forms"] = forms + list(entry.get(f"{lang}_forms", []))
    return entries


def term_pattern(entries: list[dict]) -> re.Pattern[str]:
    """One alternation of every form, longest first: 卷积核 wins over 卷积, "feature maps" over "feature map"."""
    forms = sorted({f for e in entries for f in e["forms"]}, key=len, reverse=True)
    parts = []
    for form in forms:
        text = re.escape(form)
        if form.isascii():
            # Latin terms: whole words; lower-case ones also match a capitalised first letter.
            if form == form.lower():
                text = f"[{re.escape(form[0].upper())}{re.escape(form[0])}]{re.escape(form[1:])}"
            text = rf"(?<![\w-]){text}(?![\w-])"
        parts.append(text)
    return re.compile("|".join(parts))


@functools.cache
def _segmenter() -> object:
    """jieba with the site's user dictionary (the one Chinese search uses)."""
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(USERDICT))
    return tokenizer


def word_boundaries(text: str) -> set[int]:
    """Offsets in Chinese `text` where a word starts or ends, so that 等变 is not found inside 恒等变换."""
    return {i for _, start, end in _segmenter().tokenize(text) for i in (start, end)}


def link_terms(content: str, entries: list[dict], href: str, chinese: bool = False) -> str:
    """`content` with the first prose use of each entry's forms wrapped in a link to `href#id`.

    With `chinese`, a form counts only where it starts and ends on a word boundary.
    """
    by_form = {}
    for entry in entries:
        for form in entry["forms"]:
            by_form.setdefault(form.lower(), entry)
    pattern = term_pattern(entries)
    linked: set[str] = set()
    stack: list[tuple[str, bool]] = []  # open elements and whether each one suppresses linking
    out: list[str] = []
    pos = 0

    def link_text(text: str) -> str:
        bounds = word_boundaries(text) if chinese and pattern.search(text) else None

        def replace(match: re.Match[str]) -> str:
            entry = by_form[match.group(0).lower()]
            if entry["id"] in linked or (bounds is not None and not {match.start(), match.end()} <= bounds):
                return match.group(0)
            linked.add(entry["id"])
            title = html.escape(entry["definition"], quote=True)
            return f'<a class="glossary-term" href="{href}#{entry["id"]}" title="{title}">{match.group(0)}</a>'

        return pattern.sub(replace, text)

    def handle(text: str) -> str:
        if any(name == "a" for name, _ in stack):  # a term the author linked by hand counts as its first use
            linked.update(by_form[m.group(0).lower()]["id"] for m in pattern.finditer(text))
        return text if any(skip for _, skip in stack) else link_text(text)

    for match in TAG.finditer(content):
        out.append(handle(content[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
        closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if name in VOID_TAGS or attrs.endswith("/"):
            continue
        if not closing:
            stack.append((name, name in SKIP_TAGS or bool(SKIP_CLASSES.search(attrs))))
        elif any(open_name == name for open_name, _ in stack):
            while stack and stack.pop()[0] != name:
                pass
    out.append(handle(content[pos:]))
    return "".join(out)


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Link glossary terms on every Markdown page except the glossary itself."""
    glossary = files.get_file_from_path(GLOSSARY_PAGE)
    if glossary is None or not page.file.src_uri.endswith(".md") or page.file.src_uri == GLOSSARY_PAGE:
        return html_text
    lang = config["extra"]["i18n"]["code"]
    entries = load_entries(lang)
    for entry in entries:
        entry["definition"] = entry[f"{lang}_def"]
    start = page.url if page.url.endswith("/") or not page.url else posixpath.dirname(page.url)
    href = posixpath.relpath(glossary.url or ".", start or ".")
    if glossary.url.endswith("/"):
        href += "/"
    return link_terms(html_text, entries, href, chinese=lang == "zh")
