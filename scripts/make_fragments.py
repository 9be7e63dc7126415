"""Write the generated Markdown fragments in docs/generated/ that pages include.

Pages pull these in with `--8<-- "NAME.md"` (pymdownx.snippets, check_paths on),
so every worked number on the site is computed here, not typed. The tests
regenerate each fragment and fail if the committed file differs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.signal import convolve2d

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "docs" / "generated"

# The convolution lesson's worked example.
IMAGE = np.array([[10, 10, 10, 10, 10], [10, 5, 5, 5, 10], [10, 5, 5, 5, 10], [10, 5, 5, 5, 10], [10, 10, 10, 10, 10]])
KERNEL = np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]])


def _num(v: int) -> str:
    return f"({v})" if v < 0 else str(v)


def _matrix(a: np.ndarray) -> str:
    rows = (" & ".join(str(v) for v in row) for row in a)
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def conv_flipped_kernel() -> str:
    """The kernel before and after the 180-degree flip."""
    return (
        f"$$\nK = {_matrix(KERNEL)} \\quad\\xrightarrow{{180^\\circ}}\\quad K' = {_matrix(np.rot90(KERNEL, 2))}\n$$\n"
    )


def conv_sums() -> str:
    """All nine sums of the valid convolution, term by term."""
    flipped = np.rot90(KERNEL, 2)
    out = convolve2d(IMAGE, KERNEL, mode="valid")
    lines = []
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = IMAGE[i : i + 3, j : j + 3]
            terms = " + ".join(f"{x}\\cdot{_num(k)}" for x, k in zip(window.ravel(), flipped.ravel(), strict=True))
            assert int((window * flipped).sum()) == out[i, j]
            lines.append(f"y_{{{i},{j}}} &= {terms} &&= {out[i, j]}")
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$\n"


FRAGMENTS: dict[str, Callable[[], str]] = {
    "conv_flipped_kernel.md": conv_flipped_kernel,
    "conv_sums.md": conv_sums,
}


def render_all() -> dict[str, str]:
    """Every fragment's file name and its current text."""
    return {name: make() for name, make in FRAGMENTS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    GENERATED.mkdir(parents=True, exist_ok=True)
    for name, text in render_all().items():
        (GENERATED / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/generated/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
