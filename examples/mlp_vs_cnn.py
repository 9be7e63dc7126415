# %% [markdown]
# # MLP vs CNN on MNIST
#
# Train an MLP and LeNet-5 on MNIST, then on digits with shuffled pixels: the MLP does not notice, the CNN does.
#
# A multilayer perceptron (only dense layers) and LeNet-5 are trained with the
# same recipe, the default one of the LeNet-5 lesson, on the same data. Then both
# are trained again on digits whose pixels have been shuffled by one fixed
# permutation. That is what "a CNN uses the spatial structure" means.
#
# Run it with `python mlp_vs_cnn.py --help`; it makes four trainings of 2 epochs
# each (`--smoke`: a few seconds, for a check). By default it writes the figure
# `outputs/mlp_vs_cnn_permuted.png` and the results `outputs/mlp_vs_cnn.json`.
# MNIST is read from `--data PATH`, `$MNIST_PATH`, `mnist.npz`, `data/mnist.npz`,
# `../shared/data/mnist.npz` or Keras's cache, and downloaded into that cache only
# when none of them exists.

# %%
"""Train an MLP and LeNet-5 on MNIST, with and without shuffled pixels, and compare them."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shlex
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
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


def write_json(record: dict[str, Any], path: Path) -> None:
    """Write `record` to `path` as indented JSON, whole (never half a file)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    print(f"wrote {path}")


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
# ## Settings
#
# `--out` names the folder for the figure and `mlp_vs_cnn.json`; it is created if needed.
# One seed sets the pixel shuffle and every training's initial weights and batch order.

# %%
parser = ArgumentParser(description=__doc__)
parser.add_argument("--data", type=Path, help="path to mnist.npz (default: look in the usual places)")
parser.add_argument(
    "--out", type=Path, default=Path("outputs"), help="folder for the figure and mlp_vs_cnn.json (default: %(default)s)"
)
parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
parser.add_argument("--smoke", action="store_true", help="tiny subset and 1 epoch: checks the script in seconds")
args = parser.parse_example_args()
if args.seed < 0:
    parser.error("--seed must be at least 0")

# %% [markdown]
# ## Data
#
# The last 5,000 training images are held out to validate each epoch; the test
# images are used once, at the end. `--smoke` keeps 2,000 training, 500
# validation and 500 test images.

# %%
HOLDOUT = 5000
(x_train, y_train), (x_test, y_test) = load_mnist(args.data)
x_fit, y_fit, x_val, y_val = x_train[:-HOLDOUT], y_train[:-HOLDOUT], x_train[-HOLDOUT:], y_train[-HOLDOUT:]
if args.smoke:  # a few seconds end to end: for tests, not for results
    x_fit, y_fit, x_val, y_val = x_fit[:2000], y_fit[:2000], x_val[:500], y_val[:500]
    x_test, y_test = x_test[:500], y_test[:500]
print(f"training {x_fit.shape}, validation {x_val.shape}, test {x_test.shape}")
try:
    args.out.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    fail(f"cannot use {args.out} as an output folder ({exc.strerror})")

# %% [markdown]
# ## Keras
#
# Imported only now, so that `--help` and mistyped arguments answer at once.

# %%
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ log lines from TensorFlow (Python errors still show)
with stderr_silenced():  # TensorFlow 2.21 prints start-up notices before that setting takes effect
    import keras
from keras import layers

logging.getLogger("tensorflow").setLevel(logging.ERROR)  # not its warning that each new model traces anew

# %% [markdown]
# ## The two models
#
# The MLP has two hidden layers of 512 units, the shape of Keras's classic
# `mnist_mlp.py` example (without its dropout layers). The image is flattened
# first, so the model sees 784 numbers with no notion of which pixels are neighbours.
#
# LeNet-5 is the course's version (ReLU, max pooling, softmax), layer for layer
# the model of the LeNet-5 example: C for convolution, S for subsampling
# (pooling), F for fully connected. The 28×28 digit is not padded, so S4's maps
# are 4×4 and C5 is a dense layer on the 256 flattened values.


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


