# %% [markdown]
# # Padding modes: FULL, SAME and VALID
#
# Convolve the 5×5 image of the convolution lesson with its 3×3 kernel under
# the three classic padding modes and draw, for each one, the zero-padded input
# and the output grid with every number written in its cell. The result is
# saved as `assets/figures/padding_modes.png`.
#
# A $k\times k$ kernel needs $k-1$ zeros on each side for FULL, $(k-1)/2$ for
# SAME and none for VALID; the outputs are then $n+k-1$, $n$ and $n-k+1$ on a
# side. The script uses true convolution (`scipy.signal.convolve2d`, kernel
# flipped), like the convolution lesson. Run it with
# `python examples/padding_stride.py --help`.

# %%
"""Draw the zero padding and the output of FULL, SAME and VALID convolution; save padding_modes.png."""

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
from matplotlib.patches import FancyArrowPatch, Rectangle
from scipy.signal import convolve2d

from common import FIGURES, ArgumentParser, save_figure

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


# %% [markdown]
# ## The figure
#
# One panel per mode, drawn at the same scale so the sizes can be compared.
# Top: the padded input, the original pixels shaded blue and the added zeros
# light grey; the thick frame is the original 5×5 image and the orange frame
# the kernel's first position. Bottom: the output, coloured by sign (red
# negative, blue positive); its orange cell is the value computed at that first
# position.

# %%
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
def main(argv: list[str] | None = None) -> dict[str, str]:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=FIGURES, help="folder for padding_modes.png (default: %(default)s)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    modes = padding_modes(IMAGE, KERNEL)
    path = save_figure(plot(modes, KERNEL.shape[0]), args.out / "padding_modes.png", dpi=110, bbox_inches="tight")
    print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    return {"figure": str(path)}


# %%
if __name__ == "__main__":
    main([] if "ipykernel" in sys.modules else None)
