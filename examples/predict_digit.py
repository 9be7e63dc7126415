# %% [markdown]
# # Predict your own digit
#
# Read photos or scans of handwritten digits with the LeNet-5 model that `lenet_mnist.py` trained.
#
# Any PNG or JPEG works: any size, colour or grey, dark ink on light paper or
# light on dark. Each image is prepared the way the MNIST digits were made
# before the model sees it. The answers are printed, and drawn in
# `outputs/predictions.png` (`--out DIR` names another folder).
#
# ```
# python lenet_mnist.py                                   # once: trains and saves outputs/lenet.keras
# python predict_digit.py my_digit.png another.jpg        # top-3 classes per image
# python predict_digit.py my_digit.jpg --json --save-preprocessed seen/
# python predict_digit.py --smoke                         # checks the pipeline in seconds: no model, no image
# python predict_digit.py --help
# ```

# %%
"""Predict the digit in each image with a trained MNIST model; print the top-3 classes."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import matplotlib

matplotlib.use("Agg")  # write files; a notebook shows the saved PNG
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image, ImageDraw, UnidentifiedImageError
from scipy import ndimage

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
# ## Settings
#
# `--model` names the trained model; `lenet_mnist.py` writes it to
# `outputs/lenet.keras`, where this script looks by default. `--out` names the
# folder for the figure `predictions.png` (not drawn with `--json`, which
# prints JSON and nothing else). `--save-preprocessed DIR` writes, for each image, what the model is given:
# `NAME.28x28.png` to look at and `NAME.npy`, the exact 28×28 float32 array.
# `--smoke` needs neither a model nor an image: it draws a 7 with Pillow and
# classifies it with an untrained LeNet-5, to check the whole pipeline.

# %%
parser = ArgumentParser(description=__doc__)
parser.add_argument("images", nargs="*", type=Path, help="PNG or JPEG files, one digit each")
parser.add_argument(
    "--model", type=Path, default=Path("outputs/lenet.keras"), help="the .keras model (default: %(default)s)"
)
parser.add_argument(
    "--out", type=Path, default=Path("outputs"), help="folder for predictions.png (default: %(default)s)"
)
parser.add_argument("--json", action="store_true", help="print one JSON object per image and nothing else (no figure)")
parser.add_argument(
    "--save-preprocessed", type=Path, metavar="DIR", help="write what the model is given, as PNG and .npy files"
)
parser.add_argument(
    "--smoke", action="store_true", help="check the pipeline in seconds: a drawn 7 and an untrained model"
)
args = parser.parse_example_args()
if not args.images and not args.smoke:
    parser.error("give one or more images (or --smoke)")

# %% [markdown]
# ## Preparing an image the way MNIST was made
#
# LeCun et al. describe MNIST's digits as size-normalised to fit a 20×20 box,
# keeping their aspect ratio, and centred in a 28×28 image by their centre of
# mass. Digits are light (up to 255) on a dark (0) background. So:
#
# 1. convert to grey (transparent pixels count as paper);
# 2. invert if the background is light;
# 3. subtract the background level and crop to the ink's bounding box;
# 4. scale the longer side to 20 pixels;
# 5. paste into 28×28 so that the centre of mass lands in the middle.

# %%
MIN_CONTRAST = 40  # grey levels between ink and paper below which there is no digit


def read_grey(path: Path) -> np.ndarray:
    """The image as grey levels 0-255 (float), transparency composited onto white."""
    if not path.exists():
        fail(f"{path}: no such file")
    if path.is_dir():
        fail(f"{path}: is a folder, not an image")
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                paper = Image.new("RGBA", image.size, "white")
                image = Image.alpha_composite(paper, image)
            grey = np.asarray(image.convert("L"), dtype=np.float64)
    except UnidentifiedImageError:
        fail(f"{path}: not an image that Pillow can read (empty, or not PNG/JPEG?)")
    except (OSError, SyntaxError) as exc:
        fail(f"{path}: damaged image ({exc})")
    return grey


def to_mnist(grey: np.ndarray, name: str = "image") -> np.ndarray:
    """A grey image of any size -> a 28x28 float32 array in [0, 1], prepared like MNIST."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    ink = 255.0 - grey if np.median(border) > 127 else grey.copy()
    ink = np.clip(ink - np.median(np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])), 0, None)
    if ink.max() < MIN_CONTRAST:
        fail(f"{name}: no digit found (the image is almost uniform)")
    rows, cols = np.nonzero(ink > 0.25 * ink.max())
    ink = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    scale = 20.0 / max(ink.shape)
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    small = np.asarray(Image.fromarray(ink / ink.max() * 255.0).resize(size, Image.Resampling.LANCZOS))
    small = np.clip(small, 0, 255)
    canvas = np.zeros((28, 28))
    top, left = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    cy, cx = ndimage.center_of_mass(canvas)
    canvas = ndimage.shift(canvas, (13.5 - cy, 13.5 - cx), order=1, mode="constant")
    return np.clip(canvas / 255.0, 0, 1).astype("float32")


def drawn_seven() -> np.ndarray:
    """A 7 drawn with Pillow, dark ink on white paper, as grey levels 0-255: the --smoke input."""
    paper = Image.new("L", (120, 160), "white")
    ImageDraw.Draw(paper).line([(20, 25), (100, 25), (50, 140)], fill="black", width=14)
    return np.asarray(paper, dtype=np.float64)


# %% [markdown]
# Every image is read and prepared before the model is loaded, so that a bad
# image is reported at once.

