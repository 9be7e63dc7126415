"""MkDocs hook: one `mkdocs build` (or `mkdocs serve`) makes every language.

mkdocs.yml is the English site. After it is built, each config listed in
`extra.i18n.others` (mkdocs.zh.yml) is built into `<site_dir>/<code>/` with its
own plugins, theme language and search index. This sidesteps mkdocs-static-i18n,
which stops mkdocs-jupyter from rendering notebook pages.

Per page, the language switcher points at the same page in the other language,
and nav labels are translated from `extra.i18n.nav_translations`. A label
without a translation is a warning, so `--strict` fails on it.

Material also writes `extra.alternate` into `<link rel="alternate">` tags and its
JavaScript fetches `sitemap.xml` beside each of them, expecting a language root.
Here they point at pages, so every page would request a missing file; the tags
are dropped (the language menu already links the same page in each language).

Hosting: `site_url` comes from the environment variable SITE_URL (mkdocs.yml), and each
other language gets `<site_url><code>/`. With it, every page has a canonical link, the 404
page loads its assets and links each language's home from any depth, and the root
`sitemap.xml` lists every page of every language with its hreflang alternates.
"""

from __future__ import annotations

import gzip
import logging
import posixpath
import re
from pathlib import Path
from xml.etree import ElementTree

from jinja2 import Environment, pass_context
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.i18n")

_ALTERNATE_LINK = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


# Chinese prose is wrapped in the Markdown source, and a browser shows each line break inside a
# paragraph as a space, also between two Chinese characters (Chromium does not apply CSS Text 3's
# segment-break rule for East Asian text). Breaks between Chinese characters or punctuation, with
# only tags between, are removed; code and preformatted text keep theirs.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])((?:<[^<>]+>)*)[ \t]*\n[ \t]*((?:<[^<>]+>)*)(?=[{_CJK}])")
_VERBATIM = re.compile(r"(<(pre|code|script|style|textarea)\b.*?</\2>)", re.DOTALL)


def join_cjk_lines(html: str) -> str:
    """Remove the line breaks that would show as spaces between Chinese characters, outside verbatim blocks."""
    parts = _VERBATIM.split(html)
    # split() yields text, then each match's two groups (the block and its tag name), repeatedly.
    for i in range(0, len(parts), 3):
        parts[i] = _CJK_BREAK.sub(r"\1\2", parts[i])
    return "".join(p for i, p in enumerate(parts) if i % 3 != 2)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Chinese pages: no stray spaces where the source wraps a line between Chinese characters."""
    return join_cjk_lines(html) if config.extra.get("i18n", {}).get("code") == "zh" else html


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Translate section labels and explicit page labels of the nav."""
    i18n = config.extra.get("i18n", {})
    if i18n.get("code") == "en":
        return nav
    translations = i18n.get("nav_translations", {})

    def translate(items) -> None:
        for item in items:
            # Pages without an explicit nav label take their title from their own H1.
            if isinstance(item, (Section, Page)) and item.title:
                if item.title in translations:
                    item.title = translations[item.title]
                else:
                    log.warning("No '%s' translation for nav label %r", i18n.get("code"), item.title)
            if isinstance(item, Section):
                translate(item.children)

    translate(nav.items)
    return nav


class PageLink(str):
    """A link already relative to the page; the `url` template filter leaves it alone."""


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Make the `url` filter pass PageLink values through unchanged."""
    original = env.filters["url"]

    @pass_context
    def url(context, value):
        return value if isinstance(value, PageLink) else original(context, value)

    env.filters["url"] = url
    return env


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    """Point the language switcher (and hreflang links) at this page in each language.

    `extra.alternate[].link` is the other language's root relative to this
    language's root (`zh/`, `../`); the href climbs from the page to its root first.
    """
    roots = config.extra.setdefault("_alternate_roots", config.extra.get("alternate", []))
    links = []
    for alt in roots:
        href = posixpath.normpath("../" * page.url.count("/") + alt["link"] + page.url)
        href = "./" if href == "." else href + ("/" if page.url.endswith("/") or not page.url else "")
        links.append(dict(alt, link=PageLink(href)))
    config.extra["alternate"] = links
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Drop the `<link rel="alternate">` tags, so Material fetches no `sitemap.xml` beside a page."""
    return _ALTERNATE_LINK.sub("", output)


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    """Static templates (404.html) are not pages: link each language's home.

    MkDocs prefixes a static template's links with the path of `site_url` (or `/` without one),
    so from any depth the 404 page's links reach `<site path>` and `<site path>zh/`.
    """
    config.extra["alternate"] = config.extra.get("_alternate_roots", config.extra.get("alternate", []))
    return context


def on_post_build(config: MkDocsConfig) -> None:
    """Build the other languages into subfolders of this site; then one sitemap for all of them."""
    root = Path(config.config_file_path).parent
    others = config.extra.get("i18n", {}).get("others", [])
    for other in others:
        overrides = {"site_url": config.site_url + other["code"] + "/"} if config.site_url else {}
        sub = load_config(
            str(root / other["config"]),
            site_dir=str(Path(config.site_dir) / other["code"]),
            strict=config.strict,
            **overrides,
        )
        sub.plugins.on_startup(command="build", dirty=False)
        try:
            build(sub)
        finally:
            sub.plugins.on_shutdown()
    if config.site_url and others:
        write_sitemap(Path(config.site_dir), config.site_url, config.extra["i18n"]["code"], [o["code"] for o in others])


SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def write_sitemap(site_dir: Path, site_url: str, code: str, others: list[str]) -> None:
    """Replace the root sitemap.xml (and .gz) with every page of every language, each listing its alternates.

    A page's alternates are the same path under each language's root (the languages have the same pages).
    """
    ElementTree.register_namespace("", SITEMAP)
    ElementTree.register_namespace("xhtml", XHTML)
    roots = {code: site_url, **{other: f"{site_url}{other}/" for other in others}}
    pages: dict[str, dict[str, str]] = {}  # path inside a language -> language -> lastmod
    for lang, url in roots.items():
        tree = ElementTree.parse(site_dir / ("" if lang == code else lang) / "sitemap.xml")
        for entry in tree.getroot().iter(f"{{{SITEMAP}}}url"):
            loc = entry.findtext(f"{{{SITEMAP}}}loc", "")
            pages.setdefault(loc.removeprefix(url), {})[lang] = entry.findtext(f"{{{SITEMAP}}}lastmod", "")
    urlset = ElementTree.Element(f"{{{SITEMAP}}}urlset")
    for path, langs in sorted(pages.items()):
        for lang, lastmod in langs.items():
            entry = ElementTree.SubElement(urlset, f"{{{SITEMAP}}}url")
            ElementTree.SubElement(entry, f"{{{SITEMAP}}}loc").text = roots[lang] + path
            if lastmod:
                ElementTree.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = lastmod
            for alt in langs:
                link = ElementTree.SubElement(entry, f"{{{XHTML}}}link", rel="alternate", hreflang=alt)
                link.set("href", roots[alt] + path)
    data = ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True)
    (site_dir / "sitemap.xml").write_bytes(data)
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(data, mtime=0))
