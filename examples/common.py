"""Helpers shared by the example scripts: finding MNIST offline, clean errors, atomic writes.

Keep this file beside the example you run; the scripts import it as `common`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import numpy as np
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "assets" / "figures"
KERAS_CACHE = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "mnist.npz"
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")

Mnist = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class UsageError(Exception):
    """Bad input from the user: reported in one or two lines, exit code 2."""


def fail(message: str) -> NoReturn:
    """Print `error: message` to stderr and exit with status 2."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors, `prog: error: message (see --help)`, and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def import_keras():  # noqa: ANN201 - returns the keras module
    """Import Keras on TensorFlow with TensorFlow's C++ start-up notices kept off the terminal.

    TensorFlow 2.21 writes oneDNN and CUDA notices to stderr while it loads,
    before TF_CPP_MIN_LOG_LEVEL takes effect; they would bury one-line error
    messages. Python exceptions still surface as usual.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules:
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            import tensorflow  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
    import keras

    return keras


def mnist_candidates() -> list[Path]:
    """Where MNIST is looked for, in order, when no path is given."""
    places = [ROOT.parent / "shared" / "data" / "mnist.npz", ROOT / "data" / "mnist.npz", KERAS_CACHE]
    if os.environ.get("MNIST_PATH"):
        places.insert(0, Path(os.environ["MNIST_PATH"]))
    return places


def find_mnist(path: str | Path | None = None) -> Path | None:
    """Return the MNIST .npz to use: `path` if given, else the first candidate that exists."""
    if path is not None:
        path = Path(path).expanduser()
        if not path.is_file():
            raise UsageError(f"no MNIST file at {path}")
        return path
    return next((p for p in mnist_candidates() if p.is_file()), None)


def read_mnist(path: Path) -> Mnist:
    """Read an mnist.npz with the layout of Keras's file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            x_train, y_train, x_test, y_test = (data[k] for k in MNIST_KEYS)
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"{path} is not an MNIST .npz with keys {', '.join(MNIST_KEYS)} ({exc})") from None
    if x_train.shape[1:] != (28, 28) or len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise UsageError(f"{path} does not hold 28x28 MNIST images with matching labels")
    return (x_train, y_train), (x_test, y_test)


def load_mnist(path: str | Path | None = None) -> Mnist:
    """MNIST as `keras.datasets.mnist.load_data()` returns it, found without the network if possible."""
    found = find_mnist(path)
    if found is not None:
        return read_mnist(found)
    try:  # Keras's own download: it needs the network
        return import_keras().datasets.mnist.load_data()
    except Exception as exc:
        looked = ", ".join(str(p) for p in mnist_candidates())
        raise UsageError(
            f"MNIST not found (looked in {looked}) and the download failed ({type(exc).__name__}).\n"
            "Pass --data PATH/TO/mnist.npz, set MNIST_PATH, or run keras.datasets.mnist.load_data() once online."
        ) from None


def use_local_mnist(path: Path) -> None:
    """Make `keras.datasets.mnist.load_data()` read `path` instead of downloading it.

    Keras's loader fetches `mnist.npz` through `get_file`; answering that one call
    covers every alias of the API. Import Keras (with the backend you want) first.
    """
    import keras.src.datasets.mnist as keras_mnist

    real_get_file = keras_mnist.get_file

    def get_file(fname=None, origin=None, **kwargs):  # noqa: ANN001 - Keras's own signature
        return str(path) if fname == "mnist.npz" else real_get_file(fname, origin, **kwargs)

    keras_mnist.get_file = get_file


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; it replaces `target` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_figure(fig: Figure, target: str | Path, **kwargs) -> Path:
    """Save a matplotlib figure atomically (never a half-written PNG) and close it."""
    import matplotlib.pyplot as plt

    with atomic_path(target) as tmp:
        fig.savefig(tmp, **kwargs)
    plt.close(fig)
    return Path(target)
