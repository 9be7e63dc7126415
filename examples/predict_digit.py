# %% [markdown]
# # Predict your own digit
#
# Classify photos or scans of handwritten digits with the LeNet-5 model that
# `lenet_mnist.py` trained. Any PNG or JPEG works: any size, colour or grey,
# dark ink on light paper or light on dark. Each image is prepared the way the
# MNIST digits were made before the model sees it.
#
# ```
# python examples/lenet_mnist.py                                # once: trains and saves runs/lenet/lenet.keras
# python examples/predict_digit.py assets/samples/*.png         # top-3 classes per image
# python examples/predict_digit.py my_digit.jpg --json --save-preprocessed out/
# ```
#
# Needs `common.py` from the same folder.

# %%
"""Predict the digit in each image with a trained MNIST model; print the top-3 classes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from scipy import ndimage

from common import ROOT, ArgumentParser, UsageError, atomic_path, fail, import_keras

DEFAULT_MODEL = ROOT / "runs" / "lenet" / "lenet.keras"
MIN_CONTRAST = 40  # grey levels between ink and paper below which there is no digit


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
def read_grey(path: Path) -> np.ndarray:
    """The image as grey levels 0-255 (float), transparency composited onto white."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder, not an image")
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                paper = Image.new("RGBA", image.size, "white")
                image = Image.alpha_composite(paper, image)
            grey = np.asarray(image.convert("L"), dtype=np.float64)
    except UnidentifiedImageError:
        raise UsageError(f"{path}: not an image that Pillow can read (empty, or not PNG/JPEG?)") from None
    except (OSError, SyntaxError) as exc:
        raise UsageError(f"{path}: damaged image ({exc})") from None
    return grey


def to_mnist(grey: np.ndarray, name: str = "image") -> np.ndarray:
    """A grey image of any size -> a 28x28 float32 array in [0, 1], prepared like MNIST."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    ink = 255.0 - grey if np.median(border) > 127 else grey.copy()
    ink = np.clip(ink - np.median(np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])), 0, None)
    if ink.max() < MIN_CONTRAST:
        raise UsageError(f"{name}: no digit found (the image is almost uniform)")
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


# %% [markdown]
# ## Loading the model safely
#
# `safe_mode=True` (Keras's default, spelled out here) refuses to run Python code
# stored in a model file, such as `Lambda` layers, so a downloaded `.keras` file
# cannot execute anything on load.


# %%
def load_model(path: Path):  # noqa: ANN201 - keras is imported lazily, after the images are checked
    """Load a .keras MNIST classifier, or raise UsageError with a one-line reason."""
    if not path.is_file():
        raise UsageError(f"no model at {path}; train one first: python examples/lenet_mnist.py")
    keras = import_keras()
    try:
        model = keras.models.load_model(path, safe_mode=True)
    except Exception as exc:
        raise UsageError(f"{path}: not a Keras model file ({type(exc).__name__})") from None
    if tuple(model.input_shape[1:3]) != (28, 28) or model.output_shape[-1] != 10:
        raise UsageError(f"{path}: expects input {model.input_shape} / output {model.output_shape}, not MNIST digits")
    return model


def top3(probabilities: np.ndarray) -> list[dict]:
    order = np.argsort(probabilities)[::-1][:3]
    return [{"digit": int(d), "probability": round(float(probabilities[d]), 4)} for d in order]


# %%
def main(argv: list[str] | None = None) -> list[dict]:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument("images", nargs="+", type=Path, help="PNG or JPEG files, one digit each")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="the .keras model (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per image")
    parser.add_argument("--save-preprocessed", type=Path, metavar="DIR", help="write what the model saw, as PNGs")
    args = parser.parse_args(argv)
    try:
        digits = [to_mnist(read_grey(path), str(path)) for path in args.images]
        model = load_model(args.model)
    except UsageError as exc:
        fail(str(exc))
    probabilities = model.predict(np.stack(digits)[..., np.newaxis], verbose=0)
    results = []
    for path, p in zip(args.images, probabilities, strict=True):
        result = {"file": str(path), "prediction": int(np.argmax(p)), "top3": top3(p)}
        results.append(result)
        if args.json:
            print(json.dumps(result))
        else:
            ranked = ", ".join(f"{t['digit']} ({t['probability']:.1%})" for t in result["top3"])
            print(f"{path}: {result['prediction']}   top 3: {ranked}")
    if args.save_preprocessed:
        try:
            args.save_preprocessed.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail(f"cannot write to {args.save_preprocessed} ({exc.strerror})")
        for path, digit in zip(args.images, digits, strict=True):
            with atomic_path(args.save_preprocessed / f"{path.stem}.28x28.png") as tmp:
                Image.fromarray((digit * 255).round().astype(np.uint8)).save(tmp, format="PNG")
    return results


# %%
if __name__ == "__main__":  # in Jupyter: classify the project's sample images
    samples = sorted(str(p) for p in (ROOT / "assets" / "samples").glob("*.*"))
    main(samples if "ipykernel" in sys.modules else None)
