"""Test setup shared by tests/ and the Markdown pages: import paths and offline MNIST."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT / "examples"), str(ROOT / "scripts")]

import common


def pytest_configure(config: pytest.Config) -> None:
    """Make `keras.datasets.mnist.load_data()` read the local copy instead of downloading.

    Snippets on the site call the standard Keras API; pytest-codeblocks runs them
    in this process. Keras's loader fetches `mnist.npz` through `get_file`, so
    answering that one call with the local file covers every alias of the API.
    """
    found = common.find_mnist()
    if found is None:
        return  # tests that need MNIST fail with the loader's own message
    common.import_keras()
    import keras.src.datasets.mnist as keras_mnist

    real_get_file = keras_mnist.get_file

    def get_file(fname=None, origin=None, **kwargs):
        if fname == "mnist.npz":
            return str(found)
        return real_get_file(fname, origin, **kwargs)

    keras_mnist.get_file = get_file
