"""Every example script runs offline in a fast mode, writes its figures, and fails cleanly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from make_figures import FIGURE_SOURCES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.py") if p.name != "common.py")

# Arguments that make each example finish in seconds. Every example needs an entry.
FAST_ARGS: dict[str, list[str]] = {
    "conv_kernels.py": ["--size", "64"],
}
HAND_MADE = ROOT / "assets" / "brand"  # logo and favicon: the only images not generated


def run(script: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_every_example_has_a_fast_mode_and_a_page() -> None:
    assert sorted(FAST_ARGS) == EXAMPLES
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for script in EXAMPLES:
        assert f"examples/{script}" in nav, f"{script} is not in the nav"


@pytest.mark.parametrize("script", EXAMPLES)
def test_help(script: str) -> None:
    result = run(script, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")


@pytest.mark.parametrize("script", EXAMPLES)
def test_fast_run_writes_exactly_its_figures(script: str, tmp_path: Path) -> None:
    result = run(script, *FAST_ARGS[script], "--out", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(p.name for p in tmp_path.rglob("*.png"))
    assert written == sorted(FIGURE_SOURCES.get(script, ()))
    for name in written:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_page_image_is_generated_by_an_example() -> None:
    generated = {f"assets/figures/{name}" for names in FIGURE_SOURCES.values() for name in names}
    for page in (ROOT / "docs").rglob("*.md"):
        for ref in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", page.read_text(encoding="utf-8")):
            target = (page.parent / ref).resolve()
            rel = target.relative_to((ROOT / "docs" / page.relative_to(ROOT / "docs").parts[0]).resolve())
            rel_posix = rel.as_posix()
            assert rel_posix in generated or target.is_relative_to(HAND_MADE), f"{page.name}: {ref}"
            assert (ROOT / rel_posix).is_file(), f"{page.name}: {ref} does not exist"


def test_bad_arguments_fail_with_a_short_message() -> None:
    result = run("conv_kernels.py", "--size", "3", "--out", "/nonexistent/never")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert "--size" in result.stderr
