# %% [markdown]
# # LeNet-5 on MNIST
#
# Train LeNet-5 on the MNIST digits with Keras, test it, save the model and draw the LeNet lesson's figures.
#
# LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998) is trained here in the modern
# form that Keras tutorials use (ReLU, max pooling, softmax) on the MNIST
# training digits, then evaluated once on the 10,000 test digits.
#
# ```
# python lenet_mnist.py                 # LeNet-5, 2 epochs; the LeNet lesson gives measured accuracy and time
# python lenet_mnist.py --preset seed   # the 2019 lesson's model and settings, for comparison
# python lenet_mnist.py --preset padded # the default with C1 padded, as the paper's 32×32 field
# python lenet_mnist.py --help
# ```
#
# MNIST is read from `--data PATH`, `$MNIST_PATH`, `mnist.npz`, `data/mnist.npz`,
# `../shared/data/mnist.npz` or Keras's cache, and downloaded into that cache
# only when none of those exists. Everything goes to the `--out` folder (default `outputs/`): the
# trained model `lenet.keras` (which `predict_digit.py` reads), the run's record
# `lenet.json` (settings, layers, per-epoch metrics, test accuracy, versions)
# and the five figures (or to `--figures DIR`).

# %%
"""Train LeNet-5 on MNIST with Keras; save the model, a JSON record of the run, and the figures."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shlex
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import matplotlib

matplotlib.use("Agg")  # write files; a notebook shows the saved PNGs
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

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


def write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Let `write` fill a temporary file beside `path`, then put it in place: never half a file at `path`."""
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")  # same suffix: writers choose the format by it
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Send what C and C++ code write to stderr (file descriptor 2) to /dev/null while the block runs.

    TensorFlow 2.21 prints start-up notices (CUDA absent, oneDNN on) there as it loads, whatever
    TF_CPP_MIN_LOG_LEVEL says; import it inside this block. Python's own errors still reach the terminal.
    """
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


# %% [markdown]
# ## Three configurations
#
# `default` is this course's recipe. `seed` reproduces the lesson this course
# started from: its model, Adam with the default learning rate, batch size 128,
# 2 epochs, and the test set used as validation data during training. `padded`
# is the default with C1's input padded to the paper's 32×32 field, for the
# LeNet lesson's timing table.
#
# The default trains the same network for the same 2 epochs, on 5,000 fewer
# images. What makes it more accurate, and no slower (the LeNet lesson's table
# gives both times and the machines they were measured on; the lesson "Training
# it well" measures each choice):
#
# - a learning rate that warms up for 10 % of the steps to 0.01 and then
#   follows a cosine down to zero, so 2 epochs are enough;
# - Adam's second-moment average over about the last 100 steps (`beta_2=0.99`)
#   instead of the last 1,000 (Keras's default 0.999), a long memory for a run
#   of 860 steps;
# - label smoothing of 0.05, which keeps the softmax from becoming overconfident;
# - `steps_per_execution=10` runs 10 training steps per call from Python into
#   TensorFlow, removing most of the per-step overhead on a CPU (and validation
#   runs in batches of 1,000, for the same reason).
#
# Neither pads the 28×28 digit. The paper fed LeNet-5 a 32×32 field, and padding
# C1 would do the same, but it adds about half again as many multiply-adds per
# image (the LeNet lesson counts them). On a CPU where TensorFlow runs its Eigen
# kernels, as on most laptops without AVX-512, time follows the arithmetic, and
# the padded network could not train as fast as the 2019 one.
#
# Validation uses the last 5,000 training images, never the test set.


# %%
@dataclass(frozen=True)
class Config:
    """Everything that defines a training run."""

    model: str  # "lenet5" or "seed"
    epochs: int
    batch_size: int
    learning_rate: float  # the peak rate for "warmup-cosine"
    beta_2: float  # Adam's decay rate for its running average of squared gradients
    schedule: str  # "constant" or "warmup-cosine"
    label_smoothing: float
    validation: str  # "holdout": last 5,000 training images; "test": the test set (as the seed lesson did)
    steps_per_execution: int
    validation_batch_size: int | None  # None: Keras's default, the training batch size


PRESETS: dict[str, Config] = {
    "default": Config("lenet5", 2, 128, 1e-2, 0.99, "warmup-cosine", 0.05, "holdout", 10, 1000),
    "seed": Config("seed", 2, 128, 1e-3, 0.999, "constant", 0.0, "test", 1, None),
    "padded": Config("padded", 2, 128, 1e-2, 0.99, "warmup-cosine", 0.05, "holdout", 10, 1000),
}
HOLDOUT = 5000

# %% [markdown]
# ## Settings
#
# `--preset` picks a configuration; `--epochs` and `--batch-size` override it.
# `--smoke` trains one epoch on 2,000 images and tests on 500: it checks the
# whole script in seconds, and its numbers mean nothing.

# %%
parser = ArgumentParser(description=__doc__)
parser.add_argument("--preset", choices=sorted(PRESETS), default="default", help="configuration (default: %(default)s)")
parser.add_argument("--epochs", type=int, help="override the preset's number of epochs")
parser.add_argument("--batch-size", type=int, help="override the preset's batch size")
parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
parser.add_argument("--data", type=Path, help="path to mnist.npz (default: look in the usual places)")
parser.add_argument(
    "--out", type=Path, default=Path("outputs"), help="folder for lenet.keras and lenet.json (default: %(default)s)"
)
parser.add_argument("--figures", type=Path, help="folder for the figures (default: the --out folder)")
parser.add_argument("--smoke", action="store_true", help="tiny subset and 1 epoch: checks the pipeline in seconds")
args = parser.parse_example_args()
for name in ("epochs", "batch_size"):
    if getattr(args, name) is not None and getattr(args, name) < 1:
        parser.error(f"--{name.replace('_', '-')} must be at least 1")

config = PRESETS[args.preset]
config = replace(config, epochs=1) if args.smoke else config
config = replace(config, epochs=args.epochs or config.epochs, batch_size=args.batch_size or config.batch_size)
figures = args.figures or args.out
print(f"preset {args.preset}: {json.dumps(asdict(config))}", flush=True)

# %% [markdown]
# ## Data
#
# The training images are split into the images the model learns from and the
# validation images it is checked on after each epoch. Pixels are scaled from
# 0–255 to 0–1: with inputs of order 1 the initial weights Keras draws give
# activations of order 1, and one learning rate suits every layer. Labels
# become one-hot vectors for the cross-entropy loss.

# %%
(x_train, y_train), (x_test, y_test) = load_mnist(args.data)
if config.validation == "holdout":
    x_train, x_val, y_train, y_val = x_train[:-HOLDOUT], x_train[-HOLDOUT:], y_train[:-HOLDOUT], y_train[-HOLDOUT:]
else:
    x_val, y_val = x_test, y_test
if args.smoke:  # a few seconds end to end: for tests, not for results
    x_train, y_train, x_val, y_val = x_train[:2000], y_train[:2000], x_val[:500], y_val[:500]
    x_test, y_test = x_test[:500], y_test[:500]
for folder in {args.out, figures}:  # made only once MNIST is found: a failed start leaves no empty folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot use {folder} as an output folder ({exc.strerror})")


def prepare(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1]; labels -> one-hot (n, 10)."""
    return (x.astype("float32") / 255.0)[..., np.newaxis], np.eye(10, dtype="float32")[y]


