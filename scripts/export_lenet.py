"""Export the trained LeNet-5 to LiteRT (a .tflite file) and measure it against Keras.

Writes OUT/lenet.tflite with Keras's own `model.export(path, format="litert")` (TensorFlow's converter) and a
JSON record for the FAQ's "Ship the model": the two files' sizes, how the exported model agrees with Keras on
the first 1,000 MNIST test digits, and the time per image of Keras and of LiteRT's interpreter:

    python scripts/export_lenet.py

The export is deterministic: the same .keras file and the same TensorFlow give the same bytes
(tests/test_ship.py checks the committed file). Timing takes about half a minute; `--runs` sets its length.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import course

ROOT = course.ROOT
MODEL = ROOT / "assets" / "models" / "lenet.keras"
OUT = ROOT / "assets" / "models"
RECORD = ROOT / "docs" / "data" / "lenet_ship.json"
EXPORTED = "lenet.tflite"
IMAGES = 1000  # the first 1,000 MNIST test digits
WARMUP = 10  # calls before timing: tracing, memory allocation, caches
PACKAGES = ("tensorflow", "keras", "numpy", "ai-edge-litert")


def export(model_path: Path, out: Path) -> Path:
    """Write `out`/lenet.tflite from the Keras model at `model_path`, whole; return its path."""
    import keras

    model = keras.saving.load_model(model_path)
    target = out / EXPORTED
    with course.atomic_path(target) as tmp:
        model.export(tmp, format="litert", verbose=False)
    return target


def load_digits(count: int = IMAGES) -> tuple:
    """The first `count` MNIST test images, scaled to [0, 1] with a channel axis as in training, and labels."""
    import numpy as np

    found = course.find_mnist()
    if found is None:
        raise FileNotFoundError("MNIST not found: set MNIST_PATH to mnist.npz")
    with np.load(found) as data:
        x, y = data["x_test"][:count], data["y_test"][:count]
    return (x / 255.0).astype("float32")[..., np.newaxis], y


class LiteRT:
    """LiteRT's interpreter for a .tflite file, with its input resized to a batch of `batch` images."""

    def __init__(self, path: Path, batch: int) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_path=str(path))
        self.input = self.interpreter.get_input_details()[0]["index"]
        self.output = self.interpreter.get_output_details()[0]["index"]
        self.interpreter.resize_tensor_input(self.input, [batch, 28, 28, 1])
        self.interpreter.allocate_tensors()

    def __call__(self, x):  # noqa: ANN001 - NumPy arrays in and out
        self.interpreter.set_tensor(self.input, x)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.output)


def litert_predict(path: Path, x):  # noqa: ANN001, ANN201 - NumPy arrays in and out
    """The exported model's probabilities for the images `x`, in one call."""
    return LiteRT(path, len(x))(x)


def median_seconds(call: Callable[[], object], runs: int, warmup: int = WARMUP) -> float:
    """Median wall-clock seconds of `call()` over `runs` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shown(path: Path) -> str:
    """`path` relative to the repository if it lies inside, else as given."""
    path = path.resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def measure(model_path: Path, exported: Path, runs: int, batch_runs: int) -> dict:
    """Sizes, agreement with Keras on the first 1,000 test digits, and seconds per image of each way to predict."""
    import keras
    import numpy as np

    model = keras.saving.load_model(model_path)
    x, y = load_digits()
    ours, theirs = model.predict(x, batch_size=len(x), verbose=0), litert_predict(exported, x)
    one = x[:1]
    single = LiteRT(exported, 1)
    batch = LiteRT(exported, len(x))
    n = len(x)
    return {
        "bytes": {"keras": model_path.stat().st_size, "tflite": exported.stat().st_size},
        "weights": model.count_params(),
        "sha256": {"keras": sha256(model_path), "tflite": sha256(exported)},
        "agreement": {
            "images": n,
            "same_digit": int((ours.argmax(1) == theirs.argmax(1)).sum()),
            "max_abs_difference": float(np.abs(ours - theirs).max()),
            "correct": {"keras": int((ours.argmax(1) == y).sum()), "litert": int((theirs.argmax(1) == y).sum())},
        },
        "seconds_per_image": {
            "batch_1": {
                "keras_predict": median_seconds(lambda: model.predict(one, verbose=0), runs),
                "keras_call": median_seconds(lambda: model(one, training=False), runs),
                "litert": median_seconds(lambda: single(one), runs),
            },
            f"batch_{n}": {
                "keras_predict": median_seconds(lambda: model.predict(x, batch_size=n, verbose=0), batch_runs) / n,
                "litert": median_seconds(lambda: batch(x), batch_runs) / n,
            },
        },
        "timing": {"runs": runs, "batch_runs": batch_runs, "warmup": WARMUP, "statistic": "median"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL, help=f"Keras model (default: {shown(MODEL)})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder for {EXPORTED} (default: {shown(OUT)})")
    parser.add_argument("--record", type=Path, default=RECORD, help=f"JSON record to write (default: {shown(RECORD)})")
    parser.add_argument("--runs", type=int, default=200, help="timed calls of one image each (default: 200)")
    parser.add_argument(
        "--batch-runs", type=int, default=10, help=f"timed calls of {IMAGES:,} images each (default: 10)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.batch_runs < 1:
        parser.error("--runs and --batch-runs must be at least 1")
    if not args.model.is_file():
        parser.error(f"no model at {args.model}")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out} is not a folder")
    if args.record.is_dir():
        parser.error(f"--record {args.record} is a folder, not a file")
    if course.find_mnist() is None:
        parser.error("MNIST not found: set MNIST_PATH to mnist.npz")

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        exported = export(args.model, args.out)
    except (OSError, ValueError) as error:  # not a Keras file, or a model the converter refuses
        print(f"error: cannot export {args.model}: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    print(f"wrote {shown(exported)} ({exported.stat().st_size:,} bytes)")
    measured = measure(args.model, exported, args.runs, args.batch_runs)
    record = {
        "date": dt.date.today().isoformat(),
        # File names only: the files are compared by size and hash, wherever this run wrote them.
        "model": args.model.name,
        "exported": exported.name,
        **measured,
        "machine": course.machine(),
        "versions": course.versions(PACKAGES),
    }
    with course.atomic_path(args.record) as tmp:
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    agreement = measured["agreement"]
    print(
        f"same digit as Keras on {agreement['same_digit']} of {agreement['images']} images, "
        f"largest probability difference {agreement['max_abs_difference']:.1e}"
    )
    for batch, times in measured["seconds_per_image"].items():
        print(batch + ": " + ", ".join(f"{name} {seconds * 1e6:,.1f} µs/image" for name, seconds in times.items()))
    print(f"wrote {shown(args.record)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
