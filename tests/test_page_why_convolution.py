"""The "Why convolution?" lesson: numbers its prose repeats, and the claims its snippets show for one case only."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import correlate2d

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "zh")


def page(lang: str) -> str:
    return (ROOT / "docs" / lang / "lessons" / "why-convolution.md").read_text(encoding="utf-8")


def expected_outputs(text: str) -> list[str]:
    return re.findall(r"<!--pytest-codeblocks:expected-output-->\s*```text\n(.*?)```", text, re.DOTALL)


@pytest.fixture(scope="module")
def keras_counts() -> tuple[int, int]:
    import keras
    from keras import layers

    conv = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(6, 5)])
    outputs = int(np.prod(conv.output_shape[1:]))
    dense = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Flatten(), layers.Dense(outputs)])
    return dense.count_params(), conv.count_params()


@pytest.mark.parametrize("lang", LANGS)
def test_the_counts_in_the_prose_are_keras_counts(lang: str, keras_counts: tuple[int, int]) -> None:
    dense, conv = keras_counts
    text = page(lang)
    # Exercise 3 repeats both counts in its prose; every larger number there must be one of them.
    exercises = text[text.index("{#exercises}") : text.index("{#references}")]
    prose = re.sub(r"```.*?```", "", exercises, flags=re.DOTALL)
    prose = re.sub(r"\$[^$]*\$", "", prose)
    numbers = re.findall(r"\d[\d,]*\d{2}", prose)
    assert sorted(set(numbers)) == sorted({f"{dense:,}", f"{conv}"}), numbers
    # The first snippet prints them.
    assert f"fully connected {dense:>9,}" in expected_outputs(text)[0]
    assert f"convolution     {conv:>9,}" in expected_outputs(text)[0]
    # "divided by the number of positions, 24 x 24 = 576": local-only count over the convolution's.
    assert r"$24\times 24 = 576$" in text
    assert 24 * 24 * 6 * (5 * 5 + 1) // conv == 576


@pytest.mark.parametrize("lang", LANGS)
def test_the_border_outputs_named_in_the_prose_are_the_printed_ones(lang: str) -> None:
    text = page(lang)
    # "the 14 x 12 outputs away from the incoming columns moved with the image" and the printed 168 of 196.
    assert r"$14\times 12$" in text
    assert f"{14 * 12} of {14 * 14} outputs agree" in expected_outputs(text)[3]


@pytest.mark.parametrize("lang", LANGS)
def test_the_locality_window_in_the_prose_is_the_printed_one(lang: str) -> None:
    text = page(lang)
    assert "rows 16-20, columns 16-20" in expected_outputs(text)[1]
    # A pixel at (20, 20) lies in the 5x5 windows whose top-left corners are at rows and columns 20 - 4 to 20.
    assert re.search(r"16 to 20|第 16 到 20 行", text)


@pytest.mark.parametrize("seed", range(5))
def test_equivariance_holds_for_every_shift_that_keeps_the_pattern_inside(seed: int) -> None:
    rng = np.random.default_rng(seed)
    kernel = rng.integers(-3, 4, size=(3, 3))
    pattern = rng.integers(1, 10, size=(4, 4))
    for down in range(0, 9):
        for right in range(0, 9):
            image = np.zeros((16, 16), dtype=int)
            image[2:6, 2:6] = pattern
            shifted = np.zeros_like(image)
            shifted[2 + down : 6 + down, 2 + right : 6 + right] = pattern
            f = correlate2d(image, kernel, mode="valid")
            g = correlate2d(shifted, kernel, mode="valid")
            moved = np.zeros_like(f)
            moved[down:, right:] = f[: f.shape[0] - down, : f.shape[1] - right]
            assert np.array_equal(g, moved), (down, right)


@pytest.mark.parametrize("stride", [2, 3])
def test_with_a_stride_only_multiples_of_the_stride_shift_the_map(stride: int) -> None:
    # "Equivariance survives only on a coarser grid, for shifts by a multiple of the stride."
    rng = np.random.default_rng(stride)
    kernel = rng.choice([-2, -1, 1, 2], size=(3, 3))
    image = rng.integers(1, 10, size=(20, 20))
    base = correlate2d(image, kernel, mode="valid")[::stride, ::stride]

    def moved_by(out: np.ndarray, q: int) -> bool:
        return np.array_equal(out[:, q:], base[:, : base.shape[1] - q])

    for n in range(1, 2 * stride + 1):
        shifted = np.zeros_like(image)
        shifted[:, n:] = image[:, :-n]
        out = correlate2d(shifted, kernel, mode="valid")[::stride, ::stride]
        if n % stride == 0:
            assert moved_by(out, n // stride), n
        else:
            assert not any(moved_by(out, q) for q in range(n + 1)), n


def test_tensorflow_strided_conv_is_the_stride_one_map_subsampled() -> None:
    # The page's second equivariance snippet relies on this for one image; check a few shapes.
    import tensorflow as tf

    rng = np.random.default_rng(0)
    for size, k, stride in [(16, 3, 2), (17, 5, 2), (20, 3, 3)]:
        image = rng.integers(0, 10, size=(size, size)).astype(np.float32)
        kernel = rng.integers(-2, 3, size=(k, k)).astype(np.float32)
        x = tf.constant(image)[tf.newaxis, :, :, tf.newaxis]
        w = tf.constant(kernel)[:, :, tf.newaxis, tf.newaxis]
        strided = tf.nn.conv2d(x, w, strides=stride, padding="VALID")[0, :, :, 0].numpy()
        assert np.array_equal(strided, correlate2d(image, kernel, mode="valid")[::stride, ::stride])
