"""Fresh runs that several test files read, each made once per test session, whichever process asks first.

Tests never import an example: they run it into a temporary folder, as a reader would, and read what it wrote.
pytest.ini runs the tests in two processes (pytest-xdist); `shared` lets both use one run of each: the first to
ask makes it in a folder of this session's temporary directory, under a lock, and the other waits and reads it.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

import course
from make_figures import FOLDERS, SOURCES

# This session's folder for shared runs: tests/conftest.py sets it before any test runs (the parent of every
# worker's temporary directory under pytest-xdist, or the one process's own).
SHARED: Path | None = None


def shared(name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, filled once per session by `make(folder)`; a failed `make` leaves nothing behind."""
    assert SHARED is not None, "tests/conftest.py sets runs.SHARED at the start of the session"
    out, complete = SHARED / name, SHARED / f"{name}.complete"
    with FileLock(f"{out}.lock"):
        if not complete.is_file():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            try:
                make(out)
            except BaseException:
                shutil.rmtree(out, ignore_errors=True)
                raise
            complete.touch()
    return out


def run_into(name: str, *args: str) -> Callable[[Path], None]:
    """A `make` for `shared`: runs examples/NAME.py with `args` in the folder, which is also its --out.

    What the run printed is kept beside the folder (`stdout`), so the folder holds only what the run wrote.
    """

    def make(out: Path) -> None:
        result = course.run_example(name, *args, "--out", str(out), cwd=out)
        stdout(out).write_text(result.stdout, encoding="utf-8")
        assert result.returncode == 0, result.stdout + result.stderr

    return make


def stdout(out: Path) -> Path:
    """The file that holds what the run that wrote `out` printed."""
    return out.with_name(f"{out.name}.stdout.txt")


def script_smoke(name: str) -> Path:
    """The folder in which a copy of examples/NAME.py ran `python NAME.py --smoke`, as a reader runs a download.

    Beside the copy lies what `make figures` gives the script (training's handwritten samples, predict_digit's
    model and samples); the folder is also the run's HOME, so Keras's and matplotlib's caches land inside it.
    The run writes into outputs/ (the default --out) and may write nothing beside the folder: its parent holds
    only the folder. What the run printed is in `stdout(parent)`.
    """

    def make(parent: Path) -> None:
        folder = parent / "script"
        folder.mkdir()
        shutil.copy(course.EXAMPLES / f"{name}.py", folder)
        (source,) = [s for s in SOURCES if s.script == f"examples/{name}.py" and s.page]
        source.copy_inputs({key: course.ROOT / value for key, value in FOLDERS.items()}, folder)
        result = subprocess.run(
            [sys.executable, f"{name}.py", "--smoke"],
            cwd=folder,
            env=course.example_env(home=folder),
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        stdout(parent).write_text(result.stdout, encoding="utf-8")
        assert result.returncode == 0, f"{name}.py --smoke:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"

    return shared(f"script_smoke_{name}", make) / "script"


@functools.cache
def architectures_record() -> dict:
    """architectures.json from one full run of examples/architectures.py in an empty temporary folder."""
    out = shared("architectures", run_into("architectures"))
    written = sorted(p.name for p in out.rglob("*"))
    assert written == ["alexnet_budget.png", "architectures.json", "lenet5_c3_table.png"]
    return json.loads((out / "architectures.json").read_text(encoding="utf-8"))


@functools.cache
def lenet_smoke_record() -> dict:
    """lenet.json of the `--smoke` run of examples/lenet_mnist.py (default preset) that `script_smoke` makes.

    The presets, the layers and the compiled recipe it records do not depend on how long the model trains.
    """
    return json.loads((script_smoke("lenet_mnist") / "outputs" / "lenet.json").read_text(encoding="utf-8"))


def lenet_full_run() -> Path:
    """The folder of one full default run of examples/lenet_mnist.py (lenet.keras, lenet.json, figures)."""
    return shared("lenet_full", run_into("lenet_mnist"))
