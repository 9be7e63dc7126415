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
    in this process.
    """
    found = common.find_mnist()
    if found is None:
        return  # tests that need MNIST fail with the loader's own message
    common.import_keras()
    common.use_local_mnist(found)
