"""MNIST is found offline, read correctly, and its absence is reported in plain words.

The examples' helpers are tested through their reference copies in tests/example_helpers.py;
tests/test_examples.py checks that every example carries them unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import course
import example_helpers

ROOT = Path(__file__).resolve().parents[1]


def test_local_copy_is_found_and_read() -> None:
    path = course.find_mnist()
    assert path is not None, "no MNIST beside the project; see ../shared/data/README.md"
    (x_train, y_train), (x_test, y_test) = example_helpers.load_mnist(path)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]
    assert y_test[:5].tolist() == [7, 2, 1, 0, 4]


def test_examples_find_it_through_mnist_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./mnist.npz, ./data/ or ../shared/ here
    monkeypatch.setenv("MNIST_PATH", str(course.find_mnist()))
    (_, y_train), _ = example_helpers.load_mnist()
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]


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
    assert opened == [str(course.find_mnist())]
    assert x_train.shape == (60000, 28, 28) and y_train[:5].tolist() == [5, 0, 4, 1, 9]


def run_helper(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` after importing the reference helpers, in a clean process."""
    environment = {k: v for k, v in os.environ.items() if k != "MNIST_PATH"} | env
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r}); {code}"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run_helper(f"import example_helpers as h; h.load_mnist(h.Path({str(tmp_path / 'nope.npz')!r}))", tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: no MNIST file at {tmp_path / 'nope.npz'}\n"


def test_wrong_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    result = run_helper("import example_helpers as h; h.load_mnist(h.Path('bad.npz'))", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: bad.npz is not an MNIST .npz"), result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_no_data_and_no_network_explains_what_to_do(tmp_path: Path) -> None:
    """Nothing local, and Keras's download fails (a dead proxy stands in for no network): one line, exit 2."""
    home = tmp_path / "home"
    result = run_helper(
        "import example_helpers as h; h.load_mnist()",
        tmp_path,
        HOME=str(home),
        KERAS_HOME=str(home / ".keras"),
        HTTPS_PROXY="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: MNIST is not here and its download failed"), result.stderr
    assert "--data" in result.stderr and len(result.stderr.splitlines()) == 1


def test_fail_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    result = run_helper("import example_helpers as h; h.fail('no MNIST here')", tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: no MNIST here\n"


def test_save_figure_keeps_the_old_file_when_drawing_fails(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    target = tmp_path / "figure.png"
    target.write_bytes(b"good")
    fig = plt.figure()
    with pytest.raises(ValueError):
        example_helpers.save_figure(fig, target, dpi=-1)  # matplotlib refuses a negative resolution
    assert target.read_bytes() == b"good"
    example_helpers.save_figure(plt.figure(), target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_atomic_path_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "model.keras"
    target.write_text("good")
    with pytest.raises(RuntimeError), course.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "good"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_path_gives_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with course.atomic_path(tmp_path / "figure.png") as tmp:
            tmp.write_bytes(b"png")
    finally:
        os.umask(umask)
    assert (tmp_path / "figure.png").stat().st_mode & 0o777 == 0o644
