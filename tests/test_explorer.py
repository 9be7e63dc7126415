"""The convolution explorer (assets/js/conv-explorer.js) in Chromium: its arithmetic against SciPy, and its controls."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import numpy as np
import pytest
from numpy.testing import assert_allclose
from playwright.sync_api import Browser, Locator, Page
from scipy.signal import convolve2d, correlate2d

from make_fragments import IMAGE, KERNEL

pytestmark = pytest.mark.browser

LANGS = {"en": "", "zh": "zh/"}
LABELS = {
    "en": {"next": "Next", "operation": "Operation", "padding": "Padding", "stride": "Stride", "size": "Input size"},
    "zh": {"next": "下一步", "operation": "运算", "padding": "填充", "stride": "步幅", "size": "输入大小"},
}
FLIPS = (True, False)
PADDINGS = ("valid", "same", "full")
STRIDES = (1, 2)


def scipy_reference(image: np.ndarray, kernel: np.ndarray, flip: bool, padding: str, stride: int) -> np.ndarray:
    """What the explorer must show: SciPy's convolution or cross-correlation, every stride-th row and column."""
    operation = convolve2d if flip else correlate2d
    return operation(image, kernel, mode=padding)[::stride, ::stride]


def random_cases() -> list[tuple[np.ndarray, np.ndarray, bool, str, int]]:
    """Inputs of 3 to 8 rows, kernels of side 1 to 5, integers and floats, every option combination.

    Float inputs get a random width too. VALID with a kernel larger than the input is left out: the
    explorer has no position there, while SciPy swaps the two arrays.
    """
    rng = np.random.default_rng(6)
    cases = []
    for rows, k, floats in itertools.product(range(3, 9), (1, 2, 3, 4, 5), (False, True)):
        cols = int(rng.integers(3, 9)) if floats else rows
        for flip, padding, stride in itertools.product(FLIPS, PADDINGS, STRIDES):
            if padding == "valid" and k > min(rows, cols):
                continue
            if floats:
                image, kernel = rng.normal(0, 10, (rows, cols)), rng.normal(0, 1, (k, k))
            else:
                image, kernel = rng.integers(-9, 10, (rows, cols)), rng.integers(-3, 4, (k, k))
            cases.append((image, kernel, flip, padding, stride))
    return cases


def lesson_cases() -> list[tuple[np.ndarray, np.ndarray, bool, str, int]]:
    """The lesson's image and kernel with every option combination."""
    return [(IMAGE, KERNEL, *options) for options in itertools.product(FLIPS, PADDINGS, STRIDES)]


def url(base: str, lang: str, path: str) -> str:
    return f"{base}{LANGS[lang]}{path}"


@pytest.fixture(scope="module")
def lesson_page(browser: Browser, served_site: str) -> Iterator[Page]:
    """The English convolution lesson, for calling window.convExplorer directly."""
    page = browser.new_page()
    page.goto(url(served_site, "en", "lessons/convolution/"))
    yield page
    page.close()


@pytest.mark.parametrize("cases", [lesson_cases, random_cases])
def test_compute_matches_scipy(lesson_page: Page, cases) -> None:
    cases = cases()
    results = lesson_page.evaluate(
        "cases => cases.map(([input, kernel, flip, padding, stride]) =>"
        " window.convExplorer.compute(input, kernel, {flip, padding, stride}))",
        [[image.tolist(), kernel.tolist(), flip, padding, stride] for image, kernel, flip, padding, stride in cases],
    )
    problems = []
    for (image, kernel, flip, padding, stride), got in zip(cases, results, strict=True):
        expected = scipy_reference(image, kernel, flip, padding, stride)
        where = f"{image.shape} input, {kernel.shape} kernel, flip={flip}, padding={padding}, stride={stride}"
        try:
            assert np.shape(got) == expected.shape, f"shape {np.shape(got)} != {expected.shape}"
            assert_allclose(np.array(got, dtype=float), expected, rtol=1e-9, atol=1e-9)
        except AssertionError as error:
            problems.append(f"{where}: {str(error).strip().splitlines()[0]}; widget {got} != scipy {expected.tolist()}")
    assert not problems, "\n".join(problems)


def test_compute_rejects_unknown_options(lesson_page: Page) -> None:
    message = lesson_page.evaluate(
        "() => { try { window.convExplorer.compute([[1]], [[1]], {padding: 'half'}); }"
        " catch (e) { return e.message; } return null; }"
    )
    assert message is not None and "padding" in message


def output_grid(widget: Locator) -> np.ndarray:
    """The output grid as the explorer shows it (exact values from the cells' data-value)."""
    cells = widget.locator(".cx-cell--out").evaluate_all(
        "cells => cells.map(c => [Number(c.dataset.row), Number(c.dataset.col), Number(c.dataset.value)])"
    )
    rows, cols = max(r for r, _, _ in cells) + 1, max(c for _, c, _ in cells) + 1
    grid = np.zeros((rows, cols))
    for r, c, value in cells:
        grid[r, c] = value
    return grid


