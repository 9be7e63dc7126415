"""Time `lenet_mnist.py --preset seed` against the default and `--preset padded`, over seeds and CPU settings.

Each run is a fresh process. For every seed, the three presets run back to back under each setting of
TensorFlow's CPU kernels (MODES), and their order alternates from one seed to the next, so slow phases
of a shared machine hit every configuration. Prints every run, the medians and
the median of the per-seed time ratios, and writes the whole record (date, machine with its CPU
flags, versions, settings, runs) as JSON for the LeNet lesson's table:

    python scripts/benchmark_lenet.py --seeds 5

The settings: TensorFlow's own choice for this CPU (`native`); oneDNN held to AVX2 instructions
(`avx2`, ONEDNN_MAX_CPU_ISA=AVX2); and oneDNN switched off (`eigen`, TF_ENABLE_ONEDNN_OPTS=0), which
is what TensorFlow does by itself on Linux CPUs without AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX,
that is on most laptops built before about 2021. A full run took 11 minutes on a 2-core AMD EPYC with
AVX-512; `make test` runs `--smoke` (tiny data, the three presets, a record in a temporary folder), which
never touches the committed record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from course import ROOT, atomic_path, example_env, machine, run_example

DATA = ROOT / "docs" / "data" / "lenet_benchmark.json"
PRESETS = ("seed", "default", "padded")  # each timed against the first
KEYS = ("preset", "seed", "test_accuracy", "train_seconds", "train_cpu_seconds", "epochs", "params")
# Each setting of TensorFlow's CPU kernels: the environment variables it sets, on top of the usual ones.
MODES: dict[str, dict[str, str]] = {
    "native": {},
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2"},
    "eigen": {"TF_ENABLE_ONEDNN_OPTS": "0"},
}
NATIVE = "native"
ONEDNN_PROBE = "from tensorflow.python.util import _pywrap_util_port as port; print(port.IsMklEnabled())"


def onednn_enabled(env: dict[str, str]) -> bool | None:
    """Whether TensorFlow turns its oneDNN kernels on under `env` (None if it cannot tell)."""
    result = subprocess.run(
        [sys.executable, "-c", ONEDNN_PROBE], env=example_env() | env, capture_output=True, text=True, check=False
    )
    answer = result.stdout.strip().splitlines()[-1:] if result.returncode == 0 else []
    return {"True": True, "False": False}.get(answer[0]) if answer else None


def schedule(seeds: int, modes: list[str]) -> list[tuple[int, str, str]]:
    """The (seed, mode, preset) of every run, in order: per seed, each mode; the presets' order flips each seed."""
    return [
        (seed, mode, preset)
        for seed in range(seeds)
        for mode in modes
        for preset in (PRESETS if seed % 2 == 0 else tuple(reversed(PRESETS)))
    ]


def run_once(preset: str, seed: int, mode: str, extra: list[str]) -> dict:
    """One training run in a fresh process, in a temporary folder; the record (lenet.json) it wrote there."""
    saved = {name: os.environ.get(name) for name in MODES[mode]}
    os.environ.update(MODES[mode])  # run_example passes the environment on
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            args = ("--preset", preset, "--seed", str(seed), "--out", tmp, *extra)
            result = run_example("lenet_mnist", *args, cwd=out)
            if result.returncode != 0:
                sys.exit(f"error: {preset} seed {seed} ({mode}) failed:\n{result.stderr.strip()[-2000:]}")
            return json.loads((out / "lenet.json").read_text(encoding="utf-8"))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def summarise_mode(runs: list[dict]) -> dict:
    """Medians per preset, and the medians over seeds of the training-time ratios to the seed preset, for one mode.

    The default's ratios are `time_ratio` and `cpu_time_ratio` (with their largest, `max_...`); the padded
    preset's carry the prefix `padded_`.
    """
    out = {}
    for preset in PRESETS:
        mine = [r for r in runs if r["preset"] == preset]
        out[preset] = {
            "median_accuracy": round(statistics.median(r["test_accuracy"] for r in mine), 4),
            "min_accuracy": min(r["test_accuracy"] for r in mine),
            "median_train_seconds": round(statistics.median(r["train_seconds"] for r in mine), 2),
            "median_train_cpu_seconds": round(statistics.median(r["train_cpu_seconds"] for r in mine), 2),
            "epochs": mine[0]["epochs"],
            "params": mine[0]["params"],
        }
    # Each seed's two runs are back to back, so their ratio is least affected by a shared machine's drift.
    # Processor time (all threads together) is the work done; it varies less than the wall-clock time when
    # other programs compete for the cores.
    seeds = sorted({r["seed"] for r in runs})
    for preset in PRESETS[1:]:
        prefix = "" if preset == "default" else f"{preset}_"
        for key, name in (("train_seconds", "time_ratio"), ("train_cpu_seconds", "cpu_time_ratio")):
            seconds = {(r["preset"], r["seed"]): r[key] for r in runs}
            ratios = [seconds[preset, s] / seconds["seed", s] for s in seeds]
            out[prefix + name] = round(statistics.median(ratios), 2)
            out[f"max_{prefix}{name}"] = round(max(ratios), 2)
    return out