def build_lenet5() -> keras.Sequential:
    """LeNet-5 with ReLU, max pooling and a softmax output."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(6, 5, activation="relu", name="C1"),  # 28x28 -> 24x24, no padding
            layers.MaxPooling2D(2, name="S2"),
            layers.Conv2D(16, 5, activation="relu", name="C3"),
            layers.MaxPooling2D(2, name="S4"),
            layers.Flatten(name="flatten"),
            layers.Dense(120, activation="relu", name="C5"),
            layers.Dense(84, activation="relu", name="F6"),
            layers.Dense(10, activation="softmax", name="output"),
        ],
        name="lenet5",
    )


def layer_table(model: keras.Model) -> list[dict[str, Any]]:
    """Each layer's name, type, output shape (None: any batch size) and number of parameters."""
    return [
        {
            "name": layer.name,
            "type": type(layer).__name__,
            "output_shape": list(layer.output.shape),
            "params": layer.count_params(),
        }
        for layer in model.layers
    ]


for model in (build_mlp(), build_lenet5()):
    print(f"{model.name}: {model.count_params():,} parameters")
    for row in layer_table(model):
        shape = "×".join(map(str, row["output_shape"][1:]))
        print(f"  {row['name']:8} {row['type']:13} {shape:>8} {row['params']:>9,}")

# %% [markdown]
# ## The recipe
#
# Both models get the default recipe of the LeNet-5 example: Adam with
# `beta_2=0.99`, with a learning rate that warms up over the first 10 % of the
# steps to 0.01 and then follows a cosine down to zero; cross-entropy with label
# smoothing 0.05; batches of 128; 2 epochs. `steps_per_execution=10` runs 10
# training steps per call from Python into TensorFlow, and validation runs in
# batches of 1,000, which saves most of the per-step overhead on a CPU. Pixels are scaled to 0–1 and labels
# become one-hot vectors. The seed is set before each training, so each one
# starts from the same random state.

# %%
EPOCHS = 1 if args.smoke else 2
BATCH_SIZE = 128
LEARNING_RATE = 1e-2  # the peak of the schedule
BETA_2 = 0.99  # Adam's decay rate for its running average of squared gradients
LABEL_SMOOTHING = 0.05
STEPS_PER_EXECUTION = 10
VALIDATION_BATCH_SIZE = 1000


def prepare(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1]; labels -> one-hot (n, 10)."""
    return (x.astype("float32") / 255.0)[..., np.newaxis], keras.utils.to_categorical(y, 10)


def warmup_cosine(total_steps: int) -> keras.optimizers.schedules.LearningRateSchedule:
    """0 up to LEARNING_RATE over the first 10 % of the steps, then along a cosine down to 0."""
    warmup = max(1, total_steps // 10)
    return keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=total_steps - warmup, warmup_target=LEARNING_RATE, warmup_steps=warmup
    )


def print_epoch(epoch: int, logs: dict[str, float]) -> None:
    print(f"  epoch {epoch + 1}/{EPOCHS}: accuracy {logs['accuracy']:.4f}, validation {logs['val_accuracy']:.4f}")


def train(
    build: Callable[[], keras.Model], x: np.ndarray, y: np.ndarray, x_val: np.ndarray, y_val: np.ndarray
) -> tuple[keras.Model, float]:
    """A fresh `build()` trained with the recipe on (x, y), validated on (x_val, y_val); the model and its seconds."""
    keras.utils.set_random_seed(args.seed)
    x, y = prepare(x, y)
    validation = prepare(x_val, y_val)
    model = build()
    model.compile(
        optimizer=keras.optimizers.Adam(warmup_cosine(int(np.ceil(len(x) / BATCH_SIZE)) * EPOCHS), beta_2=BETA_2),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=LABEL_SMOOTHING),
        metrics=["accuracy"],
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    start = time.perf_counter()
    model.fit(
        x,
        y,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_data=validation,
        validation_batch_size=VALIDATION_BATCH_SIZE,
        verbose=0,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=print_epoch)],
    )
    return model, time.perf_counter() - start


def accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """The model's accuracy on images `x` with labels `y`, rounded to 4 decimals."""
    return round(float(model.evaluate(*prepare(x, y), batch_size=1000, verbose=0)[1]), 4)