# x_*, y_*: MNIST's uint8 images and digit labels; *_x, *_y: the model's float inputs and one-hot targets.
train_x, train_y = prepare(x_train, y_train)
val_x, val_y = prepare(x_val, y_val)
test_x, test_y = prepare(x_test, y_test)
for name, (x, y) in {"training": (train_x, train_y), "validation": (val_x, val_y), "test": (test_x, test_y)}.items():
    print(f"{name:10} images {x.shape} {x.dtype} in [{x.min():.0f}, {x.max():.0f}], labels {y.shape}")

# %% [markdown]
# ## Keras
#
# Imported only now, so that `--help` and mistakes in the arguments or the
# data path are reported at once.

# %%
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ log lines from TensorFlow (Python errors still show)
with stderr_silenced():  # TensorFlow 2.21 prints start-up notices before that setting takes effect
    import tensorflow as tf
import keras
from keras import layers

# %% [markdown]
# ## The models
#
# Layer names follow the paper: C for convolution, S for subsampling (pooling),
# F for fully connected. In the paper, C5 is a 5×5 convolution with 120 kernels
# over S4's 5×5 maps, so each kernel covers the whole map: exactly a dense layer.
# Here the input is the unpadded 28×28 digit, S4's maps are 4×4, and C5 is a
# dense layer on the 256 flattened values.


