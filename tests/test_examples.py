"""Every example stands alone, and every example page shows the outputs of a current run.

- An example imports nothing from the project and carries the helpers of tests/example_helpers.py unchanged.
- Its `.py` and `.ipynb`, as the built site offers them, each run in a folder of their own (`--smoke`; the
  notebook bare in a Jupyter kernel with EXAMPLE_ARGS, the script beside its `make figures` inputs) and write
  only inside that folder.
- The stored notebook each page renders (docs/generated/examples/) comes from the current script, holds its
  outputs and shows the figures it wrote; make_figures.SOURCES names every file each run writes.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import course
from make_figures import FOLDERS, NOTEBOOKS, SOURCES
from runs import script_smoke

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.py"))
PAGES = {s.name: s for s in SOURCES if s.page}
REFERENCE = ROOT / "tests" / "example_helpers.py"


def definitions(path: Path) -> dict[str, str]:
    """Source text of each top-level function, class and assignment of `path`, by name."""
    source = path.read_text(encoding="utf-8")
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found[node.name] = ast.get_source_segment(source, node)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = ast.get_source_segment(source, node)
    return found


def stored(name: str) -> dict:
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


def test_every_example_has_a_page_and_a_run() -> None:
    assert sorted(PAGES) == EXAMPLES
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in EXAMPLES:
        assert f"examples/{name}.ipynb" in nav, f"{name} is not in the nav"


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_imports_nothing_from_the_project(name: str) -> None:
    source = (ROOT / "examples" / f"{name}.py").read_text(encoding="utf-8")
    local = {p.stem for p in (ROOT / "examples").glob("*.py")} | {p.stem for p in (ROOT / "scripts").glob("*.py")}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            assert not {m.split(".")[0] for m in modules} & (local | {"example_helpers", "common"}), modules
    assert "sys.path" not in source


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_carries_the_reference_helpers(name: str) -> None:
    reference = definitions(REFERENCE)
    mine = definitions(ROOT / "examples" / f"{name}.py")
    shared = sorted(set(mine) & set(reference))
    assert {"IN_NOTEBOOK", "ArgumentParser"} <= set(shared), "every example reads its arguments the same way"
    for helper in shared:
        assert mine[helper] == reference[helper], f"{name}.py's {helper} differs from tests/example_helpers.py"


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_opens_with_a_title_and_one_sentence(name: str) -> None:
    cells = stored(name)["cells"]
    first = "".join(cells[0]["source"])
    assert cells[0]["cell_type"] == "markdown" and first.startswith("# ")
    description = first.split("\n\n")[1]
    assert "\n" not in description and len(description) <= 160 and description.endswith("."), description


@pytest.mark.parametrize("name", EXAMPLES)
def test_help_and_bad_arguments(name: str, tmp_path: Path) -> None:
    result = course.run_example(name, "--help", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("usage:"), result.stderr
    assert "--out" in result.stdout and "--smoke" in result.stdout
    result = course.run_example(name, "--no-such-option", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert not any(tmp_path.iterdir()), "a refused command wrote files"


@pytest.mark.parametrize("name", EXAMPLES)
def test_stored_outputs_are_current_and_complete(name: str) -> None:
    """The page's notebook ran the current script, with no error, and shows what the run printed and drew."""
    script = ROOT / "examples" / f"{name}.py"
    notebook = stored(name)
    run = notebook["metadata"]["course"]
    assert run["script_sha256"] == hashlib.sha256(script.read_bytes()).hexdigest(), (
        f"docs/generated/examples/{name}.ipynb is older than examples/{name}.py: run `make figures {name}`"
    )
    assert run["seconds"] > 0 and run["machine"]["cores"] >= 1 and re.fullmatch(r"\d{4}-\d\d-\d\d", run["date"])
    outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any(o["output_type"] == "stream" and o["name"] == "stdout" for o in outputs), "the run printed nothing"
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    shown = {m for part in html for m in re.findall(r'src="([^"]+)"', "".join(part))}
    figures = [dest for _, dest in PAGES[name].moves() if dest.endswith(".png")]
    for dest in figures:
        key, file = dest.split("/", 1)
        assert f"../../{FOLDERS[key]}/{file}" in shown, f"{name}'s page does not show {file}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_example_pages_show_outputs_header_and_downloads(site: Path, lang: str) -> None:
    root = site if lang == "en" else site / "zh"
    for name in EXAMPLES:
        page = (root / "examples" / name / "index.html").read_text(encoding="utf-8")
        assert 'class="example-run"' in page and 'class="nb-downloads"' in page, name
        assert "jp-OutputArea-output" in page, f"{lang} {name}: no outputs"
        for src in re.findall(r'<img[^>]*src="(\.\./\.\./assets/[^"]+)"', page):
            assert (root / "examples" / name / src).resolve().is_file(), f"{lang} {name}: {src} is missing"
        for download in (f"{name}.py", f"{name}.ipynb"):
            assert (root / "examples" / name / download).is_file()


