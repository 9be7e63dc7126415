# %% [markdown]
# # Pooling: a worked example and a shifted digit
#
# Two panels, saved as `assets/figures/pooling.png`:
#
# - (a) the 4×4 example of the pooling lesson, cut into 2×2 windows, with the
#   results of 2×2 max pooling and 2×2 average pooling (stride 2);
# - (b) an MNIST digit and the same digit shifted one pixel to the right, the
#   feature map of each for a Sobel edge kernel, and those maps after 2×2 max
#   pooling. The edge maps differ at almost every stroke; the pooled maps agree
#   in many cells, but not in all.
#
# MNIST is read from `--data PATH` or the usual places (see `common.py`).
# Run it with `python examples/pooling.py --help`.

# %%
"""Draw a 2x2 max/average pooling example and a one-pixel shift of an MNIST digit: pooling.png."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only; no window needed
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy.signal import correlate2d

from common import FIGURES, ArgumentParser, UsageError, fail, load_mnist, save_figure

# %% [markdown]
# ## Pooling and the edge feature map
#
# The same functions as in the lesson: pooling by reshaping into 2×2 blocks,
# and a Sobel kernel whose negative responses are cut off, as a ReLU would.

# %%
EXAMPLE = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [7, 2, 1, 3], [0, 1, 8, 4]], dtype=float)
SOBEL = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def pool(a: np.ndarray, reduce: str = "max") -> np.ndarray:
    """2x2 pooling with stride 2 (the last row/column is dropped on odd sides)."""
    h, w = a.shape[0] // 2, a.shape[1] // 2
    blocks = a[: 2 * h, : 2 * w].reshape(h, 2, w, 2)
    return blocks.max(axis=(1, 3)) if reduce == "max" else blocks.mean(axis=(1, 3))


def edges(image: np.ndarray) -> np.ndarray:
    """Positive part of the Sobel response (dark-to-bright, left to right); 28x28 -> 26x26."""
    return np.maximum(correlate2d(image, SOBEL, mode="valid"), 0)


# %% [markdown]
# ## The figure
#
# Panel (a) prints the numbers in the cells; the thick lines mark the pooling
# windows. Panel (b) is a 2×3 grid: digit, edge map, pooled map, for the
# original (top) and the shifted digit (bottom). Each kind of map shares one
# colour scale across both rows, so equal values look equal.


# %%
def draw_matrix(ax: Axes, values: np.ndarray, window: int | None = None) -> None:
    """A small matrix as a grid of cells with its numbers written in them."""
    ax.imshow(values, cmap="Blues", vmin=0, vmax=EXAMPLE.max() * 1.6)
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=11)
    n = values.shape[0]
    for k in range(n + 1):
        thick = window is not None and k % window == 0
        lw = 2.2 if thick or window is None and k in (0, n) else 0.6
        ax.hlines(k - 0.5, -0.5, n - 0.5, color="k", lw=lw)
        ax.vlines(k - 0.5, -0.5, n - 0.5, color="k", lw=lw)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def plot(digit: np.ndarray) -> Figure:
    """Panel (a): the 4x4 example and its pooled versions; panel (b): a digit shifted by one pixel."""
    shifted = np.roll(digit, 1, axis=1)
    fig = plt.figure(figsize=(6.4, 6.0))
    grid = fig.add_gridspec(2, 1, height_ratios=[1, 1.9], hspace=0.12, left=0.06, right=0.98, top=0.97, bottom=0.02)
    top = grid[0].subgridspec(1, 3, width_ratios=[4, 2, 2], wspace=0.35)
    bottom = grid[1].subgridspec(2, 3, wspace=0.08, hspace=0.08)

    axes_a = [fig.add_subplot(top[0, k]) for k in range(3)]
    draw_matrix(axes_a[0], EXAMPLE, window=2)
    draw_matrix(axes_a[1], pool(EXAMPLE, "max"), window=1)
    draw_matrix(axes_a[2], pool(EXAMPLE, "mean"), window=1)
    for ax in axes_a[1:]:
        ax.set_ylim(2.5, -1.5)  # the height of the 4x4 matrix, so all cells have the same size

    maps = [(d, edges(d), pool(edges(d))) for d in (digit, shifted)]
    top_edge = max(m[1].max() for m in maps)
    for row, (image, edge, pooled) in enumerate(maps):
        for col, (shown, vmax) in enumerate([(image, 1.0), (edge, top_edge), (pooled, top_edge)]):
            ax = fig.add_subplot(bottom[row, col])
            ax.imshow(shown, cmap="gray_r" if col == 0 else "magma", vmin=0, vmax=vmax)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0 and col == 0:
                first_b = ax

    fig.text(0.02, 0.97, "(a)", fontsize=12, va="top")
    fig.text(0.02, first_b.get_position().y1 + 0.01, "(b)", fontsize=12, va="bottom")
    return fig


# %%
def main(argv: list[str] | None = None) -> dict[str, str]:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=FIGURES, help="folder for pooling.png (default: %(default)s)")
    parser.add_argument("--data", type=Path, help="path to mnist.npz (default: look in the usual places)")
    parser.add_argument("--index", type=int, default=0, help="which MNIST test digit to shift (default: %(default)s)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        (_, _), (x_test, _) = load_mnist(args.data)
    except UsageError as exc:
        fail(str(exc))
    if not 0 <= args.index < len(x_test):
        parser.error(f"--index must be between 0 and {len(x_test) - 1}")
    digit = x_test[args.index] / 255.0
    path = save_figure(plot(digit), args.out / "pooling.png", dpi=110, bbox_inches="tight")
    print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    return {"figure": str(path)}


# %%
if __name__ == "__main__":
    main([] if "ipykernel" in sys.modules else None)
