"""Checks on the built site: both languages, switcher, notebooks, search, self-hosting."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

LANGS = {"en": "", "zh": "zh"}


class Page(HTMLParser):
    """The parts of a built page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, url) of loaded resources
        self.links: list[str] = []  # <a href>
        self.switch: dict[str, str] = {}  # hreflang -> href of the language menu
        self.ids: list[str] = []  # heading ids
        self.inline_scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang")
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed", "track"} and a.get("src"):
            self.refs.append((tag, "src", a["src"]))
        if tag == "link" and a.get("href") and a.get("rel") not in {"alternate", "canonical", "prev", "next"}:
            self.refs.append((tag, "href", a["href"]))
        if tag == "object" and a.get("data"):
            self.refs.append((tag, "data", a["data"]))
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
            if "md-select__link" in a.get("class", ""):
                self.switch[a.get("hreflang", "")] = a["href"]
        if re.fullmatch(r"h[1-6]", tag) and a.get("id"):
            self.ids.append(a["id"])
        self._in_script = tag == "script" and not a.get("src")
        if self._in_script:
            self.inline_scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_scripts[-1] += data


def pages(site: Path, lang: str) -> dict[str, Path]:
    """Built HTML pages of one language, keyed by their path inside that language's root."""
    root = site / LANGS[lang]
    out = {}
    for path in root.rglob("*.html"):
        rel = path.relative_to(root).as_posix()
        if lang == "en" and rel.startswith("zh/"):
            continue
        if not rel.startswith("assets/"):
            out[rel] = path
    return out


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in {"", "data"}


def test_every_page_exists_in_both_languages(site: Path) -> None:
    en, zh = pages(site, "en"), pages(site, "zh")
    assert len(en) >= 4
    assert sorted(en) == sorted(zh)


@pytest.mark.parametrize("lang", LANGS)
def test_pages_declare_their_language(site: Path, lang: str) -> None:
    for rel, path in pages(site, lang).items():
        assert parse(path).lang == lang, rel


@pytest.mark.parametrize("lang", LANGS)
def test_language_switch_lands_on_the_same_page(site: Path, lang: str) -> None:
    root = site / LANGS[lang]
    for rel, path in pages(site, lang).items():
        if rel == "404.html":
            continue
        switch = parse(path).switch
        assert set(switch) == set(LANGS), rel
        for other, href in switch.items():
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
            target_file = (root / target / "index.html") if href.endswith("/") else root / target
            expected = (site / LANGS[other] / rel).resolve()
            assert target_file.resolve() == expected, f"{lang}:{rel} -> {other}: {href}"


def test_ui_strings_and_nav_follow_the_language(site: Path) -> None:
    en = (site / "lessons/convolution/index.html").read_text(encoding="utf-8")
    zh = (site / "zh/lessons/convolution/index.html").read_text(encoding="utf-8")
    assert 'placeholder="Search"' in en
    assert 'placeholder="搜索"' in zh
    assert "Lessons" in en and "课程" not in en
    assert "课程" in zh and "Lessons" not in zh
    assert "Examples" not in zh and "示例" in zh


def test_chinese_text_has_no_line_breaks_between_characters(site: Path) -> None:
    """A wrapped source line must not show as a space between two Chinese characters (docs/hooks/i18n.py)."""
    # Only inside paragraphs: there a line break renders as a space; between block elements it does not.
    verbatim = re.compile(r"<(pre|code|script|style|textarea)\b.*?</\1>", re.DOTALL)
    gap = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]\s*\n\s*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    for rel, path in pages(site, "zh").items():
        for paragraph in re.findall(r"<p\b[^>]*>(.*?)</p>", path.read_text(encoding="utf-8"), re.DOTALL):
            found = gap.search(re.sub(r"<[^<>]+>", "", verbatim.sub("code", paragraph)))  # code: a Latin word
            assert found is None, f"zh/{rel}: {found.group()!r}"


