"""The convolution explorer (assets/js/conv-explorer.js) in Chromium: its arithmetic against SciPy and TensorFlow,
and its controls."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import numpy as np
import pytest
import tensorflow as tf
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


# ---- Channels and the backward pass: compute(input[C_in][H][W], kernel[C_out][C_in/groups][k][k]) and backward ----

LAYER_STRIDES = (1, 2, 3)
GROUPS = (1, 2, 3)
PER_COMBINATION = 3  # random cases per combination of options and number type
RTOL = ATOL = 1e-9  # floats: TensorFlow in float64 adds in another order; integers must match exactly


def tf_layer(
    image: np.ndarray, kernel: np.ndarray, flip: bool, padding: str, stride: int, groups: int, grad: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """tf.nn.conv2d in float64 on the explorer's layouts: the output, and with `grad` tf.GradientTape's dInput, dKernel.

    The input [C_in][H][W] becomes NHWC and the kernel [C_out][C_in/groups][k][k] HWIO. Each group is its own
    tf.nn.conv2d, joined along the channels: TensorFlow's CPU kernels compute a grouped convolution but not its
    gradients. "full" is explicit padding of k - 1 on every side; flip reverses the kernel's rows and columns.
    """
    k = kernel.shape[-1]
    pads = {"valid": "VALID", "same": "SAME", "full": [[0, 0], [k - 1, k - 1], [k - 1, k - 1], [0, 0]]}[padding]
    x = tf.constant(image, dtype=tf.float64)
    w = tf.constant(kernel, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        nhwc = tf.transpose(x, (1, 2, 0))[None]
        hwio = tf.transpose(tf.reverse(w, (2, 3)) if flip else w, (2, 3, 1, 0))
        maps = [
            tf.nn.conv2d(x_g, w_g, stride, pads)
            for x_g, w_g in zip(tf.split(nhwc, groups, axis=3), tf.split(hwio, groups, axis=3), strict=True)
        ]
        y = tf.transpose(tf.concat(maps, axis=3)[0], (2, 0, 1))
    if grad is None:
        return y.numpy(), None, None
    d_input, d_kernel = tape.gradient(y, [x, w], output_gradients=tf.constant(grad, dtype=tf.float64))
    return y.numpy(), d_input.numpy(), d_kernel.numpy()


def layer_case(rng: np.random.Generator, flip: bool, padding: str, stride: int, groups: int, floats: bool) -> dict:
    """A random input of 1 to 3 channels per group and 1 to 7 rows and columns, a kernel of side 1 to 4, output
    channels 1 to 3 per group; with the output and gradients of `tf_layer` for a random output gradient.

    VALID gets an input at least as large as the kernel (TensorFlow refuses an empty output).
    """
    c_in, c_out, k = groups * int(rng.integers(1, 4)), groups * int(rng.integers(1, 4)), int(rng.integers(1, 5))
    low = k if padding == "valid" else 1
    h, w = (int(n) for n in rng.integers(low, 8, 2))
    if floats:
        image, kernel = rng.normal(0, 10, (c_in, h, w)), rng.normal(0, 1, (c_out, c_in // groups, k, k))
    else:
        image, kernel = rng.integers(-9, 10, (c_in, h, w)), rng.integers(-3, 4, (c_out, c_in // groups, k, k))
    output, _, _ = tf_layer(image, kernel, flip, padding, stride, groups, None)
    grad = rng.normal(0, 1, output.shape) if floats else rng.integers(-3, 4, output.shape)
    expected = {"output": output}
    if not flip:
        _, expected["dInput"], expected["dKernel"] = tf_layer(image, kernel, flip, padding, stride, groups, grad)
    options = {"flip": flip, "padding": padding, "stride": stride, "groups": groups}
    return {"image": image, "kernel": kernel, "grad": grad, "options": options, "floats": floats, "expected": expected}


def mismatch(got: object, expected: np.ndarray, floats: bool) -> str | None:
    """None when `got` has the reference's shape and values (floats within RTOL and ATOL, integers exactly)."""
    if np.shape(got) != expected.shape:
        return f"shape {np.shape(got)} != {expected.shape}"
    got = np.array(got, dtype=float)
    same = np.allclose(got, expected, rtol=RTOL, atol=ATOL) if floats else np.array_equal(got, expected)
    return None if same else f"largest difference {np.abs(got - expected).max():.3g}"


