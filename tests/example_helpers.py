"""The reference copies of the helpers that examples carry, so that each runs alone wherever it is saved.

An example that defines one of these names defines it exactly as here (tests/test_examples.py checks it),
so a fix made here reaches every copy. Copy what an example needs into its folded helpers cell
(`# %% tags=["fold"]`), after `IN_NOTEBOOK = "ipykernel" in sys.modules` (and `MNIST_URL` and `Mnist`
for load_mnist, which must not import TensorFlow: errors stay one line, without TensorFlow's start-up notices).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

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


def save_json(data: object, path: Path) -> None:
    """Write `data` to `path` as indented JSON, whole (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
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
