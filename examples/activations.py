# %% [markdown]
# # Activation functions and their derivatives
#
# Plot sigmoid, tanh and ReLU with their derivatives, and see why sigmoid's gradient vanishes.
#
# The derivatives are the formulas of the activations lesson,
# σ'(z) = σ(z)(1 − σ(z)), tanh'(z) = 1 − tanh²(z) and ReLU'(z) = 1 for z > 0,
# 0 for z < 0. Only NumPy and matplotlib are needed. Run it with
# `python activations.py --help`; by default it writes `outputs/activations.png`.

# %%
"""Plot sigmoid, tanh and ReLU with their derivatives and save the figure activations.png."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import matplotlib

matplotlib.use("Agg")  # write files; a notebook shows the saved PNG
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

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
# ## The functions
#
# Each entry: the activation, its derivative, and the y-range of each plot.


# %%
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


Curve = Callable[[np.ndarray], np.ndarray]
ACTIVATIONS: dict[str, tuple[Curve, Curve, tuple[float, float], tuple[float, float]]] = {
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z)), (-0.1, 1.1), (-0.03, 0.34)),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2, (-1.2, 1.2), (-0.1, 1.15)),
    "relu": (lambda z: np.maximum(0, z), lambda z: (z > 0).astype(float), (-0.5, 6.2), (-0.1, 1.15)),
}

# %% [markdown]
# The largest slope of each function, read off a fine grid. Sigmoid's is 0.25: backpropagation multiplies one such
# factor per layer, so through ten sigmoid layers a gradient shrinks by at least a factor of 4¹⁰, about a million.

# %%
z = np.linspace(-6, 6, 1201)
for name, (_, df, _, _) in ACTIVATIONS.items():
    print(f"{name:8} largest derivative {df(z).max():.3f} at z = {z[df(z).argmax()]:+.2f}")

# %% [markdown]
# ## The figure
#
# Two rows of three panels, (a)–(c) the functions and (d)–(f) the derivatives
# directly below them. No words: the lesson's caption names the panels. A dashed
# line marks 0.25, the largest value of σ'.


# %% tags=["fold"]
def plot(limit: float = 6.0) -> Figure:
    """Top row: sigmoid, tanh, ReLU on [-limit, limit]; bottom row: their derivatives."""
    z = np.linspace(-limit, limit, 601)
    fig, axes = plt.subplots(2, 3, figsize=(7.5, 4.6), sharex=True)
    for col, (f, df, f_range, df_range) in enumerate(ACTIVATIONS.values()):
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
save_figure(plot(), args.out / "activations.png", dpi=110)
