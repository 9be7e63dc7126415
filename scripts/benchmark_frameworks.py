"""Time the frameworks page's LeNet-5 in Keras (on each backend) and in PyTorch, on this machine.

Every run executes one of the page's own snippet files, docs/snippets/lenet_keras.py
or docs/snippets/lenet_torch.py, unchanged, in a fresh process: same MNIST arrays,
same model, optimiser, batch size and number of epochs. The order of the
implementations rotates from one repeat to the next, so slow phases of a shared
machine hit all of them. Writes the record (date, machine, versions, runs,
medians) as JSON; the frameworks page's table is generated from it:

    python scripts/benchmark_frameworks.py --repeats 3
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
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from benchmark_lenet import cpu_model

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "docs" / "snippets"
DATA = ROOT / "docs" / "data" / "frameworks_benchmark.json"
sys.path.insert(0, str(ROOT / "examples"))

# name: (snippet, KERAS_BACKEND, the packages whose versions matter)
IMPLEMENTATIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "keras-tensorflow": ("lenet_keras.py", "tensorflow", ("keras", "tensorflow")),
    "keras-jax": ("lenet_keras.py", "jax", ("keras", "jax")),
    "keras-torch": ("lenet_keras.py", "torch", ("keras", "torch")),
    "pytorch": ("lenet_torch.py", "torch", ("torch",)),
}


def run_snippet(name: str, mnist: str) -> dict:
    """Run one implementation's snippet in this process (KERAS_BACKEND already set) and collect its results."""
    import common

    snippet, backend, _ = IMPLEMENTATIONS[name]
    keras = common.import_keras() if backend == "tensorflow" else __import__("keras")
    common.use_local_mnist(Path(mnist))
    ns = runpy.run_path(str(SNIPPETS / snippet))
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


def run_once(name: str, mnist: Path) -> dict:
    """One run of an implementation in a fresh process."""
    env = dict(os.environ, KERAS_BACKEND=IMPLEMENTATIONS[name][1], TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, __file__, "--child", name, "--data", str(mnist)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
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


def versions(names: list[str]) -> dict[str, str]:
    """Python's version and those of the packages the chosen implementations use."""
    found = {"python": platform.python_version()}
    for package in sorted({p for n in names for p in IMPLEMENTATIONS[n][2]}):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            sys.exit(f"error: {package} is not installed; `make` installs it from requirements.txt")
    return found


def main(argv: list[str] | None = None) -> int:
    import common

    parser = common.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each implementation (default: %(default)s)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(IMPLEMENTATIONS),
        default=list(IMPLEMENTATIONS),
        metavar="NAME",
        help="implementations to run: %(choices)s (default: all)",
    )
    parser.add_argument("--data", type=Path, help="path to mnist.npz (default: found as the examples find it)")
    parser.add_argument("--write", type=Path, default=DATA, help="JSON record to write (default: %(default)s)")
    parser.add_argument("--child", choices=list(IMPLEMENTATIONS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    try:
        mnist = common.find_mnist(args.data)
    except common.UsageError as exc:
        common.fail(str(exc))
    if mnist is None:
        common.fail(
            "MNIST not found (looked in " + ", ".join(map(str, common.mnist_candidates())) + "); pass --data PATH"
        )
    if args.child:
        print(json.dumps(run_snippet(args.child, str(mnist))))
        return 0

    machine_versions = versions(args.only)
    runs = []
    for repeat in range(args.repeats):
        shift = repeat % len(args.only)
        for name in args.only[shift:] + args.only[:shift]:
            run = run_once(name, mnist)
            runs.append(run)
            seconds = ", ".join(f"{s:.1f}" for s in run["epoch_seconds"])
            print(f"{name:17s} run {repeat + 1}: epochs {seconds} s, accuracy {run['test_accuracy']:.4f}")
    record = {
        "date": dt.date.today().isoformat(),
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "system": platform.system()},
        "versions": machine_versions,
        "repeats": args.repeats,
        "runs": runs,
        "summary": summarise(runs),
    }
    with common.atomic_path(args.write) as tmp:
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