def number(text: str) -> float:
    """A number as the explorer prints it: a real minus sign, negative factors in parentheses."""
    return float(text.strip().strip("()").replace("\u2212", "-"))


def check_position(widget: Locator, r: int, c: int, kernel: np.ndarray, expected: np.ndarray) -> None:
    """The window highlighted at output (r, c) (VALID, stride 1) and the sum written out term by term."""
    window = widget.locator(".cx-cell.is-window").evaluate_all(
        "cells => cells.map(c => [Number(c.dataset.row), Number(c.dataset.col)])"
    )
    k = kernel.shape[0]
    assert sorted(map(tuple, window)) == [(r + a, c + b) for a in range(k) for b in range(k)]
    assert widget.locator(".cx-cell--out.is-current").evaluate("c => [c.dataset.row, c.dataset.col]") == [
        str(r),
        str(c),
    ]

    lhs, terms, total = widget.locator(".cx-sum").inner_text().split(" = ")
    assert re.sub(r"\s", "", lhs) == f"y{r},{c}"
    pairs = [term.split("·") for term in terms.split(" + ")]
    pixels = [number(p) for p, _ in pairs]
    weights = [number(w) for _, w in pairs]
    assert pixels == IMAGE[r : r + k, c : c + k].ravel().tolist()
    assert weights == kernel.ravel().tolist()
    assert number(total) == expected[r, c] == sum(p * w for p, w in zip(pixels, weights, strict=True))


@pytest.mark.parametrize("lang", LANGS)
def test_stepping_highlights_the_window_and_writes_the_sum(browser: Browser, served_site: str, lang: str) -> None:
    page = browser.new_page()
    page.goto(url(served_site, lang, "lessons/convolution/"))
    widget = page.locator(".conv-explorer").first
    defaults = widget.locator(".cx-cell--edit input").evaluate_all("fields => fields.map(f => Number(f.value))")
    assert defaults == IMAGE.ravel().tolist() + KERNEL.ravel().tolist(), "defaults differ from make_fragments.py"

    conv = convolve2d(IMAGE, KERNEL, mode="valid")
    flipped = np.rot90(KERNEL, 2)
    assert_allclose(output_grid(widget), conv)
    check_position(widget, 0, 0, flipped, conv)
    next_button = widget.get_by_role("button", name=LABELS[lang]["next"], exact=True)
    for _ in range(5):
        next_button.click()
    check_position(widget, 1, 2, flipped, conv)

    # Arrow keys step while the widget has focus.
    widget.focus()
    page.keyboard.press("ArrowRight")
    check_position(widget, 2, 0, flipped, conv)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    check_position(widget, 1, 1, flipped, conv)

    # Cross-correlation: the kernel as written, and the other output.
    widget.get_by_label(LABELS[lang]["operation"]).select_option("false")
    corr = correlate2d(IMAGE, KERNEL, mode="valid")
    assert_allclose(output_grid(widget), corr)
    assert not np.array_equal(corr, conv)
    check_position(widget, 1, 1, KERNEL, corr)
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_padding_lesson_starts_full_and_follows_the_controls(browser: Browser, served_site: str, lang: str) -> None:
    page = browser.new_page()
    page.goto(url(served_site, lang, "lessons/padding-stride/"))
    widget = page.locator(".conv-explorer").first
    labels = LABELS[lang]
    assert_allclose(output_grid(widget), convolve2d(IMAGE, KERNEL, mode="full"))
    widget.get_by_label(labels["stride"]).select_option("2")
    assert_allclose(output_grid(widget), convolve2d(IMAGE, KERNEL, mode="full")[::2, ::2])
    widget.get_by_label(labels["padding"]).select_option("same")
    assert_allclose(output_grid(widget), convolve2d(IMAGE, KERNEL, mode="same")[::2, ::2])
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_labels_follow_the_page_language(browser: Browser, served_site: str, lang: str) -> None:
    page = browser.new_page()
    page.goto(url(served_site, lang, "lessons/convolution/"))
    widget = page.locator(".conv-explorer").first
    options = widget.get_by_label(LABELS[lang]["operation"]).locator("option").all_inner_texts()
    expected = {
        "en": ["Convolution (kernel flipped)", "Cross-correlation (no flip)"],
        "zh": ["卷积（翻转卷积核）", "互相关（不翻转）"],
    }
    assert options == expected[lang]
    assert widget.locator(".cx-sum").get_attribute("aria-live") == "polite"
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_fits_a_phone_screen(browser: Browser, served_site: str, lang: str) -> None:
    """At 360 px the page does not scroll sideways: wide grids scroll inside the explorer."""
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(url(served_site, lang, "lessons/padding-stride/"))
    widget = page.locator(".conv-explorer").first
    widget.get_by_label(LABELS[lang]["size"]).select_option("8")
    widget.get_by_label(LABELS[lang]["padding"]).select_option("full")
    assert widget.locator(".cx-cell--out").count() == 10 * 10  # 8 + 3 - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = widget.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.close()
