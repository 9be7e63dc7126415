# %% [markdown]
# # Pooling: a worked example and a shifted digit
#
# Pool a 4×4 example by 2×2 max and average, then see how max pooling tolerates a one-pixel shift of an MNIST digit.
#
# The figure `pooling.png` has two panels:
#
# - (a) the 4×4 example of the pooling lesson, cut into 2×2 windows, with the
#   results of 2×2 max pooling and 2×2 average pooling (stride 2);
# - (b) an MNIST digit and the same digit shifted one pixel to the right, the
#   feature map of each for a Sobel edge kernel, and those maps after 2×2 max
#   pooling. The edge maps differ at almost every stroke; the pooled maps agree
#   in many cells, but not in all.
#
# MNIST is read from `--data PATH/TO/mnist.npz`, or from `$MNIST_PATH`,
# `./mnist.npz`, `./data/mnist.npz` or Keras's cache; failing those, Keras's
# copy is downloaded once into that cache. TensorFlow is not needed.
# Run it with `python pooling.py --help`; by default it writes `outputs/pooling.png`.

# %%
"""Draw a 2x2 max/average pooling example and a one-pixel shift of an MNIST digit: pooling.png."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import urllib.request
from pathlib import Path
from typing import Any, NoReturn

import matplotlib

matplotlib.use("Agg")  # write files; a notebook shows the saved PNG
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy.signal import correlate2d

# %% tags=["fold"]
# Helpers every example carries, so that it runs alone wherever it is saved.
IN_NOTEBOOK = "ipykernel" in sys.modules
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"  # keras.datasets.mnist's copy
Mnist = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2; in a notebook it reads $EXAMPLE_ARGS."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    def parse_example_args(self) -> argparse.Namespace:
        """The command line's arguments, or in a notebook those in the EXAMPLE_ARGS variable."""
        return self.parse_args(shlex.split(os.environ.get("EXAMPLE_ARGS", "")) if IN_NOTEBOOK else None)


def fail(message: str) -> NoReturn:
    """Print `error: message` to stderr and stop with exit status 2, without a traceback."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def save_figure(fig: Figure, path: Path, **kwargs: Any) -> None:
    """Write `fig` to `path` whole (never half a PNG), close it, and show the file in a notebook."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    fig.savefig(partial, format=path.suffix.lstrip("."), **kwargs)
    plt.close(fig)
    os.replace(partial, path)
    if IN_NOTEBOOK:
        from IPython.display import Image, display

        display(Image(filename=path))
    print(f"wrote {path}")


