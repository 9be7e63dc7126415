# %% [markdown]
# # Classic kernels on a photograph
#
# Convolve a real photograph with four 3×3 kernels — edge detection, sharpening,
# box blur and the diagonal-edge kernel from the convolution lesson — and save
# the results side by side as `assets/figures/conv_kernels.png`.
#
# The photograph is Grace Hopper's portrait that ships inside matplotlib
# (`matplotlib.cbook.get_sample_data`), so nothing is downloaded and OpenCV is
# not needed. Run it with `python examples/conv_kernels.py --help`.

# %%
"""Convolve a photograph with classic 3x3 kernels and save the figure conv_kernels.png."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only; no window needed
import matplotlib.cbook as cbook
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image
from scipy.signal import convolve2d

from common import FIGURES, ArgumentParser, atomic_path, save_figure

# %% [markdown]
# ## The kernels
#
# Each kernel is written as it is applied by *true* convolution
# (`scipy.signal.convolve2d` flips it by 180° first). The panel titles in the
# figure print the matrices, so the figure needs no translation.

# %%
KERNELS: dict[str, np.ndarray] = {
    "edge": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "blur": np.ones((3, 3)) / 9,
    "lesson": np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]]),
}


def load_photo(size: int = 256) -> np.ndarray:
    """Grace Hopper's portrait from matplotlib's sample data, as a grey image in [0, 255]."""
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = plt.imread(f).astype(float)
    grey = rgb @ np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 luma
    step = max(1, min(grey.shape) // size)
    return grey[::step, ::step]


def apply_kernels(image: np.ndarray) -> dict[str, np.ndarray]:
    """Convolve `image` with every kernel; same-size output, edges mirrored."""
    return {name: convolve2d(image, k, mode="same", boundary="symm") for name, k in KERNELS.items()}


# %% [markdown]
# ## The figure
#
# Edge-like outputs are signed, so they are shown as magnitudes; blur and
# sharpen keep the 0–255 range of the photograph.


# %%
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


def save_grey(fig: Figure, target: Path) -> Path:
    """Save the figure as an 8-bit greyscale PNG: every pixel is grey, so it loses nothing and is half the size.

    80 dpi keeps the photographs at about their own resolution (256 pixels) and the lesson page light.
    """
    path = save_figure(fig, target, dpi=80, bbox_inches="tight")
    with Image.open(path) as rgba, atomic_path(path) as tmp:
        rgba.convert("L").save(tmp, format="PNG", optimize=True)
    return path


# %%
def main(argv: list[str] | None = None) -> dict[str, str]:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=FIGURES, help="folder for conv_kernels.png (default: %(default)s)")
    parser.add_argument("--size", type=int, default=256, help="approximate image side in pixels (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.size < 16:
        parser.error("--size must be at least 16")
    start = time.perf_counter()
    image = load_photo(args.size)
    path = save_grey(plot(image, apply_kernels(image)), args.out / "conv_kernels.png")
    print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    return {"figure": str(path)}


# %%
if __name__ == "__main__":
    main([] if "ipykernel" in sys.modules else None)
