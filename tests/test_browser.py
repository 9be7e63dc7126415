"""Every built page of both languages, loaded in Chromium: errors, requests, images, formulas, language
switch, search, and the bytes each page transfers on a first visit."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Request, Response, Route

pytestmark = pytest.mark.browser

LANGS = {"en": "", "zh": "zh/"}
# Uncompressed bytes (this server does not gzip; GitHub Pages does, which shrinks the search index, the largest
# part, about fourfold). The Chinese index grows with each lesson: 1.6 MB since the training lesson.
MAX_LESSON_BYTES = 1.6e6
QUIET = 0.1  # seconds without a new request after which a loaded page counts as settled


@dataclass
class Visit:
    """What the first visit to one page showed."""

    path: str  # URL path inside the site, e.g. "zh/lessons/pooling/"; "" is the English home page
    lang: str
    status: int = 0
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    urls: set[str] = field(default_factory=set)  # everything it requested
    reused: list[str] = field(default_factory=list)  # URLs already requested in its context (then not a first visit)
    bytes: int = 0
    images: list[dict] = field(default_factory=list)
    unrendered: list[str] = field(default_factory=list)  # .arithmatex elements without KaTeX output
    explorers: list[bool] = field(default_factory=list)  # whether each .conv-explorer was mounted
    switch: dict[str, str] = field(default_factory=dict)  # hreflang -> path the language menu lands on

    @property
    def name(self) -> str:
        return self.path or "/"


def site_pages(site: Path) -> list[tuple[str, str]]:
    """(lang, path) of every built page: each index.html of both languages, outside assets/; English first."""
    found = []
    for index in sorted(site.rglob("index.html")):
        path = index.parent.relative_to(site).as_posix()
        path = "" if path == "." else f"{path}/"
        if not path.startswith(("assets/", "zh/assets/")):
            found.append(("zh" if path.startswith("zh/") else "en", path))
    return sorted(found, key=lambda page: page[0] != "en")


def body_size(request: Request) -> int:
    """Bytes of a finished request's response body (the Content-Length where Chromium reports 0, as for workers)."""
    response = request.response()
    if response is None:
        return 0
    return request.sizes()["responseBodySize"] or int(response.headers.get("content-length", 0))


def counterpart(path: str, lang: str, other: str) -> str:
    """The same page's path in the other language."""
    return LANGS[other] + path[len(LANGS[lang]) :]


