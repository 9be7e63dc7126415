"""The frameworks lesson: both snippet files run, the benchmark works, and its committed record is sound.

Both tabs must build the course's LeNet-5: its parameter count comes from the lenet.json record of a --smoke
run of examples/lenet_mnist.py (the architecture does not depend on how long it trains).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import benchmark_frameworks as bench
from runs import lenet_smoke_record

ROOT = Path(__file__).resolve().parents[1]
RECORD = json.loads(bench.DATA.read_text(encoding="utf-8"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark_frameworks.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


@pytest.fixture(scope="module")
def lenet() -> dict:
    """lenet.json of a --smoke run of examples/lenet_mnist.py: the course's LeNet-5 and its recipe."""
    return lenet_smoke_record()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One full run of every implementation, on all of MNIST."""
    out = tmp_path_factory.mktemp("frameworks") / "record.json"
    result = run("--repeats", "1", "--write", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def recipes(record: dict) -> set[tuple]:
    """The (epochs, batch size, learning rate) of each implementation in a record."""
    return {(s["epochs"], s["batch_size"], s["learning_rate"]) for s in record["summary"].values()}


def test_every_implementation_trains_the_same_model(fresh: dict, lenet: dict) -> None:
    summary = fresh["summary"]
    assert list(summary) == list(bench.IMPLEMENTATIONS)
    assert fresh["implementations"] == RECORD["implementations"]
    # One recipe for all four, and the one the committed record (and so the page's note) states.
    assert len(recipes(fresh)) == 1 and recipes(fresh) == recipes(RECORD)
    for name, s in summary.items():
        assert s["params"] == lenet["params"], name  # the course's LeNet-5
        assert s["epochs"] == lenet["presets"]["default"]["epochs"], name  # as many epochs as its recipe
        assert s["first_epoch_seconds"] > 0 and s["epoch_seconds"] > 0, name


def test_a_fresh_run_agrees_with_the_committed_record(fresh: dict, lenet: dict) -> None:
    assert fresh["smoke"] is False and recipes(fresh) == recipes(RECORD)
    for name, s in fresh["summary"].items():
        assert s["params"] == lenet["params"], name
        assert s["median_accuracy"] > 0.97, name
        committed = RECORD["summary"][name]["median_accuracy"]
        assert abs(s["median_accuracy"] - committed) < 0.01, name


def test_committed_record_is_complete_and_consistent() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", RECORD["date"])
    assert RECORD["machine"]["cores"] >= 1 and RECORD["machine"]["cpu"]
    assert RECORD["smoke"] is False
    assert RECORD["summary"] == bench.summarise(RECORD["runs"])
    assert list(RECORD["summary"]) == list(bench.IMPLEMENTATIONS)
    # make_fragments.py reads each implementation's packages from here, not from the benchmark's code.
    assert RECORD["implementations"] == bench.implementations(list(bench.IMPLEMENTATIONS))
    assert len(RECORD["runs"]) == RECORD["repeats"] * len(bench.IMPLEMENTATIONS)


def test_committed_record_was_measured_with_the_pinned_versions() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "requirements").glob("*.txt"))
    pins = dict(re.findall(r"^([\w-]+)==([^\s;]+)", text, re.M))
    for package, measured in RECORD["versions"].items():
        if package != "python":
            assert measured.split("+")[0] == pins[package], f"{package}: rerun scripts/benchmark_frameworks.py"


def test_both_snippets_are_on_the_page_in_both_languages() -> None:
    for lang in ("en", "zh"):
        page = (ROOT / "docs" / lang / "lessons" / "frameworks.md").read_text(encoding="utf-8")
        for snippet in sorted({s for s, _, _ in bench.IMPLEMENTATIONS.values()}):
            assert f'--8<-- "{snippet}"' in page, (lang, snippet)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--repeats", "0"], "--repeats must be at least 1"),
        (["--data", "/nonexistent/mnist.npz"], "no MNIST file at /nonexistent/mnist.npz"),
        (["--only", "tensorflow"], "invalid choice"),
    ],
)
def test_bad_input_gets_a_short_error(args: list[str], message: str, tmp_path: Path) -> None:
    result = run(*args, "--write", str(tmp_path / "record.json"))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert not (tmp_path / "record.json").exists()


def test_the_benchmark_imports_no_example_and_no_other_script() -> None:
    """It runs the snippets and uses course.py; anything it needed from an example would come from a record."""
    tree = ast.parse((ROOT / "scripts" / "benchmark_frameworks.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    ours = {p.stem for folder in ("examples", "scripts") for p in (ROOT / folder).glob("*.py")}
    assert imported & ours == {"course"}
    assert "sys.path" not in ast.unparse(tree)
