# %% [markdown]
# # Padding modes: FULL, SAME and VALID
#
# Convolve a 5×5 image under the three classic padding modes and draw each zero-padded input with its output grid.
#
# The image and the 3×3 kernel are those of the convolution lesson. A
# $k\times k$ kernel needs $k-1$ zeros on each side for FULL, $(k-1)/2$ for
# SAME and none for VALID; the outputs are then $n+k-1$, $n$ and $n-k+1$ on a
# side. The script uses true convolution (`scipy.signal.convolve2d`, kernel
# flipped), like the convolution lesson. Run it with
# `python padding_stride.py --help`; by default it writes `outputs/padding_modes.png`.

# %%
"""Draw the zero padding and the output of FULL, SAME and VALID convolution; save padding_modes.png."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import Any, NoReturn

import matplotlib

matplotlib.use("Agg")  # write files; a notebook shows the saved PNG
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from scipy.signal import convolve2d

# %% tags=["fold"]
# Helpers every example carries, so that it runs alone wherever it is saved.
IN_NOTEBOOK = "ipykernel" in sys.modules


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2; in a notebook it reads $EXAMPLE_ARGS."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    def parse_example_args(self) -> argparse.Namespace:
        """The command line's arguments, or in a notebook those in the EXAMPLE_ARGS variable."""
        return self.parse_args(shlex.split(os.environ.get("EXAMPLE_ARGS", "")) if IN_NOTEBOOK else None)


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


# %% [markdown]
# ## Settings
#
# `--out` names the folder the figure goes to; it is created if needed.

# %%
parser = ArgumentParser(description=__doc__)
parser.add_argument("--out", type=Path, default=Path("outputs"), help="folder for the figure (default: %(default)s)")
parser.add_argument("--smoke", action="store_true", help="a quick check of the whole script (it is always quick)")
args = parser.parse_example_args()

# %% [markdown]
# ## The data
#
# The image is bright (10) at the border and darker (5) inside; the kernel
# responds to brightness that changes along the diagonal. Both come from the
# convolution lesson.

# %%
IMAGE = np.array(
    [
        [10, 10, 10, 10, 10],
        [10, 5, 5, 5, 10],
        [10, 5, 5, 5, 10],
        [10, 5, 5, 5, 10],
        [10, 10, 10, 10, 10],
    ]
)
KERNEL = np.array(
    [
        [-1, -1, 0],
        [-1, 0, 1],
        [0, 1, 1],
    ]
)

print(f"image {IMAGE.shape[0]}x{IMAGE.shape[1]}, kernel {KERNEL.shape[0]}x{KERNEL.shape[1]}")

# %% [markdown]
# ## Three padding modes
#
# For each mode: pad the image with zeros, then slide the kernel over every
# position where it fits entirely (a VALID convolution of the padded image).
# SciPy's own `mode=` must give the same output, and the output side must be
# $n + 2p - k + 1$ for $p$ zeros on each side.


# %%
def zeros_per_side(mode: str, k: int) -> int:
    """Zero rows (and columns) added on each side for a k x k kernel, k odd, stride 1."""
    return {"full": k - 1, "same": (k - 1) // 2, "valid": 0}[mode]


def padding_modes(image: np.ndarray, kernel: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray, int]]:
    """For each mode: (zero-padded input, output, zeros per side).

    The output is computed twice, by SciPy's mode and by an explicit zero pad
    followed by a VALID convolution, and the two must agree.
    """
    k = kernel.shape[0]
    result = {}
    for mode in ("full", "same", "valid"):
        p = zeros_per_side(mode, k)
        padded = np.pad(image, p)
        out = convolve2d(image, kernel, mode=mode)
        assert np.array_equal(out, convolve2d(padded, kernel, mode="valid"))
        assert out.shape[0] == image.shape[0] + 2 * p - k + 1
        result[mode] = (padded, out, p)
    return result


modes = padding_modes(IMAGE, KERNEL)
for mode, (padded, out, p) in modes.items():
    zeros = f"{p} zero{'s' if p != 1 else ''} per side"
    m, o = padded.shape[0], out.shape[0]  # all square
    print(f"{mode.upper()}: {zeros}, padded input {m}x{m}, output {o}x{o}")
    print(out, end="\n\n")

# %% [markdown]
# The VALID output is the centre of the SAME output, which is the centre of the
# FULL output; the values along the border of FULL and SAME come from windows
# that overlap the zeros.