def load_mnist(path: Path | None = None) -> Mnist:
    """MNIST as `keras.datasets.mnist.load_data()` returns it, without importing TensorFlow.

    Without `path`, reads $MNIST_PATH, ./mnist.npz, ./data/mnist.npz, ../shared/data/mnist.npz or Keras's
    cache; if there is none, downloads Keras's copy into that cache once, as `load_data()` would.
    """
    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "mnist.npz"
    if path is None:
        places = [os.environ.get("MNIST_PATH", ""), "mnist.npz", "data/mnist.npz", "../shared/data/mnist.npz", cache]
        path = next((Path(p) for p in places if p and Path(p).is_file()), None)
        if path is None:
            print(f"downloading {MNIST_URL} (11 MB, once) into {cache.parent}")
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                urllib.request.urlretrieve(MNIST_URL, cache.with_suffix(".partial"))
            except OSError as exc:
                fail(f"MNIST is not here and its download failed ({exc}); pass --data PATH/TO/mnist.npz")
            path = cache.with_suffix(".partial").replace(cache)
    elif not path.is_file():
        fail(f"no MNIST file at {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    except (OSError, ValueError, KeyError) as exc:
        fail(f"{path} is not an MNIST .npz with x_train, y_train, x_test and y_test ({exc})")


# %% [markdown]
# ## Settings
#
# `--out` names the folder the figure goes to; it is created if needed.
# `--index` picks the MNIST test digit to shift.

# %%
parser = ArgumentParser(description=__doc__)
parser.add_argument("--out", type=Path, default=Path("outputs"), help="folder for the figure (default: %(default)s)")
parser.add_argument("--data", type=Path, help="path to mnist.npz (default: look in the usual places)")
parser.add_argument("--index", type=int, default=0, help="which MNIST test digit to shift (default: %(default)s)")
parser.add_argument("--smoke", action="store_true", help="a quick check of the whole script (it is always quick)")
args = parser.parse_example_args()

# %% [markdown]
# ## The data
#
# MNIST's test digits are $28\times 28$ grey images with values 0 to 255, scaled here to 0 to 1.

# %%
(_, _), (x_test, y_test) = load_mnist(args.data)
if not 0 <= args.index < len(x_test):
    parser.error(f"--index must be between 0 and {len(x_test) - 1}")
digit = x_test[args.index] / 255.0
print(f"MNIST test digit {args.index}: a {y_test[args.index]}, {digit.shape[0]}x{digit.shape[1]} pixels")

# %% [markdown]
# ## Pooling a small example
#
# The same function as in the lesson: pooling by reshaping into 2×2 blocks, then
# taking the maximum or the mean of each block. Each output value summarises one window.

# %%
EXAMPLE = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [7, 2, 1, 3], [0, 1, 8, 4]], dtype=float)


def pool(a: np.ndarray, reduce: str = "max") -> np.ndarray:
    """2x2 pooling with stride 2 (the last row/column is dropped on odd sides)."""
    h, w = a.shape[0] // 2, a.shape[1] // 2
    blocks = a[: 2 * h, : 2 * w].reshape(h, 2, w, 2)
    return blocks.max(axis=(1, 3)) if reduce == "max" else blocks.mean(axis=(1, 3))


print("X =", EXAMPLE, sep="\n")
print("2x2 max pooling:", pool(EXAMPLE, "max"), sep="\n")
print("2x2 average pooling:", pool(EXAMPLE, "mean"), sep="\n")

# %% [markdown]
# ## A digit shifted by one pixel
#
# A Sobel kernel whose negative responses are cut off, as a ReLU would, gives an
# edge feature map ($28\times 28 \to 26\times 26$); max pooling halves it
# ($13\times 13$). The change between the maps of the digit and of the shifted
# digit is measured as in the lesson, $\lVert f - g \rVert / \lVert f \rVert$ (0 for
# identical maps).

# %%
SOBEL = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def edges(image: np.ndarray) -> np.ndarray:
    """Positive part of the Sobel response (dark-to-bright, left to right); 28x28 -> 26x26."""
    return np.maximum(correlate2d(image, SOBEL, mode="valid"), 0)


def change(f: np.ndarray, g: np.ndarray) -> float:
    """The lesson's measure of how far apart two feature maps are: 0 for identical maps."""
    return float(np.linalg.norm(f - g) / np.linalg.norm(f))


shifted = np.roll(digit, 1, axis=1)  # one pixel to the right
f, g = edges(digit), edges(shifted)
before, after = change(f, g), change(pool(f), pool(g))
print(f"edge maps   {f.shape[0]}x{f.shape[1]}: change {before:.2f}")
print(f"pooled maps {pool(f).shape[0]}x{pool(f).shape[1]}: change {after:.2f}")
print(f"max pooling reduced the change by {1 - after / before:.0%}")

# %% [markdown]
# ## The figure
#
# Panel (a) prints the numbers in the cells; the thick lines mark the pooling
# windows. Panel (b) is a 2×3 grid: digit, edge map, pooled map, for the
# original (top) and the shifted digit (bottom). Each kind of map shares one
# colour scale across both rows, so equal values look equal.


# %% tags=["fold"]
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
save_figure(plot(digit), args.out / "pooling.png", dpi=110, bbox_inches="tight")
