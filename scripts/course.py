"""What the generators, benchmarks and tests share; the examples never import it.

The examples are leaves: each runs alone wherever a reader saves it, and writes its
results (figures, models, JSON records) into the folder it is given. Everything else
reads those files, or runs an example with `run_example`, and finds its helpers here.
"""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
KERAS_CACHE = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "mnist.npz"


def mnist_candidates() -> list[Path]:
    """Where the course looks for MNIST: $MNIST_PATH, shared/ beside the checkout, data/, Keras's cache."""
    places = [ROOT.parent / "shared" / "data" / "mnist.npz", ROOT / "data" / "mnist.npz", KERAS_CACHE]
    if os.environ.get("MNIST_PATH"):
        places.insert(0, Path(os.environ["MNIST_PATH"]))
    return places


def find_mnist() -> Path | None:
    """The first MNIST .npz that exists, or None."""
    return next((p for p in mnist_candidates() if p.is_file()), None)


def example_env(home: Path | None = None) -> dict[str, str]:
    """The environment an example runs in: MNIST found offline, quiet TensorFlow, files under `home` if given."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    env.pop("EXAMPLE_ARGS", None)
    found = find_mnist()
    if found is not None:
        env["MNIST_PATH"] = str(found.resolve())
    if home is not None:  # Keras and matplotlib keep their caches under HOME
        env.update(HOME=str(home), MPLCONFIGDIR=str(home / ".config" / "matplotlib"), KERAS_HOME=str(home / ".keras"))
    return env


def run_example(
    name: str, *args: str, cwd: Path, timeout: float = 900, script: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `examples/NAME.py ARGS` (or `script`) in `cwd` as a reader would, and return the finished process."""
    path = script or EXAMPLES / f"{name}.py"
    return subprocess.run(
        [sys.executable, str(path), *args],
        cwd=cwd,
        env=example_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


GENERATED = ROOT / "docs" / "generated"  # the Markdown fragments the pages include with --8<--


def markdown_table(header: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table: the header row, the separator and one line per row."""
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_fragments(texts: dict[str, str], out: Path = GENERATED) -> None:
    """Write each fragment (file name -> text) into `out`, each file whole or not at all."""
    for name, text in texts.items():
        with atomic_path(out / name) as tmp:
            tmp.write_text(text, encoding="utf-8")
        path = out / name
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; it replaces `target` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what `platform` knows."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def cpu_flags() -> list[str]:
    """The vector-instruction flags that decide TensorFlow's CPU speed (avx2, fma, avx_vnni, avx512*, amx*)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = line.split(":", 1)[1].split()
                named = ("avx", "avx2", "fma", "avx_vnni")
                return sorted(f for f in flags if f in named or f.startswith(("avx512", "amx")))
    return []


def machine() -> dict:
    """The machine a measurement was made on, for records: CPU, cores, vector flags, system."""
    flags = cpu_flags()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "avx512": any(f.startswith("avx512") for f in flags),
        "flags": flags,
        "system": platform.system(),
        "python": platform.python_version(),
    }


def versions(packages: Sequence[str]) -> dict[str, str]:
    """Installed versions of `packages` (absent ones are left out)."""
    found = {}
    for name in packages:
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found