# %%
def centre(a: np.ndarray, side: int) -> np.ndarray:
    """The central side x side block of a square array."""
    cut = (a.shape[0] - side) // 2
    return a[cut : cut + side, cut : cut + side]


for inner, outer in (("valid", "same"), ("same", "full")):
    inner_out, outer_out = modes[inner][1], modes[outer][1]
    equal = np.array_equal(centre(outer_out, inner_out.shape[0]), inner_out)
    print(f"{inner.upper()} equals the centre of {outer.upper()}: {equal}")

# %% [markdown]
# ## The figure
#
# One panel per mode, drawn at the same scale so the sizes can be compared.
# Top: the padded input, the original pixels shaded blue and the added zeros
# light grey; the thick frame is the original 5×5 image and the orange frame
# the kernel's first position. Bottom: the output, coloured by sign (red
# negative, blue positive); its orange cell is the value computed at that first
# position.


# %% tags=["fold"]
PIXEL_FILL, ZERO_FILL, ZERO_TEXT, HIGHLIGHT = "#cfe0f3", "#f3f3f3", "#b5b5b5", "#e07b00"


def draw_grid(ax: Axes, values: np.ndarray, x0: float, y0: float, fills: list[list], colours: list[list]) -> None:
    """Draw `values` as a grid of unit cells with its top-left corner at (x0, y0); y grows downwards."""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((x0 + j, y0 + i), 1, 1, facecolor=fills[i][j], edgecolor="#888888", lw=0.6))
            ax.text(
                x0 + j + 0.5,
                y0 + i + 0.5,
                f"{values[i, j]:g}",
                ha="center",
                va="center",
                fontsize=7.5,
                color=colours[i][j],
            )


def frame(ax: Axes, x: float, y: float, size: float, colour: str, lw: float) -> None:
    ax.add_patch(Rectangle((x, y), size, size, fill=False, edgecolor=colour, lw=lw, zorder=3))


def plot(modes: dict[str, tuple[np.ndarray, np.ndarray, int]], k: int) -> Figure:
    """Panels (a) FULL, (b) SAME, (c) VALID: padded input on top, output below."""
    width = max(padded.shape[0] for padded, _, _ in modes.values())
    gap = 2.0
    height = width + gap + max(out.shape[0] for _, out, _ in modes.values())
    limit = max(np.abs(out).max() for _, out, _ in modes.values())
    cmap = plt.get_cmap("RdBu")
    fig, axes = plt.subplots(1, len(modes), figsize=(3.1 * len(modes), 3.1 * height / width + 0.3))
    for letter, ax, (padded, out, p) in zip("abc", axes, modes.values(), strict=True):
        m, o = padded.shape[0], out.shape[0]
        n = m - 2 * p
        xi, xo = (width - m) / 2, (width - o) / 2
        yi = (width - m) / 2  # centred in the input band
        yo = width + gap
        original = np.zeros_like(padded, dtype=bool)
        original[p : p + n, p : p + n] = True
        fills = [[PIXEL_FILL if original[i, j] else ZERO_FILL for j in range(m)] for i in range(m)]
        colours = [["black" if original[i, j] else ZERO_TEXT for j in range(m)] for i in range(m)]
        draw_grid(ax, padded, xi, yi, fills, colours)
        frame(ax, xi + p, yi + p, n, "black", 1.8)
        frame(ax, xi, yi, k, HIGHLIGHT, 2.2)
        out_fills = [[cmap(0.5 + 0.3 * out[i, j] / limit) for j in range(o)] for i in range(o)]
        draw_grid(ax, out, xo, yo, out_fills, [["black"] * o for _ in range(o)])
        frame(ax, xo, yo, 1, HIGHLIGHT, 2.2)
        ax.add_patch(
            FancyArrowPatch(
                (width / 2, yi + m + 0.3),
                (width / 2, yo - 0.3),
                arrowstyle="-|>",
                mutation_scale=14,
                color="#555555",
                lw=1.2,
            )
        )
        ax.set_xlim(-0.2, width + 0.2)
        ax.set_ylim(height + 0.2, -0.2)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.text(0.5, -0.02, f"({letter})", transform=ax.transAxes, ha="center", va="top", fontsize=11)
    fig.tight_layout(w_pad=1.5)
    return fig


# %%
save_figure(plot(modes, KERNEL.shape[0]), args.out / "padding_modes.png", dpi=110, bbox_inches="tight")