# %%
names = [str(path) for path in args.images] + (["drawn_7"] if args.smoke else [])
greys = [read_grey(path) for path in args.images] + ([drawn_seven()] if args.smoke else [])
digits = [to_mnist(grey, name) for name, grey in zip(names, greys, strict=True)]
if not args.json:
    for name, grey, digit in zip(names, greys, digits, strict=True):
        height, width = grey.shape
        cy, cx = ndimage.center_of_mass(digit)
        print(f"{name}: {width}×{height} pixels -> 28×28, centre of mass at row {cy:.1f}, column {cx:.1f}")

# %% [markdown]
# ## Loading the model safely
#
# `safe_mode=True` (Keras's default, spelled out here) refuses to run Python code
# stored in a model file, such as `Lambda` layers, so a downloaded `.keras` file
# cannot execute anything on load. Keras is imported only now, after the images
# and the model's path are checked.

# %%
if not args.smoke and not args.model.is_file():
    fail(f"no model at {args.model}; run `python lenet_mnist.py` first (it writes outputs/lenet.keras)")

# %%
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ log lines from TensorFlow (Python errors still show)
with stderr_silenced():  # TensorFlow 2.21 prints start-up notices before that setting takes effect
    import keras


# %%
def load_model(path: Path) -> keras.Model:
    """Load a .keras MNIST classifier, or stop with a one-line reason."""
    try:
        model = keras.models.load_model(path, safe_mode=True)
    except Exception as exc:
        fail(f"{path}: not a Keras model file ({type(exc).__name__})")
    if tuple(model.input_shape[1:3]) != (28, 28) or model.output_shape[-1] != 10:
        fail(f"{path}: expects input {model.input_shape} / output {model.output_shape}, not MNIST digits")
    return model


def untrained_lenet() -> keras.Model:
    """LeNet-5 as lenet_mnist.py builds it, with random weights: the --smoke model."""
    keras.utils.set_random_seed(0)
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(6, 5, activation="relu", name="C1"),
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


model = untrained_lenet() if args.smoke else load_model(args.model)
if not args.json:
    source = "untrained, built in memory (--smoke): its answers are chance" if args.smoke else f"from {args.model}"
    print(f"model {model.name}, {model.count_params():,} parameters, {source}")

# %% [markdown]
# ## Predictions
#
# The model gives ten probabilities per image; the three largest are printed.


# %%
def top3(probabilities: np.ndarray) -> list[dict]:
    """The three most probable digits, most probable first."""
    order = np.argsort(probabilities)[::-1][:3]
    return [{"digit": int(d), "probability": round(float(probabilities[d]), 4)} for d in order]


probabilities = model.predict(np.stack(digits)[..., np.newaxis], verbose=0)
for name, p in zip(names, probabilities, strict=True):
    result = {"file": name, "prediction": int(np.argmax(p)), "top3": top3(p)}
    if args.json:
        print(json.dumps(result))
    else:
        ranked = ", ".join(f"{t['digit']} ({t['probability']:.1%})" for t in result["top3"])
        print(f"{name}: {result['prediction']}   top 3: {ranked}")

# %% [markdown]
# ## The figure
#
# One column per image (the first ten): the image as read, in grey; the 28×28
# digit the model was given; the ten probabilities, the largest in orange.


# %% tags=["fold"]
def plot_predictions(greys: list[np.ndarray], digits: list[np.ndarray], probabilities: np.ndarray) -> Figure:
    """Per image: the grey image, the prepared 28x28 digit, and a bar chart of the ten probabilities."""
    n = min(len(digits), 10)
    fig, axes = plt.subplots(3, n, figsize=(1.7 * n + 0.4, 5.2), squeeze=False, height_ratios=(1, 1, 0.8))
    for col in range(n):
        top, middle, bottom = axes[:, col]
        top.imshow(greys[col], cmap="gray", vmin=0, vmax=255)
        middle.imshow(digits[col], cmap="gray", vmin=0, vmax=1)
        for ax in (top, middle):
            ax.set_axis_off()
        p = probabilities[col]
        bottom.bar(range(10), p, color=["tab:orange" if d == p.argmax() else "0.6" for d in range(10)])
        bottom.set_ylim(0, 1)
        bottom.set_xticks(range(10), [str(d) for d in range(10)], fontsize=7)
        bottom.tick_params(axis="y", labelsize=7, labelleft=col == 0)
        top.set_title(f"{p.argmax()} ({p.max():.0%})", fontsize=10)
    fig.tight_layout()
    return fig


# %%
if not args.json:
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot use {args.out} as an output folder ({exc.strerror})")
    save_figure(plot_predictions(greys, digits, probabilities), args.out / "predictions.png", dpi=110)

# %% [markdown]
# ## What the model saw
#
# With `--save-preprocessed DIR`: each prepared digit as a 28×28 PNG, and as
# the `.npy` array the model was given.

# %%
if args.save_preprocessed:
    try:
        args.save_preprocessed.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot write to {args.save_preprocessed} ({exc.strerror})")
    for name, digit in zip(names, digits, strict=True):
        stem = Path(name).stem
        png = Image.fromarray((digit * 255).round().astype(np.uint8))
        write_whole(args.save_preprocessed / f"{stem}.28x28.png", lambda path, png=png: png.save(path, format="PNG"))
        write_whole(args.save_preprocessed / f"{stem}.npy", lambda path, digit=digit: np.save(path, digit))