steps = int(np.ceil(len(x_fit) / BATCH_SIZE)) * EPOCHS
rate = warmup_cosine(steps)
points = (0, steps // 10, steps // 2, steps - 1)
print(f"{steps // EPOCHS} steps per epoch, {steps} in all; learning rate", end=" ")
print(", ".join(f"{float(rate(step)):.4f} at step {step}" for step in points))


# %% [markdown]
# ## Plain digits
#
# Both models learn from the same 55,000 images and are tested on the same 10,000.

# %%
results: dict[str, dict[str, Any]] = {}
for name, build in (("mlp", build_mlp), ("lenet5", build_lenet5)):
    print(f"{name}:")
    model, seconds = train(build, x_fit, y_fit, x_val, y_val)
    results[name] = {
        "params": model.count_params(),
        "test_accuracy": accuracy(model, x_test, y_test),
        "train_seconds": round(seconds, 2),
        "layers": layer_table(model),
    }
    print(f"  test accuracy {results[name]['test_accuracy']:.2%} ({seconds:.1f} s of training)")

# %% [markdown]
# ## Shuffled pixels
#
# One fixed random permutation of the 784 pixel positions, applied to every
# image, for training and for testing. A person can no longer read the digits:


# %%
def permute_pixels(x: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """Apply one fixed shuffle of the 784 pixel positions to every image."""
    return x.reshape(len(x), -1)[:, permutation].reshape(x.shape)


permutation = np.random.default_rng(args.seed).permutation(28 * 28)
print("the first ten pixels come from positions", permutation[:10])


# %% tags=["fold"]
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


# %%
save_figure(plot_permutation(x_test, permutation), args.out / "mlp_vs_cnn_permuted.png", dpi=110)

# %% [markdown]
# Both models are trained again, from the same initial state, on the shuffled
# images, and tested on the shuffled test images. For the MLP the shuffle only
# reorders its inputs; for the CNN it destroys the neighbourhoods its 5×5 kernels
# look at.

# %%
for name, build in (("mlp", build_mlp), ("lenet5", build_lenet5)):
    print(f"{name}, pixels shuffled:")
    model, _ = train(build, permute_pixels(x_fit, permutation), y_fit, permute_pixels(x_val, permutation), y_val)
    results[name]["shuffled_test_accuracy"] = accuracy(model, permute_pixels(x_test, permutation), y_test)
    print(f"  test accuracy {results[name]['shuffled_test_accuracy']:.2%}")

# %% [markdown]
# ## Results
#
# The table, and the same numbers as JSON in `mlp_vs_cnn.json` for the lesson.

# %%
print(f"{'model':8} {'parameters':>10} {'test accuracy':>14} {'pixels shuffled':>16}")
for name, r in results.items():
    print(f"{name:8} {r['params']:>10,} {r['test_accuracy']:>14.2%} {r['shuffled_test_accuracy']:>16.2%}")
ORDER = ("params", "test_accuracy", "shuffled_test_accuracy", "train_seconds", "layers")
record = {
    "epochs": EPOCHS,
    "smoke": args.smoke,
    "seed": args.seed,
    "holdout": HOLDOUT,
    "train_images": len(x_fit),
    "validation_images": len(x_val),
    "test_images": len(x_test),
    "recipe": {
        "epochs": EPOCHS,
        "batch_size": BATCH_SIZE,
        "learning_rate": LEARNING_RATE,
        "beta_2": BETA_2,
        "schedule": "warmup-cosine",
        "label_smoothing": LABEL_SMOOTHING,
        "validation": "holdout",
        "steps_per_execution": STEPS_PER_EXECUTION,
        "validation_batch_size": VALIDATION_BATCH_SIZE,
    },
    "models": {name: {key: r[key] for key in ORDER} for name, r in results.items()},
}
write_json(record, args.out / "mlp_vs_cnn.json")