@pytest.fixture(scope="module")
def layer_results(lesson_page: Page) -> tuple[list[dict], list]:
    """Every combination of flip, padding, stride, groups and integers or floats, PER_COMBINATION random cases
    each (2·3·3·3·2·3 = 324), through compute and, for the 162 without flip, backward: one page.evaluate for all."""
    rng = np.random.default_rng(11)
    combinations = itertools.product(FLIPS, PADDINGS, LAYER_STRIDES, GROUPS, (False, True), range(PER_COMBINATION))
    cases = [layer_case(rng, *combination[:-1]) for combination in combinations]
    results = lesson_page.evaluate(
        "cases => cases.map(([input, kernel, grad, options]) => ({"
        " output: window.convExplorer.compute(input, kernel, options),"
        " ...(options.flip ? {} : window.convExplorer.backward(input, kernel, grad, options)) }))",
        [[case["image"].tolist(), case["kernel"].tolist(), case["grad"].tolist(), case["options"]] for case in cases],
    )
    return cases, results


def layer_problems(cases: list[dict], results: list, key: str) -> list[str]:
    """One line for each case where the browser's `key` (output, dInput or dKernel) differs from the reference."""
    problems = []
    for case, got in zip(cases, results, strict=True):
        if key in case["expected"] and (problem := mismatch(got[key], case["expected"][key], case["floats"])):
            shapes = f"input {case['image'].shape}, kernel {case['kernel'].shape}, {case['options']}"
            problems.append(f"{key} for {shapes}, {'floats' if case['floats'] else 'integers'}: {problem}")
    return problems


def test_layer_compute_matches_tensorflow(layer_results: tuple[list[dict], list]) -> None:
    """compute on 324 random cases, 3 for each combination of flip (2), padding (3), stride 1 to 3, groups 1 to 3
    and integers or floats, equals tf.nn.conv2d: integers exactly, floats within 1e-9."""
    cases, results = layer_results
    assert len(cases) == 324
    assert not (problems := layer_problems(cases, results, "output")), "\n".join(problems)


def test_layer_backward_matches_gradient_tape(layer_results: tuple[list[dict], list]) -> None:
    """backward on the 162 random cross-correlation cases (3 for each combination of padding, stride, groups and
    integers or floats) equals tf.GradientTape's dInput and dKernel: integers exactly, floats within 1e-9."""
    cases, results = layer_results
    assert sum("dInput" in case["expected"] for case in cases) == 162
    problems = layer_problems(cases, results, "dInput") + layer_problems(cases, results, "dKernel")
    assert not problems, "\n".join(problems)


def test_layer_comparison_catches_a_wrong_reference(layer_results: tuple[list[dict], list]) -> None:
    """The comparison fails for a reference off by 1e-6 (floats) or 1 (integers) in one value, and for the
    reference with the flip the other way round wherever the kernel is not symmetric under a 180° turn."""
    cases, results = layer_results
    flipped = 0
    for case, got in zip(cases, results, strict=True):
        for key, expected in case["expected"].items():
            if expected.size:
                wrong = expected.copy()
                wrong.flat[-1] += 1e-6 if case["floats"] else 1
                assert mismatch(got[key], wrong, case["floats"]), f"{key} off by one value passes"
        kernel = case["kernel"]
        if case["floats"] and kernel.shape[-1] > 1 and not np.array_equal(kernel, kernel[:, :, ::-1, ::-1]):
            other = dict(case["options"], flip=not case["options"]["flip"])
            wrong, _, _ = tf_layer(case["image"], kernel, **other, grad=None)
            assert mismatch(got["output"], wrong, floats=True), f"the other flip passes for {case['options']}"
            flipped += 1
    assert flipped > 100


def test_layer_keeps_the_2d_call(lesson_page: Page) -> None:
    """2-D arrays still give a 2-D output, and one channel with an odd kernel at stride 1 gives that same map."""
    got = lesson_page.evaluate(
        "([image, kernel]) => ['valid', 'same', 'full'].flatMap(padding => [true, false].map(flip => [padding, flip,"
        " window.convExplorer.compute(image, kernel, {flip, padding}),"
        " window.convExplorer.compute([image], [[kernel]], {flip, padding})]))",
        [IMAGE.tolist(), KERNEL.tolist()],
    )
    for padding, flip, plain, layer in got:
        assert np.array_equal(plain, scipy_reference(IMAGE, KERNEL, flip, padding, 1))
        assert layer == [plain]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        ("compute([[[1, 2]], [[3, 4]]], [[[[1]], [[1]]], [[[1]], [[1]]]], {groups: 2})", "kernel must be"),
        ("compute([[[1, 2]], [[3, 4]], [[5, 6]]], [[[[1]]], [[[1]]]], {groups: 2})", "groups must divide"),
        ("compute([[[1, 2]], [[3]]], [[[[1]], [[1]]]])", "H × W"),
        ("compute([[[1, 2]]], [[[[1, 2]]]])", "square"),
        ("backward([[[1, 2]]], [[[[1]]]], [[[1, 1]]], {flip: true})", "cross-correlation"),
        ("backward([[[1, 2]]], [[[[1]]]], [[[1]]])", "gradOutput must be [1][1][2]"),
    ],
)
def test_layer_rejects_inconsistent_shapes(lesson_page: Page, call: str, words: str) -> None:
    message = lesson_page.evaluate(
        f"() => {{ try {{ window.convExplorer.{call}; }} catch (e) {{ return e.message; }} return null; }}"
    )
    assert message is not None and words in message, message