def fetch(url: str, target: Path) -> Path:
    with urllib.request.urlopen(url) as response:
        target.write_bytes(response.read())
    return target


@pytest.mark.parametrize("name", EXAMPLES)
def test_downloads_run_from_a_folder_of_their_own(served_site: str, name: str, tmp_path: Path) -> None:
    """The site's .py and .ipynb are the current script; each runs in a folder of its own and writes only there.

    The .ipynb runs in a kernel (EXAMPLE_ARGS=--smoke) in an empty folder; the .py (`runs.script_smoke`, whose run
    the page tests read too) with --smoke beside what `make figures` gives it, so each example runs both bare and
    with its inputs. Each folder is also the run's HOME, so Keras's and matplotlib's caches land inside it;
    nothing may appear beside it. MNIST comes from $MNIST_PATH, as a reader's copy would come from Keras's cache.
    """
    folder = tmp_path / "parent" / "notebook"
    folder.mkdir(parents=True)
    script = fetch(f"{served_site}examples/{name}/{name}.py", tmp_path / f"{name}.py")
    assert script.read_bytes() == (ROOT / "examples" / f"{name}.py").read_bytes()
    notebook = fetch(f"{served_site}examples/{name}/{name}.ipynb", folder / f"{name}.ipynb")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyter-execute")), notebook.name],
        cwd=folder,
        env={**course.example_env(home=folder), "EXAMPLE_ARGS": "--smoke"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        folders = {"script": script_smoke(name)}  # runs meanwhile, unless another test already made it
    finally:
        stdout, stderr = process.communicate(timeout=900)
    assert process.returncode == 0, f"notebook:\n{stdout[-2000:]}\n{stderr[-3000:]}"
    folders["notebook"] = folder
    for kind, where in folders.items():
        assert [p.name for p in where.parent.iterdir()] == [kind], f"{kind}: something was written beside it"
    if not PAGES[name].args:  # the outputs make figures takes from a default run are written by the smoke run too
        for kind, where in folders.items():
            written = {p.name for p in (where / "outputs").iterdir()} if (where / "outputs").is_dir() else set()
            for src, _ in PAGES[name].moves():
                assert src in written, f"{kind}: {name} --smoke did not write outputs/{src}"


def test_every_page_image_is_generated() -> None:
    generated = {str(p.relative_to(ROOT)) for s in SOURCES for p in s.paths({k: ROOT / v for k, v in FOLDERS.items()})}
    for lang in ("en", "zh"):
        docs = ROOT / "docs" / lang
        for page in docs.rglob("*.md"):
            for ref in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", page.read_text(encoding="utf-8")):
                rel = (page.parent / ref).resolve().relative_to(docs.resolve()).as_posix()
                assert rel in generated, f"{lang}/{page.name}: {ref} is not written by any generator"
                assert (ROOT / rel).is_file(), f"{lang}/{page.name}: {ref} does not exist"


@pytest.mark.parametrize("name", ["lenet_mnist", "mlp_vs_cnn", "pooling"])
def test_missing_mnist_is_one_clear_line(name: str, tmp_path: Path) -> None:
    result = course.run_example(name, "--data", str(tmp_path / "absent.npz"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: no MNIST file at {tmp_path / 'absent.npz'}\n", result.stderr
    assert not any(tmp_path.iterdir())


def test_make_figures_refuses_an_unknown_name() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_figures.py"), "no_such_example"],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )
    assert result.returncode == 2 and "unknown: no_such_example" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
