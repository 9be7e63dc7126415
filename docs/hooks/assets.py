"""MkDocs hook: share `assets/` and `examples/` with every language, self-hosted.

- Files under `assets/` (figures, vendored KaTeX, CSS/JS) join each language's
  build as `assets/...`, so pages link them as `../assets/figures/NAME.png`.
- Each example script (jupytext percent format, `# %%` cells) under `examples/`
  becomes the page `examples/NAME.ipynb`: the notebook that `make figures`
  executed and stored in docs/generated/examples/, rendered with its outputs by
  mkdocs-jupyter (which does not execute it again). The page gets a header (the
  run's time and machine, from the notebook's metadata) and download links; the
  script and a clean notebook made from it are written beside it. Cells tagged
  `fold` (helpers, plotting code) show their code folded under a summary line.
- mkdocs-jupyter's template loads MathJax and mermaid from cdnjs; those script
  tags are removed (KaTeX from assets/ renders the math instead).
- mkdocs-jupyter also inlines about 600 KB of JupyterLab CSS into every notebook
  page; it moves into one shared `assets/css/notebook.css`, which the browser
  caches, so a second example page does not download it again.
- The search index is rewritten as plain UTF-8: with JSON's `\\uXXXX` escapes a
  Chinese character takes 6 bytes instead of 3, and every page loads the index.
  Example pages are left out of it (their lessons are in it): that is over a
  fifth of the index that every page would otherwise load.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path

import jupytext
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]
SHARED_DIRS = ("assets",)
EXAMPLES = ROOT / "examples"
NOTEBOOKS = ROOT / "docs" / "generated" / "examples"

# mkdocs-jupyter's third-party scripts: MathJax 2 (+ its inline config) and mermaid's ES module.
_THIRD_PARTY_SCRIPTS = re.compile(
    r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>'
    r'|<script type="text/x-mathjax-config">.*?</script>'
    r'|<script type="module">(?:(?!</script>).)*?https?://(?:(?!</script>).)*?</script>',
    re.DOTALL,
)
_STYLE = re.compile(r'<style type="text/css">(.*?)</style>', re.DOTALL)
NOTEBOOK_CSS = "assets/css/notebook.css"


def is_notebook_script(path: Path) -> bool:
    """True for an example script written as `# %%` cells."""
    if path.suffix != ".py" or path.name.startswith("_"):
        return False
    return any(line.startswith("# %%") for line in path.read_text(encoding="utf-8").splitlines())


def is_notebook_page(page: Page) -> bool:
    return page.file.src_uri.startswith("examples/") and page.file.src_uri.endswith(".ipynb")


@event_priority(100)  # before mkdocs-jupyter wraps the notebook files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    for folder in SHARED_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.name == "README.md" or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(ROOT).as_posix()
            files.append(File(rel, str(ROOT), config.site_dir, config.use_directory_urls))
    for script in sorted(EXAMPLES.glob("*.py")):
        stored = NOTEBOOKS / f"{script.stem}.ipynb"
        if is_notebook_script(script) and stored.is_file():  # a missing one fails the strict build (nav)
            page = File(f"examples/{stored.name}", str(NOTEBOOKS.parent), config.site_dir, config.use_directory_urls)
            files.append(page)
    return files


def example_header(notebook: dict, i18n: dict) -> str:
    """The run's time and machine, and the download links, as HTML."""
    run = notebook["metadata"]["course"]
    machine = run["machine"]
    isa = i18n["with_avx512"] if machine["avx512"] else i18n["without_avx512"]
    note = i18n["run_note"].format(
        date=run["date"],
        seconds=run["seconds"],
        cpu=machine["cpu"],
        cores=machine["cores"],
        isa=isa,
        python=machine["python"],
        tensorflow=run["versions"].get("tensorflow", "-"),
    )
    stem = Path(run["script"]).stem
    links = [
        f'<a href="{stem}.ipynb" download>{html.escape(i18n["download_notebook"])}</a>',
        f'<a href="{stem}.py" download>{html.escape(i18n["download_script"])}</a>',
    ]
    return (
        f'<p class="example-run">{html.escape(note)}</p>'
        f'<p class="nb-downloads">{"".join(f"<span>{link}</span>" for link in links)}</p>'
    )


def fold_cells(content: str, summary: str) -> str:
    """Put the code of every cell tagged `fold` inside a closed <details> with `summary` as its line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(content, "html.parser")
    for cell in soup.select("div.jp-Cell.celltag_fold"):
        code = cell.select_one(".jp-Cell-inputWrapper")
        if code is None or code.find_parent("details") is not None:
            continue
        details = soup.new_tag("details", attrs={"class": "nb-fold"})
        label = soup.new_tag("summary")
        label.string = summary
        code.wrap(details)
        details.insert(0, label)
    return str(soup)


def on_page_content(html_content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not is_notebook_page(page):
        return html_content
    # Example pages are code; leaving them out of the search index keeps every page's first visit lighter
    # (the index loads on every page), and the lessons that explain each example are indexed.
    page.meta["search"] = {"exclude": True}
    i18n = config.extra["i18n"]
    notebook = json.loads(Path(page.file.abs_src_path).read_text(encoding="utf-8"))
    header = example_header(notebook, i18n)
    content = fold_cells(html_content, i18n["fold_summary"])
    # The header goes under the notebook's title and one-line description (its first paragraph).
    title = content.find("</h1>")
    first_paragraph = content.find("</p>", title) if title >= 0 else -1
    if first_paragraph < 0:
        return header + content
    cut = first_paragraph + len("</p>")
    return content[:cut] + header + content[cut:]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not is_notebook_page(page):
        return output
    script = EXAMPLES / f"{Path(page.file.src_uri).stem}.py"
    dest = Path(page.file.abs_dest_path).parent
    dest.mkdir(parents=True, exist_ok=True)
    (dest / script.name).write_bytes(script.read_bytes())
    notebook = jupytext.read(script)  # the download: the script's cells, without the stored outputs
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    jupytext.write(notebook, dest / f"{script.stem}.ipynb", fmt="ipynb")
    return shared_notebook_css(_THIRD_PARTY_SCRIPTS.sub("", output), page, config)


def shared_notebook_css(output: str, page: Page, config: MkDocsConfig) -> str:
    """Move the notebook's inline <style> blocks, in order, into NOTEBOOK_CSS and link it where the first stood.

    The blocks come from mkdocs-jupyter's template and are the same on every notebook page.
    """
    blocks = _STYLE.findall(output)
    if not blocks:
        return output
    css = Path(config.site_dir) / NOTEBOOK_CSS
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text("\n".join(blocks), encoding="utf-8")
    link = f'<link rel="stylesheet" href="{posixpath.relpath(NOTEBOOK_CSS, page.url)}">'
    first = _STYLE.search(output)
    return output[: first.start()] + link + _STYLE.sub("", output[first.start() :])


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
