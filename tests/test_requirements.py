"""Dependencies by role, every version pinned, and a CPU-only PyTorch."""

from __future__ import annotations

import re
import sys
from importlib.metadata import distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REQ = ROOT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;]+)(?:\s*;\s*(.+))?$")
NOT_PINNED = {"pip"}  # the virtualenv's own installer


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line of a requirements file whose marker holds here."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match and (match.group(3) is None or _marker_holds(match.group(3))):
            found[_norm(match.group(1))] = match.group(2)
    return found


def _marker_holds(marker: str) -> bool:
    from packaging.markers import Marker

    return Marker(marker).evaluate()


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


ROLES = ("site", "examples", "frameworks", "torch-cpu", "test")


def test_requirements_txt_is_every_role_plus_the_constraints() -> None:
    lines = [line for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    assert [line for line in lines if line] == [f"-r requirements/{r}.txt" for r in ROLES] + [
        "-c requirements/constraints.txt"
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_file_pins_exactly_and_agrees_with_the_constraints(role: str) -> None:
    text = (REQ / f"{role}.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert all(PIN.match(line) or line.startswith("--find-links ") for line in lines), lines
    constraints = pins(REQ / "constraints.txt")
    for name, version in pins(REQ / f"{role}.txt").items():
        if name != "torch":
            assert constraints.get(name) == version, (
                f"{role}.txt pins {name}=={version}, constraints say {constraints.get(name)}"
            )


def test_every_installed_package_is_pinned() -> None:
    """`make lock` wrote requirements/constraints.txt from this environment: nothing unpinned slipped in."""
    constraints = pins(REQ / "constraints.txt") | pins(REQ / "torch-cpu.txt")
    installed = {_norm(d.metadata["Name"]): d.version for d in distributions()}
    problems = [
        f"{name} {version} (pinned: {constraints.get(name)})"
        for name, version in sorted(installed.items())
        if name not in NOT_PINNED and constraints.get(name) != version
    ]
    assert not problems, "run `make lock`:\n" + "\n".join(problems)


@pytest.mark.skipif(sys.platform != "linux", reason="the CPU-only torch build is chosen explicitly on Linux only")
def test_torch_is_the_cpu_build_on_linux() -> None:
    import torch

    assert pins(REQ / "torch-cpu.txt")["torch"].endswith("+cpu")
    assert "--find-links https://download.pytorch.org/whl/cpu/torch/" in (REQ / "torch-cpu.txt").read_text()
    assert torch.__version__.endswith("+cpu") and torch.version.cuda is None
    assert not [d.metadata["Name"] for d in distributions() if d.metadata["Name"].lower().startswith("nvidia-")]


def test_torch_dependencies_come_before_torch() -> None:
    """`make` installs torch with --no-deps, after frameworks.txt has installed what torch requires."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    needed = {_norm(Requirement(r).name) for r in requires("torch") or [] if "extra ==" not in r}
    installed_first = set().union(*(pins(REQ / f"{role}.txt") for role in ROLES if role != "torch-cpu"))
    constraints = pins(REQ / "constraints.txt")
    assert needed <= installed_first | {n for n in needed if n in constraints and _pulled_in(n)}, needed


def _pulled_in(name: str) -> bool:
    """Whether `name` is installed as a dependency of something other than torch."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    return any(
        _norm(Requirement(r).name) == name
        for d in distributions()
        if _norm(d.metadata["Name"]) != "torch"
        for r in (requires(d.metadata["Name"]) or [])
        if "extra ==" not in r
    )
