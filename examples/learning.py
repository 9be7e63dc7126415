# %% [markdown]
# # Gradient descent and a learned kernel
#
# Train softmax regression and a 3×3 convolution kernel by plain gradient descent in NumPy, and watch the loss fall.
#
# Two small experiments from the lesson on fully connected layers, softmax and
# learning, each saved as a figure:
#
# - `gradient_descent.png`: softmax regression on a synthetic two-dimensional
#   dataset with three classes, trained by plain gradient descent in NumPy.
#   Panel (a) shows the data and the regions the trained model assigns to each
#   class, panel (b) the loss after every step.
# - `learned_kernel.png`: one 3×3 convolution kernel, started from random
#   numbers and trained by gradient descent until its output on random images
#   matches the output of the Sobel kernel. Panels (a)–(c) show the target, the
#   initial and the learned kernel, panel (d) the loss (log scale).
#
# Both run in well under a second with NumPy alone. The numbers behind the
# figures (the losses, the accuracy, the kernels) go to `learning.json`. Run it
# with `python learning.py --help`; by default it writes into `outputs/`.

# %%
"""Train softmax regression and a 3x3 kernel by gradient descent; save gradient_descent.png and learned_kernel.png."""

from __future__ import annotations

import argparse
import json
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
from numpy.lib.stride_tricks import sliding_window_view

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


def save_json(data: object, path: Path) -> None:
    """Write `data` to `path` as indented JSON, whole (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    print(f"wrote {path}")


# %% [markdown]
# ## Settings
#
# `--out` names the folder the two figures and `learning.json` go to; it is created if needed.

# %%
parser = ArgumentParser(description=__doc__)
parser.add_argument("--out", type=Path, default=Path("outputs"), help="folder for the figures (default: %(default)s)")
parser.add_argument("--smoke", action="store_true", help="a quick check of the whole script (it is always quick)")
args = parser.parse_example_args()

# %% [markdown]
# ## Softmax regression by gradient descent
#
# The same data, model and learning rate as the snippet in the lesson: 150
# points around three centres, a weight matrix $W$ ($2\times 3$) and a bias $b$,
# both started at zero. The gradient of the mean cross-entropy with respect to
# the scores is $(p - y)/N$; the chain rule through $z = xW + b$ gives the
# gradients of $W$ and $b$.

# %%
CENTRES = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])


def make_blobs(seed: int = 0, per_class: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Points around three centres, unit spread: inputs (N, 2) and integer labels (N,)."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(CENTRES)), per_class)
    return CENTRES[labels] + rng.standard_normal((len(labels), 2)), labels


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, with the row maximum subtracted first so that exp never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def train_softmax_regression(
    x: np.ndarray, labels: np.ndarray, steps: int = 100, lr: float = 0.5
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Full-batch gradient descent on the mean cross-entropy; returns W, b and the loss before every step."""
    y = np.eye(len(CENTRES))[labels]
    w, b = np.zeros((x.shape[1], y.shape[1])), np.zeros(y.shape[1])
    losses = []
    for _ in range(steps):
        p = softmax(x @ w + b)
        losses.append(float(-np.mean(np.sum(y * np.log(p), axis=1))))
        grad_z = (p - y) / len(x)
        w -= lr * x.T @ grad_z
        b -= lr * grad_z.sum(axis=0)
    return w, b, losses


x, labels = make_blobs()
w, b, losses = train_softmax_regression(x, labels)
accuracy = float(np.mean(np.argmax(x @ w + b, axis=1) == labels))
for step in range(0, len(losses), 20):
    print(f"step {step:3}: loss {losses[step]:.3f}")
print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, accuracy {accuracy:.2f}")

# %% [markdown]
# The loss starts at $\log 3$: with all weights zero each class has probability
# $1/3$. It falls quickly, then slowly; the few points on the wrong side of a
# boundary keep it above 0. In the figure the dotted line marks $\log 3$. No
# words in the figures: axes carry symbols only ($x_1$, $x_2$, the step $t$ and
# the loss $L$), so the English and Chinese pages share them.


# %% tags=["fold"]
def label_panels(axes: list[Axes]) -> None:
    for letter, ax in zip("abcd", axes, strict=False):
        ax.set_title(f"({letter})", fontsize=10)