def summarise(runs: list[dict], mode: str = NATIVE) -> dict:
    """Medians per preset and the time ratios of the runs made in `mode`."""
    return summarise_mode([r for r in runs if r["mode"] == mode])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds, each running every preset")
    parser.add_argument(
        "--modes", nargs="+", choices=list(MODES), default=list(MODES), help="CPU settings to run (default: all)"
    )
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
    if NATIVE not in args.modes:
        parser.error(f"--modes must include {NATIVE} (the lesson's table shows it)")
    modes = [m for m in MODES if m in args.modes]
    write = args.write or DATA
    extra = (["--data", str(args.data.resolve())] if args.data else []) + (["--smoke"] if args.smoke else [])
    settings = {mode: {"env": MODES[mode], "onednn": onednn_enabled(MODES[mode])} for mode in modes}
    for mode, s in settings.items():
        env = " ".join(f"{k}={v}" for k, v in s["env"].items()) or "(as installed)"
        print(f"{mode:6s}: {env}, oneDNN {'on' if s['onednn'] else 'off' if s['onednn'] is False else 'unknown'}")
    runs, versions = [], {}
    for seed, mode, preset in schedule(args.seeds, modes):
        record = run_once(preset, seed, mode, extra)
        run = {"mode": mode, **{key: record[key] for key in KEYS}}
        versions = record["versions"]
        runs.append(run)
        print(
            f"{mode:6s} {preset:8s} seed {seed}: accuracy {run['test_accuracy']:.4f}, "
            f"training {run['train_seconds']:.2f} s ({run['train_cpu_seconds']:.2f} s of processor time)",
            flush=True,
        )
    for mode in modes:
        settings[mode]["summary"] = s = summarise(runs, mode)
        for preset in PRESETS:
            print(
                f"{mode:6s} {preset:8s} median accuracy {s[preset]['median_accuracy']:.4f} "
                f"(worst {s[preset]['min_accuracy']:.4f}), median training {s[preset]['median_train_seconds']} s"
            )
        print(f"{mode:6s} time ratio default/seed: median {s['time_ratio']}, largest {s['max_time_ratio']}")
        print(f"{mode:6s} processor-time ratio: median {s['cpu_time_ratio']}, largest {s['max_cpu_time_ratio']}")
        padded = f"median {s['padded_time_ratio']}, largest {s['max_padded_time_ratio']}"
        print(f"{mode:6s} time ratio padded/seed: {padded}")
    record = {
        "date": dt.date.today().isoformat(),
        "smoke": args.smoke,
        "machine": machine(),
        "versions": versions,  # as the runs' records give them: python, tensorflow, keras, numpy
        "modes": settings,  # each with its environment, whether oneDNN was on, and its summary
        "runs": runs,
        "summary": settings[NATIVE]["summary"],  # TensorFlow as installed: the lesson's table
    }
    with atomic_path(write) as tmp:
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