# ---- The channels mode (data-channels) and the backward mode (data-mode="backward") ----

MODE_LABELS = {
    "en": {"red": "Input channel 1 (R)", "error": "Output error", "dinput": "Input gradient ∂L/∂X"},
    "zh": {"red": "输入通道 1（R）", "error": "输出误差", "dinput": "输入梯度 ∂L/∂X"},
}


def add_explorer(page: Page, attributes: dict[str, str]) -> Locator:
    """A new explorer with these data-* attributes at the top of the lesson, mounted as the page mounts its own.

    No page embeds the new modes yet (the lessons on channels and on the backward pass will), so the test adds one.
    """
    page.evaluate(
        "attributes => { const div = document.createElement('div'); div.className = 'conv-explorer';"
        " Object.entries(attributes).forEach(([k, v]) => div.setAttribute(k, v));"
        " document.querySelector('article').prepend(div); window.convExplorer.mountAll(); }",
        attributes,
    )
    return page.locator(".conv-explorer").first


def grid(widget: Locator, selector: str) -> np.ndarray:
    """The display cells matching `selector` as a grid (exact values from their data-value)."""
    cells = widget.locator(selector).evaluate_all(
        "cells => cells.map(c => [Number(c.dataset.row), Number(c.dataset.col), Number(c.dataset.value)])"
    )
    values = np.zeros((max(r for r, _, _ in cells) + 1, max(c for _, c, _ in cells) + 1))
    for r, c, value in cells:
        values[r, c] = value
    return values


def sum_lines(widget: Locator) -> list[tuple[str, list[tuple[float, ...]], float]]:
    """Each line of the written sum as (left-hand side, [(value, weight) or (value,), …], total)."""
    lines = widget.locator(".cx-sum__line").all_inner_texts() or [widget.locator(".cx-sum").inner_text()]
    parsed = []
    for line in lines:
        lhs, terms, total = line.split(" = ")
        factors = [tuple(number(x) for x in term.split("·")) for term in terms.split(" + ")]
        parsed.append((re.sub(r"\s", "", lhs), factors, number(total)))
    return parsed


