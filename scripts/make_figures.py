"""Rerun every example and generator: the site's figures, models, records, stored notebooks and fragments.

`python scripts/make_figures.py` (`make figures`) runs each example as a notebook, in a Jupyter kernel,
as a reader would run the downloaded `.ipynb`: its printed output and figures are stored in
docs/generated/examples/NAME.ipynb, which the site renders as the example's page, and the files it
writes (figures, model, records) are moved into the site's folders. SOURCES is the single list of
which run writes which file; the tests check it both ways. `make serve` regenerates nothing.

Each run writes into a scratch folder; only a run that succeeds replaces the committed files, so a
failure never leaves a half-written figure, model or record behind.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from course import ROOT, atomic_path, example_env, machine, versions

FOLDERS = {
    "figures": "assets/figures",
    "samples": "assets/samples",
    "models": "assets/models",
    "data": "docs/data",
    "js": "assets/js",
}
NOTEBOOKS = ROOT / "docs" / "generated" / "examples"
LENET_FIGURES = ("lenet_curves", "lenet_confusion", "lenet_errors", "lenet_kernels", "lenet_feature_maps")
TRAINING_FIGURES = ("optimizers", "initialization", "overfitting", "batchnorm", "augmentation")
SAMPLES = ("7_scan.png", "2_blue_ink_offcentre.jpg", "1_chalk.png", "0_transparent.png", "4_photo.jpg")
PACKAGES = ("tensorflow", "keras", "numpy", "scipy", "matplotlib", "pillow")


@dataclass(frozen=True)
class Source:
    """One run: an example (run as a notebook, its outputs stored for its page) or a generator script.

    The run starts in an empty scratch folder and writes into its `outputs/` (given as `--out outputs`);
    `outputs` maps each file it must write there ("folder-key/name", or "folder-key/name=>dest-name") to its
    place in FOLDERS. Files not listed stay behind. `inputs` ("folder-key/name=>path") are copied into the
    scratch folder first, so that an example's page shows the short relative paths a reader would type;
    {key} in `args` stands for a site folder (for generators, whose runs have no page).
    """

    script: str
    outputs: tuple[str, ...]
    args: tuple[str, ...] = ()
    page: bool = True  # an example with a page: run as a notebook and store the executed notebook
    inputs: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.script).stem

    def moves(self) -> list[tuple[str, str]]:
        """(file name in the scratch folder's outputs/, "folder-key/dest-name") for every output."""
        pairs = []
        for output in self.outputs:
            key, dest = output.split("/", 1)
            src, _, renamed = dest.partition("=>")
            pairs.append((src, f"{key}/{renamed or src}"))
        return pairs

    def copy_inputs(self, folders: dict[str, Path], scratch: Path) -> None:
        """Copy every input from its site folder into `scratch`, where the run expects it."""
        for item in self.inputs:
            source, _, target = item.partition("=>")
            (scratch / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folders[source.split("/")[0]] / source.split("/", 1)[1], scratch / target)

    def paths(self, folders: dict[str, Path]) -> list[Path]:
        """Where the outputs land."""
        return [folders[dest.split("/")[0]] / dest.split("/", 1)[1] for _, dest in self.moves()]

    def argv(self, out: Path, folders: dict[str, Path]) -> list[str]:
        return ["--out", str(out), *(a.format(**{k: str(v) for k, v in folders.items()}) for a in self.args)]


SOURCES: tuple[Source, ...] = (
    Source(
        "scripts/make_samples.py",
        tuple(f"samples/{name}" for name in SAMPLES),
        page=False,
    ),
    Source("examples/conv_kernels.py", ("figures/conv_kernels.png",)),
    Source("examples/padding_stride.py", ("figures/padding_modes.png",)),
    Source("examples/pooling.py", ("figures/pooling.png",)),
    Source("examples/activations.py", ("figures/activations.png",)),
    Source("examples/learning.py", ("figures/gradient_descent.png", "figures/learned_kernel.png")),
    Source(
        "examples/lenet_mnist.py",
        ("models/lenet.keras", "models/lenet.json", *(f"figures/{name}.png" for name in LENET_FIGURES)),
    ),
    Source(
        "examples/architectures.py",
        ("figures/lenet5_c3_table.png", "figures/alexnet_budget.png", "data/architectures.json"),
    ),
    Source("examples/mlp_vs_cnn.py", ("figures/mlp_vs_cnn_permuted.png", "data/mlp_vs_cnn.json")),
    Source(
        "examples/training.py",
        (
            *(f"figures/training_{name}.png" for name in TRAINING_FIGURES),
            "data/training.json",
        ),
        inputs=tuple(f"samples/{n}=>samples/{n}" for n in SAMPLES),  # the handwritten digits it tests augmentation on
    ),
    # The lesson's drawing pad: the weights as a plain script, and what shipping them costs.
    Source(
        "scripts/export_lenet_web.py",
        ("js/lenet-weights.js", "data/lenet_web.json"),
        ("--model", "{models}/lenet.keras", "--record", "outputs/lenet_web.json"),
        page=False,
    ),
    # The shipped model outside Keras: LiteRT, measured against Keras (the FAQ's "Ship the model").
    Source(
        "scripts/export_lenet.py",
        ("models/lenet.tflite", "data/lenet_ship.json"),
        ("--model", "{models}/lenet.keras", "--record", "outputs/lenet_ship.json"),
        page=False,
    ),
    # The seed preset's layer table (the LeNet lesson): its architecture, from a quick run.
    Source("examples/lenet_mnist.py", ("data/lenet.json=>lenet_seed.json",), ("--preset", "seed", "--smoke"), False),
    # As a reader runs it after lenet_mnist.py: the model in outputs/, the digits beside the script.
    Source(
        "examples/predict_digit.py",
        (),
        tuple(f"samples/{name}" for name in SAMPLES),
        inputs=("models/lenet.keras=>outputs/lenet.keras", *(f"samples/{n}=>samples/{n}" for n in SAMPLES)),
    ),
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def execute_notebook(script: Path, argv: list[str], cwd: Path) -> dict:
    """Run `script` as a notebook in a fresh kernel with EXAMPLE_ARGS=argv; return the executed notebook."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    notebook = jupytext.read(script)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    env = dict(example_env(), EXAMPLE_ARGS=shlex.join(argv))
    client = NotebookClient(notebook, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env)  # passed on to the kernel's process
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps: noise in the committed file
    return nbformat.from_dict(notebook)


# TensorFlow's C++ start-up notices (absl log lines: CUDA absent, oneDNN on), printed on stderr as it loads
# whatever TF_CPP_MIN_LOG_LEVEL says. They say nothing about the example, so its page leaves them out.
TF_NOTICE = re.compile(
    r"^(?:[IWE]\d{4} [\d:.]+\s+\d+ \S+:\d+\] .*|WARNING: All log messages before absl::InitializeLog\(\) .*)\n?",
    re.MULTILINE,
)


def drop_tensorflow_notices(notebook: dict) -> None:
    """Remove TF_NOTICE lines from the cells' stderr, and any stderr output left empty."""
    for cell in notebook.cells:
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["text"] = TF_NOTICE.sub("", "".join(output["text"]))
                if not output["text"].strip():
                    continue
            kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept


def link_figures(notebook: dict, written: dict[str, str]) -> None:
    """Replace each shown PNG that is a file the run wrote with an <img> of the site's copy.

    `written` maps a PNG's bytes (base64) to its path on the site, relative to an example page.
    The page then loads the same cached file as the lessons, and the stored notebook stays small.
    """
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png and "".join(png.split()) in written:
                src = written["".join(png.split())]
                output["data"] = {"text/html": f'<img src="{src}" alt="{Path(src).stem}">', "text/plain": src}
                output["metadata"] = {}


def run(source: Source, folders: dict[str, Path], scratch: Path) -> float:
    """Run one source into `scratch`; move its outputs into place; store its notebook. Returns seconds."""
    out = scratch / "outputs"  # given as a relative path, so the stored output reads as a reader's run would
    script = ROOT / source.script
    source.copy_inputs(folders, scratch)
    start = time.perf_counter()
    if source.page:
        notebook = execute_notebook(script, source.argv(Path("outputs"), folders), cwd=scratch)
    else:
        command = [sys.executable, str(script), *source.argv(Path("outputs"), folders)]
        if subprocess.run(command, cwd=scratch, env=example_env(), check=False).returncode != 0:
            raise RuntimeError(f"{source.script} failed")
    seconds = time.perf_counter() - start
    missing = [src for src, _ in source.moves() if not (out / src).is_file()]
    if missing:
        raise RuntimeError(f"{source.script} did not write {', '.join(missing)}")
    for (src, _), path in zip(source.moves(), source.paths(folders), strict=True):
        with atomic_path(path) as tmp:
            shutil.copyfile(out / src, tmp)
    if source.page:
        site = {"figures": "../../assets/figures", "samples": "../../assets/samples"}
        written = {
            base64.b64encode((out / src).read_bytes()).decode(): f"{site[dest.split('/')[0]]}/{dest.split('/', 1)[1]}"
            for src, dest in source.moves()
            if src.endswith(".png") and dest.split("/")[0] in site
        }
        link_figures(notebook, written)
        drop_tensorflow_notices(notebook)
        notebook.metadata["course"] = {
            "script": source.script,
            "script_sha256": sha256(script),
            "args": source.argv(Path("outputs"), {k: Path(v) for k, v in FOLDERS.items()}),
            "seconds": round(seconds, 1),
            "date": date.today().isoformat(),
            "machine": machine(),
            "versions": versions(PACKAGES),
        }
        import nbformat

        with atomic_path(NOTEBOOKS / f"{source.name}.ipynb") as tmp:
            nbformat.write(notebook, tmp)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these (script names without .py; default: all)")
    args = parser.parse_args(argv)
    known = {s.name for s in SOURCES}
    unknown = sorted(set(args.names) - known)
    if unknown:
        print(f"error: unknown: {', '.join(unknown)} (choose from {', '.join(sorted(known))})", file=sys.stderr)
        return 2
    folders = {key: ROOT / path for key, path in FOLDERS.items()}
    for source in SOURCES:
        if args.names and source.name not in args.names:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            try:
                seconds = run(source, folders, Path(scratch))
            except Exception as exc:  # the notebook's own traceback was printed by nbclient's error
                print(f"error: {source.script}: {str(exc).strip().splitlines()[-1]}", file=sys.stderr)
                return 1
        print(f"{source.script}: {len(source.outputs)} file(s) in {seconds:.1f} s")
    if args.names:
        return 0
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "make_fragments.py")], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
