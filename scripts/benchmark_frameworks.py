"""Time the frameworks page's LeNet-5 in Keras (on each backend) and in PyTorch, on this machine.

Every run executes one of the page's own snippet files, docs/snippets/lenet_keras.py
or docs/snippets/lenet_torch.py, unchanged, in a fresh process: same MNIST arrays,
same model, optimiser, batch size and number of epochs. The order of the
implementations rotates from one repeat to the next, so slow phases of a shared
machine hit all of them. Writes the record (date, machine, versions, the
implementations, runs, medians) as JSON; the frameworks page's table is generated
from it:

    python scripts/benchmark_frameworks.py --repeats 3

`--smoke` gives the snippets 2,000 training and 500 test images instead of MNIST's
60,000 and 10,000: every implementation runs in seconds, for tests; its record says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import runpy
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

from course import ROOT, atomic_path, find_mnist, machine, mnist_candidates, versions

SNIPPETS = ROOT / "docs" / "snippets"
DATA = ROOT / "docs" / "data" / "frameworks_benchmark.json"
SMOKE_IMAGES = (2000, 500)  # training and test images with --smoke

# name: (snippet, KERAS_BACKEND, the packages whose versions matter)
IMPLEMENTATIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "keras-tensorflow": ("lenet_keras.py", "tensorflow", ("keras", "tensorflow")),
    "keras-jax": ("lenet_keras.py", "jax", ("keras", "jax")),
    "keras-torch": ("lenet_keras.py", "torch", ("keras", "torch")),
    "pytorch": ("lenet_torch.py", "torch", ("torch",)),
}


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (and exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def fail(message: str) -> NoReturn:
    """Print `error: message` to stderr and stop with exit status 2."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def implementations(names: list[str]) -> dict[str, dict]:
    """What the record says about each implementation: its snippet, its backend and the packages it uses."""
    return {
        name: {"snippet": snippet, "backend": backend, "packages": list(packages)}
        for name, (snippet, backend, packages) in IMPLEMENTATIONS.items()
        if name in names
    }


def use_mnist(path: Path) -> None:
    """Make `keras.datasets.mnist.load_data()`, as the snippets call it, read `path` instead of downloading.

    Keras's loader fetches `mnist.npz` through `get_file`; answering that one call covers
    every alias of the API. Import Keras (with the backend you want) first.
    """
    import keras.src.datasets.mnist as keras_mnist

    real_get_file = keras_mnist.get_file

    def get_file(fname=None, origin=None, **kwargs):  # noqa: ANN001 - Keras's own signature
        return str(path) if fname == "mnist.npz" else real_get_file(fname, origin, **kwargs)

    keras_mnist.get_file = get_file


def smoke_mnist(mnist: Path, folder: Path) -> Path:
    """A copy of MNIST's first SMOKE_IMAGES training and test images, written into `folder`."""
    import numpy as np

    train, test = SMOKE_IMAGES
    with np.load(mnist, allow_pickle=False) as data:
        cut = {"x_train": data["x_train"][:train], "y_train": data["y_train"][:train]}
        cut |= {"x_test": data["x_test"][:test], "y_test": data["y_test"][:test]}
    np.savez(folder / "mnist.npz", **cut)
    return folder / "mnist.npz"


def run_snippet(name: str, mnist: Path) -> dict:
    """Run one implementation's snippet in this process (KERAS_BACKEND already set) and collect its results."""
    import keras

    use_mnist(mnist)
    ns = runpy.run_path(str(SNIPPETS / IMPLEMENTATIONS[name][0]))
    model = ns["model"]
    if isinstance(model, keras.Model):
        params = model.count_params()
        learning_rate = keras.ops.convert_to_numpy(model.optimizer.learning_rate)
    else:
        params = sum(p.numel() for p in model.parameters())
        learning_rate = ns["optimizer"].param_groups[0]["lr"]
    return {
        "implementation": name,
        "params": int(params),
        "batch_size": int(ns["BATCH_SIZE"]),
        "learning_rate": round(float(learning_rate), 9),  # Keras keeps it as float32
        "epoch_seconds": [round(s, 3) for s in ns["epoch_seconds"]],
        "test_accuracy": round(float(ns["test_accuracy"]), 4),
    }


