# %% [markdown]
# # Gradient descent and a learned kernel
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
# Both run in well under a second with NumPy alone. Run it with
# `python examples/learning.py --help`.

# %%
"""Train softmax regression and a 3x3 kernel by gradient descent; save gradient_descent.png and learned_kernel.png."""

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
from numpy.lib.stride_tricks import sliding_window_view

from common import FIGURES, ArgumentParser, save_figure

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


# %% [markdown]
# ## The figures
#
# No words in the figures: axes carry symbols only ($x_1$, $x_2$, the step $t$
# and the loss $L$), so the English and Chinese pages share them.


# %%
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
def main(argv: list[str] | None = None) -> dict[str, str]:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=FIGURES, help="folder for the two figures (default: %(default)s)")
    args = parser.parse_args(argv)
    written = {}

    start = time.perf_counter()
    x, labels = make_blobs()
    w, b, losses = train_softmax_regression(x, labels)
    path = save_figure(plot_gradient_descent(x, labels, w, b, losses), args.out / "gradient_descent.png", dpi=110)
    print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    written["gradient_descent"] = str(path)

    start = time.perf_counter()
    initial, learned, losses = learn_kernel(SOBEL)
    path = save_figure(plot_learned_kernel(SOBEL, initial, learned, losses), args.out / "learned_kernel.png", dpi=110)
    print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    written["learned_kernel"] = str(path)
    return written


# %%
if __name__ == "__main__":
    main([] if "ipykernel" in sys.modules else None)
