"""Fixtures for tests/: one strict site build, the site served to one Chromium, one full LeNet training run."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, sync_playwright

import runs

ROOT = Path(__file__).resolve().parents[1]
# Debian's chromium, installed by `scripts/install_system_packages.sh browser` (`make test` runs it first).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The files that take a minute or more of the suite (`--durations`), longest first. pytest-xdist hands whole files
# to its workers in collection order (pytest.ini), so these start first and neither worker ends on one of them.
LONG_FILES = ("test_frameworks.py", "test_examples.py", "test_lenet.py", "test_hosting.py", "test_browser.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests of LONG_FILES first, in that order; every other test keeps its place."""
    items.sort(key=lambda item: LONG_FILES.index(item.path.name) if item.path.name in LONG_FILES else len(LONG_FILES))


@pytest.fixture(scope="session", autouse=True)
def shared_runs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Where tests/runs.py keeps what the test processes share: the folder above each pytest-xdist worker's own."""
    base = tmp_path_factory.getbasetemp()
    runs.SHARED = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def site() -> Path:
    """The whole site, both languages, built once with `mkdocs build --strict`, as for a local build (no SITE_URL)."""
    return runs.shared("site", build_site)


class PagesHandler(SimpleHTTPRequestHandler):
    """Serves a built site as GitHub Pages does: under a path prefix, with the site's own 404 page.

    A missing path gets `404.html` with status 404 (`zh/404.html` under `zh/`), whatever its depth.
    """

    prefix = "/"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0outside-the-prefix")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        inside = urlsplit(self.path).path.removeprefix(self.prefix)
        page = Path(self.directory) / ("zh/404.html" if inside.startswith("zh/") else "404.html")
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    """Ignores a browser closing a connection early (a page left mid-load); reports anything else."""

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path, prefix: str = "/") -> Iterator[str]:
    """`directory` served from 127.0.0.1 on a free port under `prefix`; yields the base URL (ending in /)."""
    handler = type("Handler", (PagesHandler,), {"prefix": prefix})
    server = _QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def build_site(out: Path, site_url: str | None = None) -> Path:
    """Both languages built into `out` with `mkdocs build --strict`, hosted at `site_url` if given."""
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | ({"SITE_URL": site_url} if site_url else {})
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, "\n".join(warnings)
    return out


@pytest.fixture(scope="session")
def served_site(site: Path) -> Iterator[str]:
    """The built site served at the root of 127.0.0.1 on a free port; yields its base URL (ending in /)."""
    with serve(site) as base:
        yield base


SUB_PATH = "/cnn-course/"
HOSTED_AT = f"https://example.org{SUB_PATH}"  # as the deploy workflow sets SITE_URL for a GitHub Pages project site


@pytest.fixture(scope="session")
def hosted_site() -> Path:
    """The site built for hosting under a sub-path: SITE_URL set as the deploy workflow sets it."""
    return runs.shared("hosted", functools.partial(build_site, site_url=HOSTED_AT))


@pytest.fixture(scope="session")
def served_hosted_site(hosted_site: Path) -> Iterator[str]:
    """`hosted_site` served under SUB_PATH on 127.0.0.1; yields its base URL (ending in the sub-path)."""
    with serve(hosted_site, SUB_PATH) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; fails (never skips) when it is not installed."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/install_system_packages.sh browser` "
            "(as root or with sudo; `make test` runs it)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def trained() -> dict:
    """One full default run of examples/lenet_mnist.py: its record (lenet.json) as `summary`, stdout, model path.

    Its folder is shared by every test process: read it, never write into it.
    """
    out = runs.lenet_full_run()
    summary = json.loads((out / "lenet.json").read_text(encoding="utf-8"))
    stdout = runs.stdout(out).read_text(encoding="utf-8")
    return {"summary": summary, "stdout": stdout, "model": out / "lenet.keras", "out": out}
