# %% [markdown]
# # Activation functions and their derivatives
#
# Plot the sigmoid, tanh and ReLU (top row) and their derivatives (bottom row)
# and save the figure as `assets/figures/activations.png`.
#
# The derivatives are the formulas of the activations lesson,
# σ'(z) = σ(z)(1 − σ(z)), tanh'(z) = 1 − tanh²(z) and ReLU'(z) = 1 for z > 0,
# 0 for z < 0. A dashed line marks 0.25, the largest value of σ': the factor
# behind vanishing gradients. Only NumPy and matplotlib are needed.
# Run it with `python examples/activations.py --help`.

# %%
"""Plot sigmoid, tanh and ReLU with their derivatives and save the figure activations.png."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only; no window needed
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from common import FIGURES, ArgumentParser, save_figure

# %% [markdown]
# ## The functions
#
# Each entry: the activation, its derivative, and the y-range of each plot.


# %%
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


Curve = Callable[[np.ndarray], np.ndarray]
ACTIVATIONS: list[tuple[Curve, Curve, tuple[float, float], tuple[float, float]]] = [
    (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z)), (-0.1, 1.1), (-0.03, 0.34)),
    (np.tanh, lambda z: 1 - np.tanh(z) ** 2, (-1.2, 1.2), (-0.1, 1.15)),
    (lambda z: np.maximum(0, z), lambda z: (z > 0).astype(float), (-0.5, 6.2), (-0.1, 1.15)),
]


# %% [markdown]
# ## The figure
#
# Two rows of three panels, (a)–(c) the functions and (d)–(f) the derivatives
# directly below them. No words: the lesson's caption names the panels.


# %%
def plot(limit: float = 6.0) -> Figure:
    """Top row: sigmoid, tanh, ReLU on [-limit, limit]; bottom row: their derivatives."""
    z = np.linspace(-limit, limit, 601)
    fig, axes = plt.subplots(2, 3, figsize=(7.5, 4.6), sharex=True)
    for col, (f, df, f_range, df_range) in enumerate(ACTIVATIONS):
        top, bottom = axes[0, col], axes[1, col]
        top.plot(z, f(z), color="tab:blue", lw=2)
        top.set_ylim(*f_range)
        if col == 2:  # draw ReLU's derivative as two pieces: no vertical line at the jump
            bottom.plot(z[z < 0], df(z[z < 0]), color="tab:orange", lw=2)
            bottom.plot(z[z > 0], df(z[z > 0]), color="tab:orange", lw=2)
        else:
            bottom.plot(z, df(z), color="tab:orange", lw=2)
        bottom.set_ylim(*df_range)
        for ax in (top, bottom):
            ax.axhline(0, color="0.6", lw=0.8)
            ax.axvline(0, color="0.6", lw=0.8)
            ax.grid(alpha=0.3)
    axes[1, 0].axhline(0.25, color="k", lw=1, ls="--")
    axes[1, 0].set_yticks([0, 0.1, 0.25])
    for letter, ax in zip("abcdef", axes.flat, strict=True):
        ax.text(0.03, 0.95, f"({letter})", transform=ax.transAxes, ha="left", va="top", fontsize=10)
    fig.tight_layout()
    return fig


# %%
def main(argv: list[str] | None = None) -> dict[str, str]:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=FIGURES, help="folder for activations.png (default: %(default)s)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    path = save_figure(plot(), args.out / "activations.png", dpi=110)
    print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    return {"figure": str(path)}


# %%
if __name__ == "__main__":
    main([] if "ipykernel" in sys.modules else None)
