"""MNIST is found offline, read correctly, and its absence is reported in plain words."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import common

ROOT = Path(__file__).resolve().parents[1]


def test_local_copy_is_found_and_read() -> None:
    path = common.find_mnist()
    assert path is not None, "no MNIST beside the project; see ../shared/data/README.md"
    (x_train, y_train), (x_test, y_test) = common.load_mnist(path)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]
    assert y_test[:5].tolist() == [7, 2, 1, 0, 4]


def test_keras_load_data_is_served_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    """The snippets' `keras.datasets.mnist.load_data()` opens the local file, with no network and no Keras cache."""
    import socket

    import keras

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("load_data() tried to reach the network")

    opened: list[str] = []
    real_load = np.load

    def recording_load(file: object, *args: object, **kwargs: object) -> object:
        opened.append(str(file))
        return real_load(file, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(np, "load", recording_load)
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    assert opened == [str(common.find_mnist())]
    assert x_train.shape == (60000, 28, 28) and y_train[:5].tolist() == [5, 0, 4, 1, 9]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(common.UsageError, match="no MNIST file"):
        common.load_mnist(tmp_path / "nope.npz")


def test_wrong_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(common.UsageError, match="not an MNIST"):
        common.load_mnist(bad)


def test_no_data_and_no_network_explains_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    import keras

    def offline() -> None:
        raise OSError("network unreachable")

    monkeypatch.setattr(common, "mnist_candidates", lambda: [])
    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(common.UsageError, match="--data") as info:
        common.load_mnist()
    assert len(str(info.value).splitlines()) <= 2


def test_fail_prints_one_line_and_exits_2() -> None:
    code = "import sys; sys.path.insert(0, 'examples'); import common; common.fail('no MNIST here')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr == "error: no MNIST here\n"


def test_atomic_path_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "model.keras"
    target.write_text("good")
    with pytest.raises(RuntimeError), common.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "good"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_path_gives_ordinary_permissions(tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        with common.atomic_path(tmp_path / "figure.png") as tmp:
            tmp.write_bytes(b"png")
    finally:
        os.umask(umask)
    assert (tmp_path / "figure.png").stat().st_mode & 0o777 == 0o644
