"""MkDocs hook: share `assets/` and `examples/` with every language, self-hosted.

- Files under `assets/` (figures, vendored KaTeX, CSS/JS) join each language's
  build as `assets/...`, so pages link them as `../assets/figures/NAME.png`.
- Example scripts in jupytext percent format (`# %%` cells) under `examples/`
  become pages `examples/NAME.py`, rendered by mkdocs-jupyter. Each such page
  gets download links, and its `.py`, its `.ipynb` and the example modules it
  imports (`common.py`, ...) are written beside it.
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
SHARED_DIRS = ("assets", "examples")

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
    return page.file.src_uri.startswith("examples/") and page.file.src_uri.endswith(".py")


@event_priority(100)  # before mkdocs-jupyter wraps the notebook files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    for folder in SHARED_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.name == "README.md" or "__pycache__" in path.parts:
                continue
            if folder == "examples" and not is_notebook_script(path):
                continue
            rel = path.relative_to(ROOT).as_posix()
            files.append(File(rel, str(ROOT), config.site_dir, config.use_directory_urls))
    return files


def local_imports(script: Path) -> list[Path]:
    """Modules from the same folder that `script` imports, directly or through each other."""
    found: list[Path] = []
    pending = [script]
    while pending:
        source = pending.pop().read_text(encoding="utf-8")
        for name in re.findall(r"^(?:from|import) (\w+)", source, flags=re.MULTILINE):
            module = script.parent / f"{name}.py"
            if module.is_file() and module != script and module not in found:
                found.append(module)
                pending.append(module)
    return sorted(found)


def on_page_content(html_content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not is_notebook_page(page):
        return html_content
    # Example pages are code; leaving them out of the search index keeps every page's first visit lighter
    # (the index loads on every page), and the lessons that explain each example are indexed.
    page.meta["search"] = {"exclude": True}
    i18n = config.extra["i18n"]
    script = Path(page.file.abs_src_path)
    links = [
        f'<a href="{script.stem}.ipynb" download>{html.escape(i18n["download_notebook"])}</a>',
        f'<a href="{script.name}" download>{html.escape(i18n["download_script"])}</a>',
    ]
    needs = local_imports(script)
    if needs:
        modules = ", ".join(f'<a href="{m.name}" download><code>{m.name}</code></a>' for m in needs)
        links.append(f"{html.escape(i18n['download_needs'])} {modules}")
    return f'<p class="nb-downloads">{"".join(f"<span>{link}</span>" for link in links)}</p>' + html_content


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not is_notebook_page(page):
        return output
    src = Path(page.file.abs_src_path)
    dest = Path(page.file.abs_dest_path).parent
    dest.mkdir(parents=True, exist_ok=True)
    for path in [src, *local_imports(src)]:
        (dest / path.name).write_bytes(path.read_bytes())
    notebook = jupytext.read(src)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    jupytext.write(notebook, dest / f"{src.stem}.ipynb", fmt="ipynb")
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
