# %% [markdown]
# # Classic kernels on a photograph
#
# Convolve a photograph with four classic 3×3 kernels (edges, sharpening, blur, the lesson's diagonal) side by side.
#
# The photograph is Grace Hopper's portrait that ships inside matplotlib
# (`matplotlib.cbook.get_sample_data`), so nothing is downloaded and OpenCV is
# not needed. Run it with `python conv_kernels.py --help`; by default it writes `outputs/conv_kernels.png`.

# %%
"""Convolve a photograph with classic 3x3 kernels and save the figure conv_kernels.png."""

from __future__ import annotations

import argparse
import io
import os
import shlex
import sys
from pathlib import Path
from typing import Any, NoReturn

import matplotlib

matplotlib.use("Agg")  # write files; a notebook shows the saved PNG
import matplotlib.cbook as cbook
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image
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


# %% [markdown]
# ## Settings
#
# `--out` names the folder the figure goes to; it is created if needed. `--size`
# is the photograph's approximate side in pixels once it is scaled down.

# %%
parser = ArgumentParser(description=__doc__)
parser.add_argument("--out", type=Path, default=Path("outputs"), help="folder for the figure (default: %(default)s)")
parser.add_argument("--size", type=int, default=256, help="approximate image side in pixels (default: %(default)s)")
parser.add_argument("--smoke", action="store_true", help="a quick check of the whole script (it is always quick)")
args = parser.parse_example_args()
if args.size < 16:
    parser.error("--size must be at least 16")

# %% [markdown]
# ## The photograph
#
# The colour portrait becomes one grey channel with the ITU-R BT.601 luma
# weights, then keeps every `step`-th pixel so that its shorter side is about `--size`.


# %%
def load_photo(size: int = 256) -> np.ndarray:
    """Grace Hopper's portrait from matplotlib's sample data, as a grey image in [0, 255]."""
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = plt.imread(f).astype(float)
    grey = rgb @ np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 luma
    step = max(1, min(grey.shape) // size)
    return grey[::step, ::step]


image = load_photo(args.size)
print(f"photograph {image.shape[0]}x{image.shape[1]} pixels, values {image.min():.0f} to {image.max():.0f}")

# %% [markdown]
# ## The kernels
#
# Each kernel is written as it is applied by *true* convolution
# (`scipy.signal.convolve2d` flips it by 180° first); the output keeps the
# photograph's size, with its edges mirrored. A kernel whose weights sum to 0
# (edge, lesson) gives 0 on flat regions and signed values at changes of
# brightness; one whose weights sum to 1 (sharpen, blur) keeps the grey level of flat regions.

# %%
KERNELS: dict[str, np.ndarray] = {
    "edge": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "blur": np.ones((3, 3)) / 9,
    "lesson": np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]]),
}


def apply_kernels(image: np.ndarray) -> dict[str, np.ndarray]:
    """Convolve `image` with every kernel; same-size output, edges mirrored."""
    return {name: convolve2d(image, k, mode="same", boundary="symm") for name, k in KERNELS.items()}


results = apply_kernels(image)
for name, out in results.items():
    print(f"{name:8} weights sum to {KERNELS[name].sum():g}; output from {out.min():7.1f} to {out.max():7.1f}")

# %% [markdown]
# ## The figure
#
# Panel (a) is the photograph, (b)–(e) one per kernel, each titled with the
# kernel's numbers, so the figure needs no translation. Edge-like outputs are
# signed, so they are shown as magnitudes; blur and sharpen keep the 0–255 range
# of the photograph. Every pixel is grey, so the PNG is stored with one 8-bit
# channel: nothing is lost and the file is half the size. 80 dpi keeps the
# photographs at about their own resolution and the lesson page light.


# %% tags=["fold"]
def kernel_label(kernel: np.ndarray) -> str:
    return np.array2string(kernel, precision=2, suppress_small=True)


def plot(image: np.ndarray, results: dict[str, np.ndarray]) -> Figure:
    """Panel (a) is the photograph; (b)-(e) one per kernel, titled with the kernel's numbers."""
    fig, axes = plt.subplots(1, len(results) + 1, figsize=(3.0 * (len(results) + 1), 3.6))
    axes[0].imshow(image, cmap="gray", vmin=0, vmax=255)
    for ax, (name, out) in zip(axes[1:], results.items(), strict=True):
        shown = np.abs(out) if name in ("edge", "lesson") else np.clip(out, 0, 255)
        ax.imshow(shown, cmap="gray", vmin=0, vmax=np.percentile(shown, 99.5) if name in ("edge", "lesson") else 255)
        ax.set_title(kernel_label(KERNELS[name]), fontsize=9, family="monospace")
    for letter, ax in zip("abcde", axes, strict=True):
        ax.set_axis_off()
        ax.text(0.5, -0.04, f"({letter})", transform=ax.transAxes, ha="center", va="top", fontsize=10)
    fig.tight_layout()
    return fig


def save_grey_figure(fig: Figure, path: Path, **kwargs: Any) -> None:
    """Like the other examples' save_figure, but as an 8-bit greyscale PNG: every pixel here is grey."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **kwargs)
    plt.close(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    Image.open(buffer).convert("L").save(partial, format="PNG", optimize=True)
    os.replace(partial, path)
    if IN_NOTEBOOK:
        from IPython.display import Image as Picture
        from IPython.display import display

        display(Picture(filename=path))
    print(f"wrote {path}")


# %%
save_grey_figure(plot(image, results), args.out / "conv_kernels.png", dpi=80, bbox_inches="tight")