class Recorder:
    """Puts the requests, failures and console errors of one browser context on the page being visited."""

    def __init__(self, context: BrowserContext, page: Page, host: str) -> None:
        self.host = host
        self.visit: Visit | None = None
        self.requests: list[Request] = []
        self.pending: set[Request] = set()  # asked for, not finished yet
        self.last_request = time.monotonic()
        context.on("request", self._on_request)
        context.on("requestfinished", lambda r: self.pending.discard(r))
        context.on("requestfailed", self._on_failed)
        context.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def start(self, visit: Visit | None) -> None:
        """Record for `visit` from now on (None: record nothing)."""
        self.visit, self.requests = visit, []

    def settle(self, page: Page) -> None:
        """Wait until nothing is pending and nothing new was asked for in QUIET s, then count the bytes.

        After `load`, the search index, the sitemap and fonts may still be on their way; this is much
        faster than waiting for Playwright's networkidle (500 ms of silence).
        """
        deadline = time.monotonic() + 10
        while (self.pending or time.monotonic() - self.last_request < QUIET) and time.monotonic() < deadline:
            page.wait_for_timeout(25)
        assert self.visit is not None
        self.visit.failed += [f"still pending after 10 s: {r.url}" for r in self.pending]
        self.visit.bytes = sum(body_size(r) for r in self.requests if r not in self.pending)
        self.visit.urls = {r.url for r in self.requests}

    def _on_request(self, request: Request) -> None:
        self.last_request = time.monotonic()
        self.pending.add(request)
        parts = urlsplit(request.url)
        if self.visit is None or parts.scheme in {"data", "blob"}:
            return
        self.requests.append(request)
        if parts.netloc != self.host:
            self.visit.foreign.append(request.url)

    def _on_failed(self, request: Request) -> None:
        self.pending.discard(request)
        if self.visit is not None:
            self.visit.failed.append(f"{request.failure} {request.url}")

    def _on_response(self, response: Response) -> None:
        if self.visit is not None and response.status >= 400:
            self.visit.failed.append(f"{response.status} {response.url}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if self.visit is not None and message.type == "error":
            self.visit.console_errors.append(message.text)

    def _on_page_error(self, error: Error) -> None:
        if self.visit is not None:
            self.visit.console_errors.append(f"uncaught {error}")


def inspect(page: Page, visit: Visit) -> None:
    """Images, formulas and explorers of the loaded page, and where its own language's menu entry points."""
    seen = page.evaluate(
        """() => ({
        images: [...document.images].map(i => ({
            src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0, alt: (i.alt || '').trim()})),
        unrendered: [...document.querySelectorAll('.arithmatex')]
            .filter(e => !e.querySelector('.katex')).map(e => e.textContent.trim().slice(0, 60)),
        explorers: [...document.querySelectorAll('.conv-explorer')].map(e => e.classList.contains('cx-ready')),
        })"""
    )
    visit.images, visit.unrendered, visit.explorers = seen["images"], seen["unrendered"], seen["explorers"]
    link = page.locator(f'a.md-select__link[hreflang="{visit.lang}"]')
    if link.count() == 1:
        visit.switch[visit.lang] = urlsplit(link.evaluate("a => a.href")).path.removeprefix("/")


def follow_language_link(page: Page, lang: str) -> tuple[str, str, int] | None:
    """Click the language menu's entry for `lang` and wait for the page it opens to load.

    Returns that page's path, its <html lang> and HTTP status; None when the menu has no such entry.
    (Waiting for `load` matters: closing a context while a page is still loading can hang Chromium.)
    """
    link = page.locator(f'a.md-select__link[hreflang="{lang}"]')
    if link.count() != 1:
        return None
    with page.expect_navigation() as navigation:
        link.evaluate("a => a.click()")
    status = navigation.value.status if navigation.value else 0
    return unquote(urlsplit(page.url).path).removeprefix("/"), page.evaluate("document.documentElement.lang"), status


SUBRESOURCES = {"stylesheet", "script", "font", "image", "media"}


def document_only(route: Route) -> None:
    """Let documents and the page's own requests (the sitemap the language menu reads) through; skip the rest."""
    if route.request.resource_type in SUBRESOURCES:
        route.abort()
    else:
        route.continue_()


def tour(browser: Browser, base: str, lang: str, path: str, done: set[str]) -> list[Visit]:
    """Visit a page in a fresh context, then the other language through its language menu, and back (the page
    it lands on loads without its scripts, styles, fonts and images: only its address and language are read).

    The two languages share no URL (the Chinese site lives under zh/, assets included), so the page
    the menu opens is a first visit too; `reused` lists any URL for which that does not hold.
    Pages in `done` are not measured again.
    """
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    recorder = Recorder(context, page, urlsplit(base).netloc)
    first = Visit(path=path, lang=lang)
    recorder.start(first)
    response = page.goto(base + path, wait_until="load")
    first.status = response.status if response else 0
    recorder.settle(page)
    inspect(page, first)
    visits = [first]

    other = next(code for code in LANGS if code != lang)
    second = Visit(path="", lang=other)
    recorder.start(second)
    landed = follow_language_link(page, other)
    if landed is not None:
        second.path, landed_lang, second.status = landed
        first.switch[other] = second.path if landed_lang == other else f"{second.path} (<html lang={landed_lang!r}>)"
        if landed_lang == other and second.path not in done | {path}:
            recorder.settle(page)
            inspect(page, second)
            second.reused = sorted(second.urls & first.urls)
            recorder.start(None)
            context.route("**/*", document_only)  # the click back only needs the page it lands on
            back = follow_language_link(page, lang)
            if back is not None:
                second.switch[lang] = back[0] if back[1] == lang else f"{back[0]} (<html lang={back[1]!r}>)"
            visits.append(second)
    context.close()
    return visits


@pytest.fixture(scope="module")
def visits(browser: Browser, served_site: str, site: Path) -> list[Visit]:
    """The first visit to every page of both languages."""
    pages = site_pages(site)
    assert len(pages) >= 8, pages
    found: dict[str, Visit] = {}
    for lang, path in pages:
        if path not in found:
            found.update((v.path, v) for v in tour(browser, served_site, lang, path, set(found)))
    missing = sorted({path for _, path in pages} - set(found))
    assert not missing, f"pages never visited: {missing}"
    return [found[path] for _, path in sorted(pages, key=lambda page: page[1])]


def report(problems: list[str]) -> None:
    assert not problems, "\n" + "\n".join(problems)


def test_every_page_loads_without_console_errors(visits: list[Visit]) -> None:
    report(
        [f"{v.name}: HTTP {v.status}" for v in visits if v.status != 200]
        + [f"{v.name}: console error: {e}" for v in visits for e in v.console_errors]
    )


def test_no_request_fails(visits: list[Visit]) -> None:
    report([f"{v.name}: failed request: {f}" for v in visits for f in v.failed])


def test_nothing_is_requested_from_another_host(visits: list[Visit]) -> None:
    report([f"{v.name}: request to another host: {url}" for v in visits for url in v.foreign])


def test_images_load_and_have_alt_text(visits: list[Visit]) -> None:
    problems = []
    for v in visits:
        for image in v.images:
            if not image["loaded"]:
                problems.append(f"{v.name}: image did not load: {image['src']}")
            if not image["alt"]:
                problems.append(f"{v.name}: image without alt text: {image['src']}")
    report(problems)


def test_formulas_are_rendered(visits: list[Visit]) -> None:
    report([f"{v.name}: formula not rendered by KaTeX: {text}" for v in visits for text in v.unrendered])
    assert any(v.path == "lessons/convolution/" for v in visits)


def test_explorers_are_mounted(visits: list[Visit]) -> None:
    mounted = {v.path: v.explorers for v in visits if v.explorers}
    for lang in LANGS:
        for lesson in ("convolution", "padding-stride"):
            assert mounted.get(f"{LANGS[lang]}lessons/{lesson}/") == [True], f"{lang}: {lesson}"
    report([f"{v.name}: explorer not mounted" for v in visits if not all(v.explorers)])


def test_language_switch_lands_on_the_same_page(visits: list[Visit]) -> None:
    problems = []
    for v in visits:
        for other in LANGS:
            expected = counterpart(v.path, v.lang, other)
            landed = v.switch.get(other)
            if landed != expected:
                problems.append(f"{v.name}: language menu ({other}) leads to {landed!r}, not {expected!r}")
    report(problems)


@pytest.mark.parametrize(("lang", "query"), [("en", "kernel"), ("zh", "卷积核")])
def test_search_finds_the_convolution_lesson(browser: Browser, served_site: str, lang: str, query: str) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(served_site + LANGS[lang])
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material searches on keyup
    hit = page.locator('.md-search-result__item a[href*="lessons/convolution/"]').first
    hit.wait_for(timeout=10_000)
    assert LANGS[lang] + "lessons/convolution/" in hit.evaluate("a => a.href")
    page.close()


def test_page_weight(
    visits: list[Visit], capsys: pytest.CaptureFixture, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Bytes each page transfers on a first visit (scripts, CSS, images, fonts, search index); lessons < 1.6 MB."""
    width = max(len(v.name) for v in visits)
    lines = [f"{'page':<{width}}  {'bytes':>10}"] + [f"{v.name:<{width}}  {v.bytes:>10,}" for v in visits]
    table = "\n".join(lines)
    out = tmp_path_factory.getbasetemp() / "page_weight.txt"
    out.write_text(table + "\n", encoding="utf-8")
    with capsys.disabled():
        print(f"\nBytes transferred on a first visit (also in {out}):\n{table}")
    report(
        [
            f"{v.name}: {v.bytes:,} bytes on a first visit, over {MAX_LESSON_BYTES:,.0f}"
            for v in visits
            if v.path.removeprefix("zh/").startswith("lessons/") and v.bytes >= MAX_LESSON_BYTES
        ]
        + [f"{v.name}: not a first visit, already loaded: {url}" for v in visits for url in v.reused]
    )