def run_once(name: str, mnist: Path, smoke: bool) -> dict:
    """One run of an implementation in a fresh process."""
    env = dict(os.environ, KERAS_BACKEND=IMPLEMENTATIONS[name][1], TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, __file__, "--child", name, "--data", str(mnist), *(["--smoke"] if smoke else [])]
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        sys.exit(f"error: {name} failed:\n{result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> dict:
    """Per implementation: median first epoch (start-up included), median later epoch, accuracies."""
    out = {}
    for name in dict.fromkeys(r["implementation"] for r in runs):
        mine = [r for r in runs if r["implementation"] == name]
        later = [s for r in mine for s in r["epoch_seconds"][1:]]
        out[name] = {
            "first_epoch_seconds": round(statistics.median(r["epoch_seconds"][0] for r in mine), 2),
            "epoch_seconds": round(statistics.median(later), 2) if later else None,
            "median_accuracy": round(statistics.median(r["test_accuracy"] for r in mine), 4),
            "min_accuracy": min(r["test_accuracy"] for r in mine),
            "params": mine[0]["params"],
            "epochs": len(mine[0]["epoch_seconds"]),
            "batch_size": mine[0]["batch_size"],
            "learning_rate": mine[0]["learning_rate"],
        }
    return out


def package_versions(names: list[str]) -> dict[str, str]:
    """Python's version and those of the packages the chosen implementations use."""
    packages = sorted({p for n in names for p in IMPLEMENTATIONS[n][2]})
    found = versions(packages)
    missing = [p for p in packages if p not in found]
    if missing:
        fail(f"{', '.join(missing)} not installed; `make` installs it from requirements.txt")
    return {"python": platform.python_version(), **found}


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each implementation (default: %(default)s)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(IMPLEMENTATIONS),
        default=list(IMPLEMENTATIONS),
        metavar="NAME",
        help="implementations to run: %(choices)s (default: all)",
    )
    parser.add_argument("--data", type=Path, help="path to mnist.npz (default: found as the course finds it)")
    parser.add_argument("--write", type=Path, default=DATA, help="JSON record to write (default: %(default)s)")
    parser.add_argument("--smoke", action="store_true", help="2,000 training and 500 test images: a check in seconds")
    parser.add_argument("--child", choices=list(IMPLEMENTATIONS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    if args.data is not None and not args.data.is_file():
        fail(f"no MNIST file at {args.data}")
    mnist = args.data or find_mnist()
    if mnist is None:
        fail("MNIST not found (looked in " + ", ".join(map(str, mnist_candidates())) + "); pass --data PATH")
    if args.child:
        with tempfile.TemporaryDirectory() as scratch:
            data = smoke_mnist(mnist, Path(scratch)) if args.smoke else mnist
            print(json.dumps(run_snippet(args.child, data)))
        return 0

    machine_versions = package_versions(args.only)
    runs = []
    for repeat in range(args.repeats):
        shift = repeat % len(args.only)
        for name in args.only[shift:] + args.only[:shift]:
            run = run_once(name, mnist, args.smoke)
            runs.append(run)
            seconds = ", ".join(f"{s:.1f}" for s in run["epoch_seconds"])
            print(f"{name:17s} run {repeat + 1}: epochs {seconds} s, accuracy {run['test_accuracy']:.4f}")
    record = {
        "date": dt.date.today().isoformat(),
        "smoke": args.smoke,
        "machine": machine(),
        "versions": machine_versions,
        "implementations": implementations(args.only),
        "repeats": args.repeats,
        "runs": runs,
        "summary": summarise(runs),
    }
    with atomic_path(args.write) as tmp:
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
