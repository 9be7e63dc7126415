"""Test setup shared by tests/ and the Markdown pages: the snippets' MNIST comes from the local copy.

pytest.ini puts scripts/ (course.py) and tests/ on the import path; nothing here imports an example.
"""

from __future__ import annotations

import os

import pytest

from course import find_mnist
from example_helpers import stderr_silenced


def pytest_configure(config: pytest.Config) -> None:
    """Make `keras.datasets.mnist.load_data()` read the local copy instead of downloading.

    Snippets on the site call the standard Keras API; pytest-codeblocks runs them in this process.
    Keras fetches `mnist.npz` through `get_file` and checks the download's hash, which the local copy
    (re-saved, same arrays) does not share, so its cache cannot simply be pre-filled: answer that one call.
    """
    found = find_mnist()
    if found is None:
        return  # tests that need MNIST fail with the loader's own message
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with stderr_silenced():  # TensorFlow's C++ start-up notices
        import keras.src.datasets.mnist as keras_mnist

    real_get_file = keras_mnist.get_file

    def get_file(fname=None, origin=None, **kwargs):
        return str(found) if fname == "mnist.npz" else real_get_file(fname, origin, **kwargs)

    keras_mnist.get_file = get_file
