"""Fresh runs of the examples that several test files read, each made once per test session.

Tests never import an example: they run it into a temporary folder, as a reader would, and read what it wrote.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

import course


@functools.cache
def architectures_record() -> dict:
    """architectures.json from one full run of examples/architectures.py in an empty temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        result = course.run_example("architectures", "--out", tmp, cwd=Path(tmp))
        assert result.returncode == 0, result.stdout + result.stderr
        written = sorted(p.name for p in Path(tmp).rglob("*"))
        assert written == ["alexnet_budget.png", "architectures.json", "lenet5_c3_table.png"]
        return json.loads((Path(tmp) / "architectures.json").read_text(encoding="utf-8"))


@functools.cache
def lenet_smoke_record() -> dict:
    """lenet.json of one `--smoke` run of examples/lenet_mnist.py (default preset) in an empty temporary folder.

    The presets, the layers and the compiled recipe it records do not depend on how long the model trains.
    """
    with tempfile.TemporaryDirectory() as tmp:
        result = course.run_example("lenet_mnist", "--smoke", "--out", "out", cwd=Path(tmp), timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads((Path(tmp) / "out" / "lenet.json").read_text(encoding="utf-8"))
