"""Time `lenet_mnist.py --preset seed` against the default, alternating, over several seeds.

Each run is a fresh process. The order of the two presets alternates from one
seed to the next, so slow phases of a shared machine hit both. Prints every
run, the medians and the median of the per-seed time ratios, and writes the whole
record (date, machine, versions, runs) as JSON for the LeNet lesson's table:

    python scripts/benchmark_lenet.py --seeds 5

A full run takes a few minutes; `make test` runs `--smoke` (tiny data, both presets, a record in a temporary
folder), which never touches the committed record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "data" / "lenet_benchmark.json"
PRESETS = ("seed", "default")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run_once(preset: str, seed: int, extra: list[str]) -> dict:
    """One training run in a fresh process; its JSON summary."""
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "lenet_mnist.py"), "--preset", preset, "--seed", str(seed)]
            + ["--out", out, *extra],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        sys.exit(f"error: {preset} seed {seed} failed:\n{result.stderr.strip()[-2000:]}")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    return {k: summary[k] for k in ("preset", "seed", "test_accuracy", "train_seconds", "epochs", "params")}


def summarise(runs: list[dict]) -> dict:
    """Medians per preset, and the median over seeds of the training-time ratio default / seed."""
    out = {}
    for preset in PRESETS:
        mine = [r for r in runs if r["preset"] == preset]
        out[preset] = {
            "median_accuracy": round(statistics.median(r["test_accuracy"] for r in mine), 4),
            "min_accuracy": min(r["test_accuracy"] for r in mine),
            "median_train_seconds": round(statistics.median(r["train_seconds"] for r in mine), 2),
            "epochs": mine[0]["epochs"],
            "params": mine[0]["params"],
        }
    # Each seed's two runs are back to back, so their ratio is least affected by a shared machine's drift.
    seconds = {(r["preset"], r["seed"]): r["train_seconds"] for r in runs}
    seeds = sorted({r["seed"] for r in runs})
    out["time_ratio"] = round(statistics.median(seconds["default", s] / seconds["seed", s] for s in seeds), 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds, each running both presets")
    parser.add_argument("--data", type=Path, help="path to mnist.npz, passed on to lenet_mnist.py")
    parser.add_argument("--write", type=Path, help=f"JSON record to write (default: {DATA.relative_to(ROOT)})")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny data, one epoch: checks the pipeline; needs --write elsewhere"
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.smoke and (args.write is None or args.write.resolve() == DATA.resolve()):
        parser.error("--smoke needs --write PATH outside docs/data (a smoke run is not a measurement)")
    write = args.write or DATA
    extra = (["--data", str(args.data)] if args.data else []) + (["--smoke"] if args.smoke else [])
    runs = []
    for seed in range(args.seeds):
        for preset in PRESETS if seed % 2 == 0 else reversed(PRESETS):
            run = run_once(preset, seed, extra)
            runs.append(run)
            print(
                f"{preset:8s} seed {seed}: accuracy {run['test_accuracy']:.4f}, training {run['train_seconds']:.2f} s"
            )
    summary = summarise(runs)
    for preset in PRESETS:
        s = summary[preset]
        print(f"{preset:8s} median accuracy {s['median_accuracy']:.4f}, median training {s['median_train_seconds']} s")
    print(f"time ratio default/seed (median over seeds): {summary['time_ratio']}")
    record = {
        "date": dt.date.today().isoformat(),
        "smoke": args.smoke,
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "system": platform.system()},
        "versions": {"python": platform.python_version(), **_versions()},
        "runs": runs,
        "summary": summary,
    }
    write.parent.mkdir(parents=True, exist_ok=True)
    tmp = write.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    tmp.replace(write)
    print(f"wrote {write}")
    return 0


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("tensorflow", "keras", "numpy")}


if __name__ == "__main__":
    sys.exit(main())
