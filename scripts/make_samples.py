"""Write the sample digit images in assets/samples/ that predict_digit.py is shown and tested on.

They are MNIST *test* digits (never seen in training), re-photographed the way
a reader's own digit arrives: enlarged, inverted to dark ink on light paper,
off-centre, in colour, as JPEG, on a transparent background.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

import numpy as np
from PIL import Image, ImageFilter

from course import ROOT, atomic_path, find_mnist

SAMPLES = ROOT / "assets" / "samples"


def fail(message: str) -> NoReturn:
    """Print `error: message` to stderr and stop with exit status 2."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def load_test_digits(path: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """MNIST's test images and labels from `path`, or from where the course keeps MNIST."""
    if path is not None and not path.is_file():
        fail(f"no MNIST file at {path}")
    path = path or find_mnist()
    if path is None:
        fail("MNIST not found: pass --data PATH/TO/mnist.npz or set MNIST_PATH")
    try:
        with np.load(path, allow_pickle=False) as data:
            return data["x_test"], data["y_test"]
    except (OSError, ValueError, KeyError) as exc:
        fail(f"{path} is not an MNIST .npz with x_test and y_test ({exc})")


def ink_on_paper(digit: np.ndarray, scale: int) -> Image.Image:
    """An MNIST digit enlarged and smoothed, as dark ink (0) on white paper (255)."""
    big = Image.fromarray(255 - digit).resize((28 * scale, 28 * scale), Image.Resampling.BICUBIC)
    return big.filter(ImageFilter.GaussianBlur(scale / 3))


def make(x_test: np.ndarray, y_test: np.ndarray) -> dict[str, Image.Image]:
    """File name -> image, one per transformation; each name starts with the true digit."""
    images = {}
    # 0: a grey scan, 10x enlarged, dark on light.
    images[f"{y_test[0]}_scan.png"] = ink_on_paper(x_test[0], 10)
    # 1: blue ink on cream paper, off-centre on a wide RGB canvas, saved as JPEG.
    ink = ink_on_paper(x_test[1], 6)
    canvas = Image.new("RGB", (420, 260), (245, 238, 220))
    blue = Image.new("RGB", ink.size, (20, 40, 140))
    canvas.paste(blue, (40, 30), Image.eval(ink, lambda v: 255 - v))
    images[f"{y_test[1]}_blue_ink_offcentre.jpg"] = canvas
    # 2: light on dark, like a chalkboard, small and off-centre.
    board = Image.new("L", (120, 90), 30)
    board.paste(Image.fromarray(x_test[2]).resize((56, 56), Image.Resampling.BICUBIC), (50, 20))
    images[f"{y_test[2]}_chalk.png"] = board
    # 3: dark ink on a transparent background (RGBA), as drawing apps export.
    alpha = Image.eval(ink_on_paper(x_test[3], 8), lambda v: 255 - v)
    rgba = Image.new("RGBA", alpha.size, (0, 0, 0, 0))
    rgba.putalpha(alpha)
    images[f"{y_test[3]}_transparent.png"] = rgba
    # 4: a JPEG photo with uneven light: a grey gradient behind the ink.
    photo = ink_on_paper(x_test[4], 8).convert("RGB")
    shade = np.linspace(0.75, 1.0, photo.width)[np.newaxis, :, np.newaxis]
    images[f"{y_test[4]}_photo.jpg"] = Image.fromarray((np.asarray(photo) * shade).astype(np.uint8))
    return images


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="path to mnist.npz (default: look in the usual places)")
    parser.add_argument("--out", type=Path, default=SAMPLES, help="folder to write (default: %(default)s)")
    args = parser.parse_args(argv)
    x_test, y_test = load_test_digits(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, image in make(x_test, y_test).items():
        with atomic_path(args.out / name) as tmp:
            image.save(tmp, format="JPEG" if name.endswith(".jpg") else "PNG", quality=90)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
