# %% [markdown]
# # MLP vs CNN on MNIST
#
# A multilayer perceptron (only dense layers) and LeNet-5 are trained with the
# same recipe on the same data. Then both are trained again on digits whose
# pixels have been shuffled by one fixed permutation: the MLP does not notice,
# the CNN does. That is what "a CNN uses the spatial structure" means.
#
# ```
# python examples/mlp_vs_cnn.py            # four trainings of 3 epochs each
# python examples/mlp_vs_cnn.py --help
# ```
#
# Needs `common.py` and `lenet_mnist.py` from the same folder. Writes the figure
# `mlp_vs_cnn_permuted.png` into `--out` and, with `--results PATH`, the numbers
# as JSON. The last line printed is the same JSON.

# %%
"""Train an MLP and LeNet-5 on MNIST, with and without shuffled pixels, and compare."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only; no window needed
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from common import ROOT, ArgumentParser, UsageError, atomic_path, fail, import_keras, load_mnist, save_figure
from lenet_mnist import PRESETS, prepare, train

keras = import_keras()  # `import keras`, minus TensorFlow's start-up chatter on stderr
layers = keras.layers

DEFAULT_OUT = ROOT / "runs" / "mlp_vs_cnn"


# %% [markdown]
# ## The MLP
#
# Two hidden layers of 512 units, the shape of Keras's classic `mnist_mlp.py`
# example. The image is flattened first, so the model sees 784 numbers with no
# notion of which pixels are neighbours.


# %%
def build_mlp() -> keras.Sequential:
    """784 -> 512 -> 512 -> 10, ReLU and softmax."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(name="flatten"),
            layers.Dense(512, activation="relu", name="fc1"),
            layers.Dense(512, activation="relu", name="fc2"),
            layers.Dense(10, activation="softmax", name="output"),
        ],
        name="mlp",
    )


def permute_pixels(x: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """Apply one fixed shuffle of the 784 pixel positions to every image."""
    return x.reshape(len(x), -1)[:, permutation].reshape(x.shape)


# %%
def plot_permutation(x: np.ndarray, permutation: np.ndarray, count: int = 6) -> Figure:
    """Top row: digits; bottom row: the same digits with shuffled pixels."""
    fig, axes = plt.subplots(2, count, figsize=(count * 1.2, 2.6))
    shuffled = permute_pixels(x[:count], permutation)
    for i in range(count):
        axes[0, i].imshow(x[i], cmap="gray_r")
        axes[1, i].imshow(shuffled[i], cmap="gray_r")
    for ax in axes.ravel():
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def evaluate(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    return float(model.evaluate(*prepare(x, y), batch_size=1000, verbose=0)[1])


def compare(data: tuple, seed: int = 0, smoke: bool = False) -> dict:
    """Accuracy and parameters of both models, on plain and on pixel-shuffled digits."""
    config = replace(PRESETS["default"], epochs=1) if smoke else PRESETS["default"]
    (x_train, y_train), (x_test, y_test) = data
    if smoke:
        x_test, y_test = x_test[:500], y_test[:500]
    permutation = np.random.default_rng(seed).permutation(28 * 28)
    shuffled = ((permute_pixels(x_train, permutation), y_train), (x_test, y_test))
    results = {}
    for name, build in (("mlp", build_mlp), ("lenet5", None)):
        model, _, seconds = train(config, data, seed=seed, smoke=smoke, build=build)
        shuffled_model, _, _ = train(config, shuffled, seed=seed, smoke=smoke, build=build)
        results[name] = {
            "params": model.count_params(),
            "test_accuracy": round(evaluate(model, x_test, y_test), 4),
            "shuffled_test_accuracy": round(evaluate(shuffled_model, permute_pixels(x_test, permutation), y_test), 4),
            "train_seconds": round(seconds, 2),
        }
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    return {"epochs": config.epochs, "smoke": smoke, "seed": seed, "models": results}


# %%
def main(argv: list[str] | None = None) -> dict:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, help="path to mnist.npz (default: look in the usual places)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the figure (default: %(default)s)")
    parser.add_argument("--results", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--smoke", action="store_true", help="tiny subset and 1 epoch: checks the pipeline in seconds")
    args = parser.parse_args(argv)
    try:
        data = load_mnist(args.data)
    except UsageError as exc:
        fail(str(exc))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot use {args.out} as an output folder ({exc.strerror})")
    summary = compare(data, seed=args.seed, smoke=args.smoke)
    permutation = np.random.default_rng(args.seed).permutation(28 * 28)
    save_figure(plot_permutation(data[1][0], permutation), args.out / "mlp_vs_cnn_permuted.png", dpi=110)
    if args.results:
        with atomic_path(args.results) as tmp:
            tmp.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary), flush=True)
    return summary


# %%
if __name__ == "__main__":
    main([] if "ipykernel" in sys.modules else None)
