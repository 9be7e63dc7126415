"""The convolution lesson's claims that its snippets do not cover on their own."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import convolve2d, correlate2d

import course

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "zh")


def page(lang: str) -> str:
    return (ROOT / "docs" / lang / "lessons" / "convolution.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_states_the_offset(lang: str) -> None:
    text = page(lang)
    assert r"= (X * K)[i + 2,\ j + 2]." in text
    assert "$k - 1$" in text


@pytest.mark.parametrize(("kh", "kw"), [(1, 1), (2, 2), (3, 3), (5, 5), (2, 3), (4, 1)])
def test_valid_part_is_the_full_convolution_shifted_by_kernel_size_minus_one(kh: int, kw: int) -> None:
    # Y[i, j] = sum X[i + m, j + n] K'[m, n] (K' = K rotated by 180°) equals (X * K)[i + kh - 1, j + kw - 1].
    rng = np.random.default_rng(kh * 10 + kw)
    image = rng.integers(-9, 10, size=(7, 8))
    kernel = rng.integers(-3, 4, size=(kh, kw))
    full = convolve2d(image, kernel, mode="full")
    y = correlate2d(image, kernel[::-1, ::-1], mode="valid")
    rows, cols = y.shape
    assert np.array_equal(y, full[kh - 1 : kh - 1 + rows, kw - 1 : kw - 1 + cols])
    if (kh, kw) != (1, 1):  # without the shift the claim would be false
        assert not np.array_equal(y, full[:rows, :cols])


@pytest.mark.parametrize(
    ("lang", "terms"),
    [("en", ["**feature map**", "**channels**", "**batch**"]), ("zh", ["**特征图**", "**通道**", "**批量**"])],
)
def test_feature_map_channel_and_batch_are_defined_before_the_first_batch_of_images(
    lang: str, terms: list[str]
) -> None:
    text = page(lang)
    section = text.index("{#feature-map}")
    first_use = text.index("(N, H, W, C)")
    for term in terms:
        assert section < text.index(term) < first_use, term
    # The (N, H, W, C) comment says what N and C are.
    comment = text[first_use : text.index("\n", text.index("\n", first_use) + 1)]
    assert re.search(r"N\b.*\bC\b.*[(（].*\b1\b.*\b3\b", comment, re.DOTALL), comment


@pytest.fixture(scope="module")
def kernel_ranges(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[float, float, float]]:
    """examples/conv_kernels.py, which draws the photograph figure, run once: each kernel's sum and output range."""
    tmp = tmp_path_factory.mktemp("conv_kernels")
    result = course.run_example("conv_kernels", "--out", str(tmp / "out"), "--size", "64", cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file()] == ["out/conv_kernels.png"]
    line = r"^(\w+) +weights sum to (\S+); output from +(\S+) to +(\S+)$"
    return {name: tuple(map(float, numbers)) for name, *numbers in re.findall(line, result.stdout, re.M)}


def test_the_photograph_figure_is_what_the_page_describes(kernel_ranges: dict) -> None:
    # Panels (b) to (e), in the order the caption names them.
    assert list(kernel_ranges) == ["edge", "sharpen", "blur", "lesson"]
    # "(b) an edge detector: its weights sum to zero"; (c) and (d) keep the grey level of flat regions.
    assert [kernel_ranges[name][0] for name in kernel_ranges] == [0, 1, 1, 0]
    # "The outputs of (b) and (e) are signed, so these panels show their magnitude."
    for name in ("edge", "lesson"):
        low, high = kernel_ranges[name][1:]
        assert low < 0 < high, name
    # "(d) a box blur: the average of the nine pixels": it stays within the photograph's 0 to 255.
    assert 0 <= kernel_ranges["blur"][1] <= kernel_ranges["blur"][2] <= 255