# %%
def build_lenet5(padding: str = "valid") -> keras.Sequential:
    """LeNet-5 with ReLU, max pooling and a softmax output; padding="same" pads C1's input to the paper's 32x32."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(6, 5, padding=padding, activation="relu", name="C1"),  # valid: 28x28 -> 24x24
            layers.MaxPooling2D(2, name="S2"),
            layers.Conv2D(16, 5, activation="relu", name="C3"),
            layers.MaxPooling2D(2, name="S4"),
            layers.Flatten(name="flatten"),
            layers.Dense(120, activation="relu", name="C5"),
            layers.Dense(84, activation="relu", name="F6"),
            layers.Dense(10, activation="softmax", name="output"),
        ],
        name="lenet5" if padding == "valid" else "lenet5_padded",
    )


def build_seed() -> keras.Sequential:
    """The seed lesson's model: the same network as LeNet-5 here, with the seed lesson's layer names."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(6, 5, activation="relu", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(16, 5, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(120, activation="relu", name="fc1"),
            layers.Dense(84, activation="relu", name="fc2"),
            layers.Dense(10, activation="softmax", name="output"),
        ],
        name="seed_lenet",
    )


BUILDERS = {"lenet5": build_lenet5, "seed": build_seed, "padded": lambda: build_lenet5(padding="same")}

# %% [markdown]
# The preset's model, with its initial weights drawn from `--seed`:

# %%
keras.utils.set_random_seed(args.seed)  # initial weights and the order of the training images
model = BUILDERS[config.model]()
model.summary()
print(f"{model.count_params():,} parameters")

# %% [markdown]
# ## Training
#
# Adam on the cross-entropy loss, with the preset's `beta_2` and learning rate: constant, or
# a linear warm-up over the first 10 % of the steps followed by a cosine decay
# to zero.


# %%
Rate = float | keras.optimizers.schedules.LearningRateSchedule


def learning_rate(config: Config, total_steps: int) -> Rate:
    """The preset's learning rate: a number, or a schedule over `total_steps` steps."""
    if config.schedule != "warmup-cosine":
        return config.learning_rate
    warmup = max(1, total_steps // 10)
    return keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=total_steps - warmup, warmup_target=config.learning_rate, warmup_steps=warmup
    )


def compile_model(model: keras.Model, config: Config, rate: Rate) -> None:
    """Adam at `rate` with the config's beta_2, cross-entropy on one-hot labels (smoothed as it says), accuracy."""
    model.compile(
        optimizer=keras.optimizers.Adam(rate, beta_2=config.beta_2),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing),
        metrics=["accuracy"],
        steps_per_execution=config.steps_per_execution,
    )


def rate_at(rate: Rate, step: int) -> float:
    """The learning rate at training step `step`, to 6 significant digits (float32 noise off)."""
    return float(f"{float(rate(step) if callable(rate) else rate):.6g}")


steps_per_epoch = int(np.ceil(len(train_x) / config.batch_size))
total_steps = steps_per_epoch * config.epochs
rate = learning_rate(config, total_steps)
compile_model(model, config, rate)
warmup_steps = getattr(rate, "warmup_steps", 0)
schedule = {"total_steps": total_steps, "warmup_steps": warmup_steps}
schedule |= {"first": rate_at(rate, 0), "after_warmup": rate_at(rate, warmup_steps), "last": rate_at(rate, total_steps)}
print(f"{steps_per_epoch} steps per epoch, {total_steps} in all, {model.steps_per_execution} per call into TensorFlow")
if warmup_steps:
    peak = schedule["after_warmup"]
    print(f"learning rate {schedule['first']:g} at step 0, rising to {peak:g} at step {warmup_steps},")
    print(f"then along half a cosine down to {schedule['last']:g} at step {total_steps}")
else:
    print(f"learning rate {schedule['first']:g} throughout")
print(f"Adam beta_2 {float(model.optimizer.beta_2):g}, label smoothing {model.loss.label_smoothing}")


# %% [markdown]
# `fit` prints one line per epoch: the training loss and accuracy (measured
# while the weights change), then the same on the validation images.


