"""Regenerate every figure in assets/figures by running the example scripts.

`python scripts/make_figures.py` reruns every example; `--missing` reruns only
those whose figures are absent (what `make serve` does). The table below is the
single list of which script writes which figure; the tests check it both ways.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "assets" / "figures"

# script in examples/ -> the figures (in assets/figures/) it writes
FIGURE_SOURCES: dict[str, tuple[str, ...]] = {
    "conv_kernels.py": ("conv_kernels.png",),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="only run scripts whose figures are missing")
    args = parser.parse_args(argv)
    for script, figures in FIGURE_SOURCES.items():
        if args.missing and all((FIGURES / f).is_file() for f in figures):
            continue
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(ROOT / "examples" / script), "--out", str(FIGURES)], check=False)
        if result.returncode != 0:
            print(f"error: examples/{script} failed (exit {result.returncode})", file=sys.stderr)
            return result.returncode
        print(f"examples/{script}: {len(figures)} figure(s) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
