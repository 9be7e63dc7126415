"""Regenerate every figure and sample image the site shows, then the generated fragments.

`python scripts/make_figures.py` (`make figures`) reruns every generator. SOURCES is
the single list of which script writes which file; the tests check it both ways.
`make serve` regenerates nothing: the figures and fragments are committed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"figures": "assets/figures", "samples": "assets/samples", "data": "docs/data"}
LENET_FIGURES = ("lenet_curves", "lenet_confusion", "lenet_errors", "lenet_kernels", "lenet_feature_maps")


@dataclass(frozen=True)
class Source:
    """A generator script, its arguments and the files it writes.

    In `args`, {figures}, {samples} and {data} stand for the output folders and
    {scratch} for a throw-away folder (models and logs the site does not show).
    """

    script: str
    args: tuple[str, ...]
    outputs: tuple[str, ...]  # "folder-key/file name"

    def command(self, folders: dict[str, Path], scratch: Path) -> list[str]:
        names = {**{k: str(v) for k, v in folders.items()}, "scratch": str(scratch)}
        return [sys.executable, str(ROOT / self.script), *(a.format(**names) for a in self.args)]

    def paths(self, folders: dict[str, Path]) -> list[Path]:
        return [folders[o.split("/")[0]] / o.split("/", 1)[1] for o in self.outputs]


SOURCES: tuple[Source, ...] = (
    Source("examples/conv_kernels.py", ("--out", "{figures}"), ("figures/conv_kernels.png",)),
    Source("examples/padding_stride.py", ("--out", "{figures}"), ("figures/padding_modes.png",)),
    Source("examples/pooling.py", ("--out", "{figures}"), ("figures/pooling.png",)),
    Source("examples/activations.py", ("--out", "{figures}"), ("figures/activations.png",)),
    Source(
        "examples/learning.py", ("--out", "{figures}"), ("figures/gradient_descent.png", "figures/learned_kernel.png")
    ),
    Source(
        "examples/lenet_mnist.py",
        ("--out", "{scratch}", "--figures", "{figures}"),
        tuple(f"figures/{name}.png" for name in LENET_FIGURES),
    ),
    Source(
        "examples/architectures.py",
        ("--out", "{figures}"),
        ("figures/lenet5_c3_table.png", "figures/alexnet_budget.png"),
    ),
    Source(
        "examples/mlp_vs_cnn.py",
        ("--out", "{figures}", "--results", "{data}/mlp_vs_cnn.json"),
        ("figures/mlp_vs_cnn_permuted.png", "data/mlp_vs_cnn.json"),
    ),
    Source(
        "scripts/make_samples.py",
        (
            "--out",
            "{samples}",
        ),
        tuple(
            f"samples/{name}"
            for name in ("7_scan.png", "2_blue_ink_offcentre.jpg", "1_chalk.png", "0_transparent.png", "4_photo.jpg")
        ),
    ),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)  # --help only
    folders = {key: ROOT / path for key, path in FOLDERS.items()}
    for source in SOURCES:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as scratch:
            result = subprocess.run(source.command(folders, Path(scratch)), check=False)
        if result.returncode != 0:
            print(f"error: {source.script} failed (exit {result.returncode})", file=sys.stderr)
            return result.returncode
        print(f"{source.script}: {len(source.outputs)} file(s) in {time.perf_counter() - start:.1f} s")
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "make_fragments.py")], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