# %%
class EpochLog(keras.callbacks.Callback):
    """One plain line per epoch, readable in CI logs."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        print(
            f"epoch {epoch + 1}/{self.params['epochs']}: loss {logs['loss']:.4f}, accuracy {logs['accuracy']:.4f}, "
            f"val_loss {logs['val_loss']:.4f}, val_accuracy {logs['val_accuracy']:.4f} "
            f"({time.perf_counter() - self.start:.1f} s)",
            flush=True,
        )


start, cpu_start = time.perf_counter(), time.process_time()
history = model.fit(
    train_x,
    train_y,
    batch_size=config.batch_size,
    epochs=config.epochs,
    validation_data=(val_x, val_y),
    validation_batch_size=config.validation_batch_size,
    verbose=0,
    callbacks=[EpochLog()],
).history
train_seconds, train_cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
print(f"trained in {train_seconds:.1f} s ({train_cpu_seconds:.1f} s of processor time, all threads together)")

# %% [markdown]
# ## Evaluation
#
# The test images are used once, now.

# %%
test_loss, test_accuracy = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
y_pred = model.predict(test_x, batch_size=1000, verbose=0).argmax(axis=1)
print(f"test accuracy {test_accuracy:.4f} ({int((y_pred != y_test).sum())} of {len(y_test):,} digits wrong)")
print(f"test loss {test_loss:.4f}")

# %% [markdown]
# ## Figures
#
# The figures carry numbers and layer names but no words, so both languages of
# the site can show the same files; each page's caption says what they show.
#
# The training curves: (a) loss and (b) accuracy per epoch; solid = training,
# dashed = validation.


# %% tags=["fold"]
def plot_curves(history: dict[str, list[float]]) -> Figure:
    """(a) loss and (b) accuracy per epoch; solid = training, dashed = validation."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    for ax, key, letter in zip(axes, ("loss", "accuracy"), "ab", strict=True):
        ax.plot(epochs, history[key], "o-", color="C0")
        ax.plot(epochs, history[f"val_{key}"], "s--", color="C1")
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
        ax.set_title(f"({letter})", fontsize=10)
    fig.tight_layout()
    return fig


# %%
save_figure(plot_curves(history), figures / "lenet_curves.png", dpi=110)

# %% [markdown]
# The confusion matrix: row y is the true digit, column ŷ the prediction.


