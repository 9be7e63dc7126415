"""The frameworks lesson: both snippet files run, the benchmark works, and its committed record is sound."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import benchmark_frameworks as bench
import lenet_mnist

ROOT = Path(__file__).resolve().parents[1]
RECORD = json.loads(bench.DATA.read_text(encoding="utf-8"))
LENET_PARAMS = lenet_mnist.build_lenet5().count_params()  # both tabs build the course's LeNet-5


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark_frameworks.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One run of every implementation, i.e. of both snippet files, the Keras one on every backend."""
    out = tmp_path_factory.mktemp("frameworks") / "record.json"
    result = run("--repeats", "1", "--write", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_implementation_trains_the_same_model(fresh: dict) -> None:
    summary = fresh["summary"]
    assert list(summary) == list(bench.IMPLEMENTATIONS)
    # One recipe for all four, and the one the committed record (and so the page's note) states.
    recipes = {(s["epochs"], s["batch_size"], s["learning_rate"]) for s in summary.values()}
    committed = {(s["epochs"], s["batch_size"], s["learning_rate"]) for s in RECORD["summary"].values()}
    assert len(recipes) == 1 and recipes == committed
    for name, s in summary.items():
        assert s["params"] == LENET_PARAMS, name
        assert s["median_accuracy"] > 0.97, name
        assert s["first_epoch_seconds"] > 0 and s["epoch_seconds"] > 0, name


def test_a_fresh_run_agrees_with_the_committed_record(fresh: dict) -> None:
    for name, s in fresh["summary"].items():
        committed = RECORD["summary"][name]["median_accuracy"]
        assert abs(s["median_accuracy"] - committed) < 0.01, name


def test_committed_record_is_complete_and_consistent() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", RECORD["date"])
    assert RECORD["machine"]["cores"] >= 1 and RECORD["machine"]["cpu"]
    assert RECORD["summary"] == bench.summarise(RECORD["runs"])
    assert list(RECORD["summary"]) == list(bench.IMPLEMENTATIONS)
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
