"""The site works wherever it is hosted: built with SITE_URL for a sub-path (a GitHub Pages project site) and at
the root, every page and the 404 page of both languages load cleanly, with canonical links and one sitemap."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Browser

from conftest import HOSTED_AT
from test_browser import LANGS, Recorder, Visit, site_pages

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_every_page_has_its_canonical_link(hosted_site: Path) -> None:
    problems = []
    for _, path in site_pages(hosted_site):
        html = (hosted_site / path / "index.html").read_text(encoding="utf-8")
        found = re.findall(r'<link rel="canonical" href="([^"]*)"', html)
        if found != [HOSTED_AT + path]:
            problems.append(f"{path or '/'}: canonical {found}")
    assert not problems, "\n".join(problems)


def test_a_local_build_has_no_host(site: Path) -> None:
    """Without SITE_URL nothing names a host: no canonical links, and the 404 page links from the root."""
    assert 'rel="canonical"' not in (site / "index.html").read_text(encoding="utf-8")
    assert 'href="/zh/" hreflang="zh"' in (site / "404.html").read_text(encoding="utf-8")


def test_the_sitemap_lists_every_page_of_both_languages_with_alternates(hosted_site: Path) -> None:
    root = ElementTree.parse(hosted_site / "sitemap.xml").getroot()
    entries = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href")
            for link in url.iter(f"{XHTML}link")
            if link.get("rel") == "alternate"
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    pages = {HOSTED_AT + path for _, path in site_pages(hosted_site)}
    assert set(entries) == pages
    for loc, alternates in entries.items():
        inside = loc.removeprefix(HOSTED_AT).removeprefix("zh/")
        assert alternates == {"en": HOSTED_AT + inside, "zh": HOSTED_AT + "zh/" + inside}, loc
    assert (hosted_site / "sitemap.xml.gz").stat().st_size > 0


def visit(browser: Browser, url: str) -> tuple[Visit, dict]:
    """Load `url` in a fresh context; what it requested, and what the page shows (styles, language links)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    parts = urlsplit(url)
    recorder = Recorder(context, page, parts.netloc)
    seen = Visit(path=parts.path, lang="")
    recorder.start(seen)
    response = page.goto(url, wait_until="load")
    seen.status = response.status if response else 0
    recorder.settle(page)
    shown = page.evaluate(
        """() => ({
        header: getComputedStyle(document.querySelector('.md-header') || document.body).position,
        lang: document.documentElement.lang,
        links: Object.fromEntries([...document.querySelectorAll('a.md-select__link')]
            .map(a => [a.hreflang, a.href])),
        })"""
    )
    context.close()
    # The 404 page itself arrives with status 404, as a host sends it; nothing it loads may fail.
    if seen.status == 404:
        seen.failed = [f for f in seen.failed if f != f"404 {url}"]
        document = "Failed to load resource: the server responded with a status of 404 (Not Found)"
        if document in seen.console_errors:  # Chromium's own note on the document's status, logged once
            seen.console_errors.remove(document)
    return seen, shown


@functools.cache
def home_visit(browser: Browser, url: str) -> tuple[Visit, dict]:
    """`visit(browser, url)`, made once per URL: the 404 pages of every depth link to the same home pages."""
    return visit(browser, url)


@pytest.mark.browser
def test_every_page_loads_cleanly_under_a_sub_path(
    browser: Browser, served_hosted_site: str, hosted_site: Path
) -> None:
    problems = []
    for _, path in site_pages(hosted_site):
        seen, shown = visit(browser, served_hosted_site + path)
        problems += [f"{path or '/'}: HTTP {seen.status}"] if seen.status != 200 else []
        problems += [f"{path or '/'}: {f}" for f in seen.failed + seen.foreign + seen.console_errors]
        problems += [f"{path or '/'}: unstyled"] if shown["header"] != "sticky" else []
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.parametrize("hosting", ["root", "sub-path"])
@pytest.mark.parametrize("lang", list(LANGS))
def test_the_404_page_works_from_any_depth(
    browser: Browser, served_site: str, served_hosted_site: str, hosting: str, lang: str
) -> None:
    base = served_site if hosting == "root" else served_hosted_site
    for missing in ("no-such-page", "a/b/c/no-such-page/"):
        seen, shown = visit(browser, base + LANGS[lang] + missing)
        assert seen.status == 404, missing
        assert not seen.failed + seen.foreign + seen.console_errors, (missing, seen)
        assert shown["header"] == "sticky", f"{missing}: the 404 page is unstyled"
        assert shown["lang"] == lang
        # Its language menu leads to each language's home page (each home page is loaded once per session).
        assert set(shown["links"]) == set(LANGS), shown["links"]
        for code, href in shown["links"].items():
            home, home_shown = home_visit(browser, href)
            assert home.status == 200 and home_shown["lang"] == code, (missing, code, href)
            assert (
                urlsplit(href)
                .path.rstrip("/")
                .endswith(urlsplit(base + LANGS[code]).path.rstrip("/").removesuffix("/."))
            )