# %% tags=["fold"]
def plot_confusion(y_true: np.ndarray, y_pred: np.ndarray) -> Figure:
    """Counts of (true digit, predicted digit); rows are true digits, columns predictions."""
    counts = np.zeros((10, 10), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    fig, ax = plt.subplots(figsize=(5.6, 5))
    ax.imshow(np.log1p(counts), cmap="Blues")
    for i in range(10):
        for j in range(10):
            if counts[i, j]:
                ax.text(j, i, counts[i, j], ha="center", va="center", fontsize=7, color="white" if i == j else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("ŷ")
    ax.set_ylabel("y")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    fig.tight_layout()
    return fig


# %%
save_figure(plot_confusion(y_test, y_pred), figures / "lenet_confusion.png", dpi=110)

# %% [markdown]
# Test digits the network got wrong, titled *true → predicted*.


# %% tags=["fold"]
def plot_errors(images: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, limit: int = 24) -> Figure:
    """Misclassified test digits, each titled `true → predicted`."""
    wrong = np.flatnonzero(y_true != y_pred)[:limit]
    cols = 8
    rows = max(1, int(np.ceil(len(wrong) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.3), squeeze=False)
    for ax in axes.ravel():
        ax.set_axis_off()
    for ax, i in zip(axes.ravel(), wrong, strict=False):
        ax.imshow(images[i], cmap="gray_r")
        ax.set_title(f"{y_true[i]} → {y_pred[i]}", fontsize=9)
    fig.tight_layout()
    return fig


# %%
save_figure(plot_errors(x_test, y_test, y_pred), figures / "lenet_errors.png", dpi=110)

# %% [markdown]
# The first convolution's learned 5×5 kernels, on one colour scale: blue
# negative, red positive.


# %% tags=["fold"]
def plot_kernels(model: keras.Model) -> Figure:
    """The first convolution's learned 5x5 kernels; blue negative, red positive."""
    weights = model.layers[0].get_weights()[0]  # (5, 5, 1, n_kernels)
    limit = np.abs(weights).max()
    n = weights.shape[-1]
    fig, axes = plt.subplots(1, n, figsize=(1.4 * n, 1.6))
    for k, ax in enumerate(axes):
        ax.imshow(weights[:, :, 0, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_axis_off()
        ax.set_title(str(k + 1), fontsize=9)
    fig.tight_layout()
    return fig


# %%
save_figure(plot_kernels(model), figures / "lenet_kernels.png", dpi=110)

# %% [markdown]
# The first test digit through every layer: the input, each layer's feature
# maps, then the dense layers' activations as strips.


# %% tags=["fold"]
def plot_feature_maps(model: keras.Model, image: np.ndarray) -> Figure:
    """One digit through every layer: input, each feature map, then the dense activations."""
    probe = keras.Model(model.inputs[0], [layer.output for layer in model.layers])
    outputs = [o[0] for o in probe(image[np.newaxis])]
    rows = [("28×28", image[..., 0][np.newaxis])]
    for layer, out in zip(model.layers, outputs, strict=True):
        out = np.asarray(out)
        if out.ndim == 3:  # (h, w, channels): one panel per feature map
            rows.append((f"{layer.name} {out.shape[2]}@{out.shape[0]}×{out.shape[1]}", np.moveaxis(out, -1, 0)))
        elif layer.name != "flatten":
            rows.append((f"{layer.name} {out.shape[0]}", out[np.newaxis, np.newaxis, :]))
    width = max(len(maps) for _, maps in rows if maps.shape[1] > 1)
    fig, axes = plt.subplots(len(rows), width, figsize=(width * 0.62, len(rows) * 0.75), squeeze=False)
    for r, (label, maps) in enumerate(rows):
        for c in range(width):
            axes[r, c].set_axis_off()
        if maps.shape[1] == 1:  # a vector: one strip across the row
            strip = fig.add_subplot(len(rows), 1, r + 1)
            strip.imshow(maps[0], cmap="viridis", aspect="auto")
            strip.set_axis_off()
            strip.set_title(label, fontsize=8, loc="left")
            continue
        for c, fmap in enumerate(maps):
            axes[r, c].imshow(fmap, cmap="gray" if r == 0 else "viridis")
        axes[r, 0].set_title(label, fontsize=8, loc="left")
    fig.tight_layout()
    return fig


# %%
save_figure(plot_feature_maps(model, test_x[0]), figures / "lenet_feature_maps.png", dpi=110)

# %% [markdown]
# ## The model and the record
#
# `lenet.keras` holds the architecture and the trained weights, without the
# optimizer's state, which only further training would need. (Keras 3 ignores
# `include_optimizer=False` for `.keras` files, so an uncompiled copy of the
# model is saved.) `lenet.json` records the run: the presets, the settings
# used, every layer, the metrics per epoch, the test result and the versions.


# %%
def describe(layer: keras.layers.Layer) -> dict:
    """A layer's name, type, shapes and parameter count (and a convolution's kernel size), for the record."""
    row = {
        "name": layer.name,
        "type": type(layer).__name__,
        "input_shape": list(layer.input.shape),
        "output_shape": list(layer.output.shape),
        "params": layer.count_params(),
    }
    if isinstance(layer, layers.Conv2D):
        row["kernel_size"] = list(layer.kernel_size)
    return row


record = {
    "preset": args.preset,
    "seed": args.seed,
    "smoke": args.smoke,
    "presets": {name: asdict(preset) for name, preset in PRESETS.items()},
    "config": asdict(config),
    "epochs": config.epochs,
    "batch_size": config.batch_size,
    "holdout": HOLDOUT if config.validation == "holdout" else 0,
    "train_images": len(train_x),
    "validation_images": len(val_x),
    "test_images": len(test_x),
    "params": model.count_params(),
    "layers": [describe(layer) for layer in model.layers],
    "training": {
        "steps_per_epoch": steps_per_epoch,
        "steps_per_execution": model.steps_per_execution,
        "label_smoothing": model.loss.label_smoothing,
        "beta_2": float(model.optimizer.beta_2),
        "learning_rate": schedule,
    },
    "history": {key: [float(v) for v in values] for key, values in history.items()},
    "test_accuracy": round(float(test_accuracy), 4),
    "test_loss": round(float(test_loss), 4),
    "train_seconds": round(train_seconds, 2),
    "train_cpu_seconds": round(train_cpu_seconds, 2),
    "model_path": "lenet.keras",  # beside this record
    "date": dt.date.today().isoformat(),
    "versions": {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
    },
}

bare = BUILDERS[config.model]()  # a fresh, uncompiled copy of the architecture, given the trained weights
bare.set_weights(model.get_weights())
write_whole(args.out / "lenet.keras", bare.save)
text = json.dumps(record, indent=2) + "\n"
write_whole(args.out / "lenet.json", lambda path: path.write_text(text, encoding="utf-8"))
print(f"wrote {args.out / 'lenet.keras'} and {args.out / 'lenet.json'}")