def plot_gradient_descent(
    x: np.ndarray, labels: np.ndarray, w: np.ndarray, b: np.ndarray, losses: list[float]
) -> Figure:
    """(a) the data over the predicted class regions; (b) the loss curve."""
    fig, (ax_data, ax_loss) = plt.subplots(1, 2, figsize=(7.6, 3.4))
    colours = np.array(["#1f77b4", "#ff7f0e", "#2ca02c"])
    g1, g2 = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-4.5, 5.5, 200))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    regions = np.argmax(grid @ w + b, axis=1).reshape(g1.shape)
    ax_data.contourf(g1, g2, regions, levels=[-0.5, 0.5, 1.5, 2.5], colors=colours, alpha=0.18)
    ax_data.scatter(x[:, 0], x[:, 1], c=colours[labels], s=12, edgecolors="white", linewidths=0.4)
    ax_data.set_xlabel("$x_1$")
    ax_data.set_ylabel("$x_2$")
    ax_data.set_aspect("equal")
    ax_loss.plot(np.arange(len(losses)), losses, color="#333333")
    ax_loss.axhline(np.log(3), color="#999999", linestyle=":", linewidth=1)
    ax_loss.set_xlabel("$t$")
    ax_loss.set_ylabel("$L$")
    ax_loss.set_ylim(0, 1.2)
    label_panels([ax_data, ax_loss])
    fig.tight_layout()
    return fig


# %%
save_figure(plot_gradient_descent(x, labels, w, b, losses), args.out / "gradient_descent.png", dpi=110)

# %% [markdown]
# ## A kernel learned from examples
#
# The target is the output of the Sobel kernel applied by cross-correlation, as
# `Conv2D` does. The model is a single 3×3 kernel $w$; the loss is the mean
# squared difference between its output and the target. Every output pixel is
# a dot product of $w$ with a 3×3 patch, so the gradient is the average of the
# patches weighted by the errors.

# %%
SOBEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def correlate(images: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid cross-correlation of a batch of images (N, H, W) with one k×k kernel."""
    patches = sliding_window_view(images, kernel.shape, axis=(1, 2))
    return np.einsum("nijkl,kl->nij", patches, kernel)


def learn_kernel(
    target: np.ndarray, steps: int = 30, lr: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Gradient descent on one kernel; returns the initial kernel, the learned kernel and the losses."""
    rng = np.random.default_rng(seed)
    images = rng.standard_normal((8, 16, 16))
    wanted = correlate(images, target)
    patches = sliding_window_view(images, target.shape, axis=(1, 2))
    start = rng.standard_normal(target.shape)
    w = start.copy()
    losses = []
    for _ in range(steps):
        error = correlate(images, w) - wanted
        losses.append(float(np.mean(error**2)))
        w -= lr * 2 * np.einsum("nij,nijkl->kl", error, patches) / error.size
    return start, w, losses


initial, learned, kernel_losses = learn_kernel(SOBEL)
for step in range(0, len(kernel_losses), 5):
    print(f"step {step:2}: loss {kernel_losses[step]:.2e}")
print(f"after {len(kernel_losses)} steps, largest difference from the Sobel kernel {np.abs(learned - SOBEL).max():.1e}")
print(np.round(learned, 2) + 0.0)  # + 0.0 turns -0.0 into 0.0

# %% [markdown]
# The loss is a quadratic function of the kernel, so each step shrinks it by a
# nearly constant factor: on the logarithmic scale of panel (d) it falls along a
# nearly straight line.


# %% tags=["fold"]
def show_kernel(ax: Axes, kernel: np.ndarray) -> None:
    ax.imshow(kernel, cmap="RdBu_r", vmin=-2.5, vmax=2.5)
    for (i, j), value in np.ndenumerate(kernel):
        ax.text(j, i, f"{np.round(value, 2) + 0.0:.2f}", ha="center", va="center", fontsize=9, family="monospace")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_learned_kernel(target: np.ndarray, start: np.ndarray, learned: np.ndarray, losses: list[float]) -> Figure:
    """(a) target, (b) initial and (c) learned kernel as annotated grids; (d) loss on a log scale."""
    fig, axes = plt.subplots(1, 4, figsize=(10.0, 2.9), gridspec_kw={"width_ratios": [1, 1, 1, 1.5]})
    for ax, kernel in zip(axes[:3], (target, start, learned), strict=True):
        show_kernel(ax, kernel)
    axes[3].semilogy(np.arange(len(losses)), losses, color="#333333")
    axes[3].set_xlabel("$t$")
    axes[3].set_ylabel("$L$")
    label_panels(list(axes))
    fig.tight_layout()
    return fig


# %%
save_figure(plot_learned_kernel(SOBEL, initial, learned, kernel_losses), args.out / "learned_kernel.png", dpi=110)

# %% [markdown]
# ## The record
#
# The numbers behind both figures, for the tests that check what the lesson says about them.

# %%
record = {
    "softmax_regression": {"losses": losses, "accuracy": accuracy},
    "learned_kernel": {
        "target": SOBEL.tolist(),
        "initial": initial.tolist(),
        "learned": learned.tolist(),
        "losses": kernel_losses,
    },
}
save_json(record, args.out / "learning.json")
