"""padding-stride.md: TensorFlow's "SAME" padding, found by trial against TensorFlow itself, is what the page says.

The page rebuilds TensorFlow's padding from the formula in its documentation and states when it is symmetric.
Here the padding is not computed from any formula: for every size, kernel and stride in a grid, the test tries
every split of zeros before and after and keeps the one whose "VALID" convolution equals TensorFlow's "SAME" output.
The figure's description is checked against what examples/padding_stride.py, which draws it, prints.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import course

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = [DOCS / lang / "lessons" / "padding-stride.md" for lang in ("en", "zh")]
GRID = [(n, k, s) for s in (1, 2, 3) for n in range(4, 10) for k in range(1, 6)]


def page_function(page: Path, name: str):
    """The function `name` as the page defines it (its def line up to the next blank line), executed alone."""
    match = re.search(rf"^def {name}\(.*?(?=\n\n)", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    assert match, f"{page}: no def {name}"
    namespace = {"math": math}
    exec(match.group(0), namespace)
    return namespace[name]


def conv(image: np.ndarray, kernel: np.ndarray, s: int, padding: str) -> np.ndarray:
    x = tf.constant(image, tf.float32)[tf.newaxis, :, :, tf.newaxis]
    w = tf.constant(kernel, tf.float32)[:, :, tf.newaxis, tf.newaxis]
    return tf.nn.conv2d(x, w, strides=s, padding=padding)[0, :, :, 0].numpy()


@functools.cache
def padding_by_trial(n: int, k: int, s: int) -> tuple[int, int]:
    """(before, after) zeros along each axis that reproduce TensorFlow's "SAME", found by trying them all."""
    rng = np.random.default_rng(n * 100 + k * 10 + s)
    image, kernel = rng.standard_normal((n, n)), rng.standard_normal((k, k))
    same = conv(image, kernel, s, "SAME")
    found = []
    for before in range(k + 1):
        for after in range(k + 1):
            padded = np.pad(image, [(before, after)] * 2)
            if padded.shape[0] < k:
                continue
            valid = conv(padded, kernel, s, "VALID")
            if valid.shape == same.shape and np.allclose(valid, same, atol=1e-5):
                found.append((before, after))
    # Several splits can match only when zeros are never read; the smallest one is TensorFlow's.
    assert found, (n, k, s)
    return min(found, key=sum)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parts[-3])
def test_page_formula_matches_tensorflow_on_a_grid(page: Path) -> None:
    tf_same_padding = page_function(page, "tf_same_padding")
    for n, k, s in GRID:
        assert tf_same_padding(n, k, s) == padding_by_trial(n, k, s), (n, k, s)


def test_what_the_page_says_about_symmetry_holds() -> None:
    for n, k, s in GRID:
        before, after = padding_by_trial(n, k, s)
        total = before + after
        assert (before == after) == (total % 2 == 0)  # symmetric exactly when the total is even
        assert after - before in (0, 1)  # an odd zero goes after: bottom or right
        if k % 2 == 1 and s == 1:
            assert before == after == (k - 1) // 2  # odd kernel, stride 1: (k - 1) / 2 on each side
        if s == 2 and k >= 2:
            assert (before == after) == ((n + k) % 2 == 0)  # exercise 6: n + k even
    # The worked examples: 6 x 6 and 7 x 7 inputs, 3 x 3 kernel, stride 2; the even kernel of exercise 6.
    assert padding_by_trial(6, 3, 2) == (0, 1)
    assert padding_by_trial(7, 3, 2) == (1, 1)
    assert padding_by_trial(6, 4, 2) == (1, 1)


# The figure's description, in each language: the zeros on each side of (a)-(c), then the output grids' sides.
FIGURE_ALT = {
    "en": r"(?P<z0>\w+) rows of zeros on each side in \(a\), (?P<z1>\w+) in \(b\), (?P<z2>\w+) in \(c\)\. "
    r"Bottom: the (?P<o0>\d+)×\d+, (?P<o1>\d+)×\d+ and (?P<o2>\d+)×\d+ output grids",
    "zh": r"\(a\) 每侧(?P<z0>\w)圈，\(b\) 每侧(?P<z1>\w)圈，\(c\) (?P<z2>没有)。"
    r"下方：(?P<o0>\d+)×\d+、(?P<o1>\d+)×\d+ 和 (?P<o2>\d+)×\d+ 的输出网格",
}
ZEROS = {"none": 0, "one": 1, "two": 2, "没有": 0, "一": 1, "两": 2}


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> str:
    """examples/padding_stride.py, which draws the page's figure, run once: its printed lines."""
    tmp = tmp_path_factory.mktemp("padding_stride")
    result = course.run_example("padding_stride", "--out", str(tmp / "out"), cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file()] == ["out/padding_modes.png"]
    return result.stdout


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parts[-3])
def test_figure_description_states_what_the_example_computes(page: Path, example_run: str) -> None:
    line = r"^(FULL|SAME|VALID): (\d+) zeros? per side, padded input \d+x\d+, output (\d+)x\d+$"
    printed = re.findall(line, example_run, re.M)
    assert [mode for mode, _, _ in printed] == ["FULL", "SAME", "VALID"]
    match = re.search(FIGURE_ALT[page.parts[-3]], page.read_text(encoding="utf-8"))
    assert match, page
    for i, (_, zeros, side) in enumerate(printed):
        assert ZEROS[match[f"z{i}"]] == int(zeros)
        assert match[f"o{i}"] == side
    # "The valid output (c) is the centre of the same output (b), which is the centre of the full output (a)."
    assert "VALID equals the centre of SAME: True" in example_run
    assert "SAME equals the centre of FULL: True" in example_run