def test_headings_keep_the_same_anchors_in_both_languages(site: Path) -> None:
    for rel, path in pages(site, "en").items():
        if rel.startswith("examples/") or rel == "404.html":
            continue
        assert parse(path).ids == parse(site / "zh" / rel).ids, rel


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_pages_are_rendered(site: Path, lang: str) -> None:
    notebooks = {rel: p for rel, p in pages(site, lang).items() if rel.startswith("examples/")}
    assert notebooks, "no example pages were built"
    for rel, path in notebooks.items():
        text = path.read_text(encoding="utf-8")
        body = text.split('<article class="md-content__inner', 1)[1]
        assert "jp-Notebook" in body and "jp-InputArea" in body, f"{lang}:{rel} is not a rendered notebook"
        assert "# %%" not in body, f"{lang}:{rel} shows the raw script"
        stem = path.parent.name
        script, notebook = path.parent / f"{stem}.py", path.parent / f"{stem}.ipynb"
        assert f'href="{stem}.ipynb"' in body and f'href="{stem}.py"' in body
        assert script.is_file()
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        assert {c["cell_type"] for c in cells} == {"code", "markdown"}


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_css_is_one_shared_file(site: Path, lang: str) -> None:
    notebooks = [p for rel, p in pages(site, lang).items() if rel.startswith("examples/")]
    assert notebooks
    css = site / LANGS[lang] / "assets" / "css" / "notebook.css"
    assert ".jupyter-wrapper" in css.read_text(encoding="utf-8")
    for path in notebooks:
        text = path.read_text(encoding="utf-8")
        assert '<style type="text/css">' not in text, path
        assert 'href="../../assets/css/notebook.css"' in text, path
        # The training example prints five experiments' tables.
        assert len(text) < 350_000, f"{path}: {len(text):,} bytes"


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_is_loaded_from_another_host(site: Path, lang: str) -> None:
    bad = []
    for rel, path in pages(site, lang).items():
        page = parse(path)
        bad += [f"{rel}: <{tag} {attr}={url}>" for tag, attr, url in page.refs if is_external(url)]
        bad += [
            f"{rel}: inline script imports {m}"
            for s in page.inline_scripts
            for m in re.findall(r"""import\(\s*["'](https?:[^"']+)""", s)
        ]
        bad += [
            f"{rel}: {m}"
            for m in re.findall(
                r"fonts\.googleapis\.com|fonts\.gstatic\.com|cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net|unpkg\.com",
                path.read_text(encoding="utf-8"),
            )
        ]
    root = site / LANGS[lang]
    for css in root.rglob("*.css"):
        for url in re.findall(r"""url\(\s*['"]?([^'")]+)""", css.read_text(encoding="utf-8")) + re.findall(
            r"""@import\s+['"]([^'"]+)""", css.read_text(encoding="utf-8")
        ):
            if is_external(url):
                bad.append(f"{css.relative_to(site)}: {url}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lang", LANGS)
def test_local_references_resolve(site: Path, lang: str) -> None:
    """Every local script, stylesheet, image and link on every page points at a built file."""
    root = site / LANGS[lang]
    missing = []
    for rel, path in pages(site, lang).items():
        if rel == "404.html":  # served from any depth, so it links from the site root
            continue
        page = parse(path)
        for url in [u for _, _, u in page.refs] + page.links:
            parts = urlsplit(url)
            if is_external(url) or parts.scheme == "data" or not parts.path:  # data: holds what it shows
                continue
            target = (path.parent / parts.path).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                missing.append(f"{lang}:{rel} -> {url}")
    assert not missing, "\n".join(missing)
    assert (root / "assets/vendor/katex/katex.min.js").is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_formulas_are_marked_for_the_local_katex(site: Path, lang: str) -> None:
    page = parse(site / LANGS[lang] / "lessons/convolution/index.html")
    scripts = [url for tag, _, url in page.refs if tag == "script"]
    assert any(url.endswith("assets/vendor/katex/katex.min.js") for url in scripts)
    assert any(url.endswith("assets/js/math.js") for url in scripts)
    text = (site / LANGS[lang] / "lessons/convolution/index.html").read_text(encoding="utf-8")
    assert text.count('class="arithmatex"') >= 5


def search_tokens(site: Path, lang: str, page_url: str) -> set[str]:
    index = json.loads((site / LANGS[lang] / "search/search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    docs = [d for d in index["docs"] if d["location"].split("#")[0] == page_url]
    assert docs, f"{page_url} is not in the {lang} search index"
    return {t.lower() for d in docs for t in separator.split(d["title"] + " " + d["text"]) if t}


def test_search_finds_english_words(site: Path) -> None:
    tokens = search_tokens(site, "en", "lessons/convolution/")
    assert {"kernel", "convolution"} <= tokens


def test_search_finds_chinese_terms_as_whole_words(site: Path) -> None:
    tokens = search_tokens(site, "zh", "lessons/convolution/")
    assert {"卷积核", "互相关", "卷积"} <= tokens


def test_search_index_stores_chinese_as_utf8(site: Path) -> None:
    raw = (site / "zh" / "search" / "search_index.json").read_bytes()
    assert "卷积核".encode() in raw  # not "\u5377\u79ef\u6838": half the bytes on every page load
    assert json.loads(raw)["docs"]
