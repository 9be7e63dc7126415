"""Every example and generator runs offline in a fast mode, writes exactly its files, and fails cleanly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from make_figures import FOLDERS, SOURCES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(f"examples/{p.name}" for p in (ROOT / "examples").glob("*.py") if p.name != "common.py")

# Arguments that make each generator finish in seconds. Every generator needs an entry.
FAST_ARGS: dict[str, list[str]] = {
    "examples/conv_kernels.py": ["--size", "64"],
    "examples/padding_stride.py": [],
    "examples/pooling.py": [],
    "examples/activations.py": [],
    "examples/learning.py": [],
    "examples/lenet_mnist.py": ["--smoke"],
    "examples/mlp_vs_cnn.py": ["--smoke"],
    "examples/architectures.py": [],
    "scripts/make_samples.py": [],
}


def run(script: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, str(ROOT / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_every_generator_has_a_fast_mode() -> None:
    assert sorted(FAST_ARGS) == sorted(s.script for s in SOURCES)


def test_every_example_is_a_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for script in EXAMPLES:
        assert script in nav, f"{script} is not in the nav"


@pytest.mark.parametrize("script", EXAMPLES)
def test_help(script: str) -> None:
    result = run(script, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.script)
def test_fast_run_writes_exactly_its_files(source, tmp_path: Path) -> None:
    folders = {key: tmp_path / key for key in FOLDERS}
    scratch = tmp_path / "scratch"
    command = source.command(folders, scratch)
    result = run(source.script, *command[2:], *FAST_ARGS[source.script], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and scratch not in p.parents)
    assert written == sorted(source.paths(folders))
    for path in written:
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
        if path.suffix == ".jpg":
            assert path.read_bytes()[:3] == b"\xff\xd8\xff", path


def test_every_page_image_is_generated() -> None:
    generated = {str(p.relative_to(ROOT)) for s in SOURCES for p in s.paths({k: ROOT / v for k, v in FOLDERS.items()})}
    for lang in ("en", "zh"):
        docs = ROOT / "docs" / lang
        for page in docs.rglob("*.md"):
            for ref in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", page.read_text(encoding="utf-8")):
                rel = (page.parent / ref).resolve().relative_to(docs.resolve()).as_posix()
                assert rel in generated, f"{lang}/{page.name}: {ref} is not written by any generator"
                assert (ROOT / rel).is_file(), f"{lang}/{page.name}: {ref} does not exist"


def test_bad_arguments_fail_with_a_short_message() -> None:
    result = run("examples/conv_kernels.py", "--size", "3", "--out", "/nonexistent/never")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert "--size" in result.stderr


@pytest.mark.parametrize(
    "script", ["examples/lenet_mnist.py", "examples/mlp_vs_cnn.py", "examples/pooling.py", "scripts/make_samples.py"]
)
def test_missing_mnist_is_one_clear_line(script: str, tmp_path: Path) -> None:
    result = run(script, "--data", str(tmp_path / "absent.npz"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: no MNIST file at"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