@pytest.mark.parametrize("lang", LANGS)
def test_channels_mode_adds_the_partial_sums(browser: Browser, served_site: str, lang: str) -> None:
    """Three input channels and two kernels from data-input and data-kernel: every output map is the sum over the
    channels of SciPy's cross-correlations, each step writes one partial sum per channel and their total, and
    padding and stride follow TensorFlow's rule."""
    rng = np.random.default_rng(3)
    image, kernel = rng.integers(-5, 6, (3, 4, 4)), rng.integers(-2, 3, (2, 3, 3, 3))
    page = browser.new_page()
    page.goto(url(served_site, lang, "lessons/convolution/"))
    widget = add_explorer(
        page,
        {
            "data-channels": "3",
            "data-kernels": "2",
            "data-input": str(image.tolist()),
            "data-kernel": str(kernel.tolist()),
        },
    )
    assert widget.get_by_role("group", name=MODE_LABELS[lang]["red"], exact=True).count() == 1
    expected = np.array([sum(correlate2d(image[j], kernel[o, j], mode="valid") for j in range(3)) for o in range(2)])
    for o in range(2):
        assert_allclose(grid(widget, f".cx-cell--out[data-channel='{o}']"), expected[o])

    def check_step(o: int, r: int, c: int) -> None:
        assert widget.locator(".cx-cell--out.is-current").evaluate("c => c.dataset.channel") == str(o)
        *partials, (lhs, terms, total) = sum_lines(widget)
        assert lhs == f"y{r},{c}" and total == expected[o, r, c]
        assert terms == [(p,) for *_, p in partials]
        for j, (name, pairs, partial) in enumerate(partials):
            assert name == f"p{'RGB'[j]}"
            assert pairs == list(zip(image[j, r : r + 3, c : c + 3].ravel(), kernel[o, j].ravel(), strict=True))
            assert partial == sum(a * b for a, b in pairs)
        assert sum(p for *_, p in partials) == total

    check_step(0, 0, 0)
    widget.get_by_role("button", name=LABELS[lang]["next"], exact=True).click()
    check_step(0, 0, 1)
    widget.focus()
    page.keyboard.press("End")
    check_step(1, 1, 1)

    widget.get_by_label(LABELS[lang]["padding"]).select_option("same")
    widget.get_by_label(LABELS[lang]["stride"]).select_option("2")
    same, _, _ = tf_layer(image, kernel, False, "same", 2, 1, None)
    for o in range(2):
        assert_allclose(grid(widget, f".cx-cell--out[data-channel='{o}']"), same[o])
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_backward_mode_slides_the_flipped_kernel_over_the_error(browser: Browser, served_site: str, lang: str) -> None:
    """The input gradient is the full convolution of the error with the kernel (SciPy and tf.GradientTape agree),
    written at each input position as the padded error under the flipped kernel; the weight gradient is the
    input cross-correlated with the error; editing the error updates both."""
    rng = np.random.default_rng(5)
    image, kernel, error = rng.integers(-5, 6, (5, 5)), rng.integers(-2, 3, (3, 3)), rng.integers(-2, 3, (3, 3))
    page = browser.new_page()
    page.goto(url(served_site, lang, "lessons/convolution/"))
    attributes = {"data-input": image.tolist(), "data-kernel": kernel.tolist(), "data-error": error.tolist()}
    widget = add_explorer(page, {"data-mode": "backward"} | {k: str(v) for k, v in attributes.items()})

    def check(error: np.ndarray, y: int, x: int) -> None:
        d_input = convolve2d(error, kernel, mode="full")
        _, tf_input, tf_kernel = tf_layer(image[None], kernel[None, None], False, "valid", 1, 1, error[None])
        assert_allclose(d_input, tf_input[0])
        assert_allclose(grid(widget, "[data-grid='output']"), correlate2d(image, kernel, mode="valid"))
        assert_allclose(grid(widget, "[data-grid='dinput']"), d_input)
        assert_allclose(grid(widget, "[data-grid='dkernel']"), correlate2d(image, error, mode="valid"))
        assert_allclose(grid(widget, "[data-grid='dkernel']"), tf_kernel[0, 0])
        window = widget.locator(".cx-cell.is-window").evaluate_all(
            "cells => cells.map(c => [Number(c.dataset.row), Number(c.dataset.col)])"
        )
        assert sorted(map(tuple, window)) == [(y + a, x + b) for a in range(3) for b in range(3)]
        [(lhs, pairs, total)] = sum_lines(widget)
        padded = np.pad(error, 2)
        assert lhs == f"∂L/∂X{y},{x}"
        assert pairs == list(zip(padded[y : y + 3, x : x + 3].ravel(), np.rot90(kernel, 2).ravel(), strict=True))
        assert total == d_input[y, x] == sum(a * b for a, b in pairs)

    check(error, 0, 0)  # the first error is not 0: the explorer starts at its window's corner
    widget.focus()
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    check(error, 1, 2)
    widget.get_by_role("spinbutton", name=f"{MODE_LABELS[lang]['error']}", exact=False).first.fill("7")
    check(np.block([[7, error[0, 1:]], [error[1:]]]), 1, 2)
    widget.locator("[data-grid='dinput'][data-row='4'][data-col='4']").click()
    check(np.block([[7, error[0, 1:]], [error[1:]]]), 4, 4)
    page.close()


def test_backward_mode_starts_with_one_error(browser: Browser, served_site: str) -> None:
    """By default one error of 1 at the centre: its input gradient is the kernel itself, the right way round."""
    page = browser.new_page()
    page.goto(url(served_site, "en", "lessons/convolution/"))
    widget = add_explorer(page, {"data-mode": "backward"})
    expected = np.zeros((5, 5))
    expected[1:4, 1:4] = KERNEL
    assert_allclose(grid(widget, "[data-grid='dinput']"), expected)
    assert widget.locator("[data-grid='dinput'].is-current").evaluate("c => [c.dataset.row, c.dataset.col]") == [
        "1",
        "1",
    ]
    page.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("attributes", [{"data-channels": "3", "data-kernels": "2"}, {"data-mode": "backward"}])
def test_new_modes_fit_a_phone_screen(browser: Browser, served_site: str, lang: str, attributes: dict) -> None:
    """At 360 px, with the largest input and kernel, the page does not scroll sideways."""
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(url(served_site, lang, "lessons/convolution/"))
    widget = add_explorer(page, attributes)
    widget.get_by_label(LABELS[lang]["size"]).select_option("8")
    widget.get_by_label({"en": "Kernel size", "zh": "卷积核大小"}[lang]).select_option("5")
    if "data-channels" in attributes:
        widget.get_by_label(LABELS[lang]["padding"]).select_option("full")
        assert widget.locator(".cx-cell--out").count() == 2 * 12 * 12  # 8 + 5 - 1, two kernels
    else:
        assert widget.locator("[data-grid='dinput']").count() == 8 * 8
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = widget.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.close()
