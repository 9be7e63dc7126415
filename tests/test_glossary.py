"""The glossary: one data file, both pages generated from it, one term per concept on every Chinese page."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from prose import paragraphs, without_code, without_quotations

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = yaml.safe_load((ROOT / "docs" / "data" / "glossary.yml").read_text(encoding="utf-8"))
ZH_PAGES = sorted((ROOT / "docs" / "zh").rglob("*.md"))
LINK = re.compile(r"\]\([^)]*\)")


def _hook() -> object:
    """docs/hooks/glossary.py, imported from its path."""
    spec = importlib.util.spec_from_file_location("glossary_hook", ROOT / "docs" / "hooks" / "glossary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def avoided(text: str) -> list[str]:
    """The avoided variants that `text` uses."""
    found = []
    for entry in ENTRIES:
        for variant in entry["avoid"]:
            pattern = variant.get("regex") or re.escape(variant["term"])
            found += [f"{m.group(0)} (→ {entry['zh']})" for m in re.finditer(pattern, text)]
    return found


def test_entries_are_complete_and_unique() -> None:
    keys = ("id", "zh", "en", "zh_def", "en_def", "lesson", "avoid")
    for entry in ENTRIES:
        assert all(entry.get(k) not in (None, "") for k in keys if k != "avoid"), entry
        assert isinstance(entry["avoid"], list) and all(a["term"] and a["why"] for a in entry["avoid"]), entry
        page = entry["lesson"].split("#")[0]
        assert (ROOT / "docs" / "en" / "lessons" / page).is_file(), entry["lesson"]
    for key in ("id", "zh", "en"):
        values = [e[key] for e in ENTRIES]
        assert len(values) == len(set(values)), key


@pytest.mark.parametrize("page", ZH_PAGES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_chinese_prose_uses_one_term_per_concept(page: Path) -> None:
    problems = [
        f"line {p.line}: {variant}"
        for p in paragraphs(page)
        for variant in avoided(without_quotations(LINK.sub("]", without_code(p.text))))
    ]
    assert not problems, "avoided variants in prose (docs/data/glossary.yml says why):\n" + "\n".join(problems)


def test_the_variant_check_finds_what_it_should() -> None:
    assert sorted(avoided("卷积核的步长为 2，得到特征映射")) == ["步长 (→ 步幅)", "特征映射 (→ 特征图)"]
    assert avoided("双核 CPU 上，Sobel 卷积核的核心思想") == []
    assert avoided("用 Sobel 核做互相关") == ["核 (→ 卷积核)"]
    assert avoided(without_quotations("论文称之为「过滤器」")) == []


def test_the_hook_links_the_first_use_in_prose_only() -> None:
    hook = _hook()
    entries = hook.load_entries("en")
    for entry in entries:
        entry["definition"] = entry["en_def"]
    html = (
        "<h1>Kernels</h1><p>A <code>kernel</code> and a kernel; <a href='x'>stride</a>, "
        '<span class="arithmatex">stride</span>, feature maps, a stride and a kernel.</p>'
    )
    out = hook.link_terms(html, entries, "../glossary/")
    assert out.count('class="glossary-term"') == 2
    # A term the author already linked (here: "stride") is not linked a second time.
    assert '#stride" title=' not in hook.link_terms("<p><a href='p.md'>stride</a>, stride</p>", entries, "g/")
    assert '<a class="glossary-term" href="../glossary/#kernel"' in out and ">kernel</a>; " in out
    assert '#feature-map" title=' in out and '#stride" title=' not in out
    assert out.startswith("<h1>Kernels</h1><p>A <code>kernel</code>")
    zh = hook.load_entries("zh")
    for entry in zh:
        entry["definition"] = entry["zh_def"]
    out = hook.link_terms("<p>卷积核在卷积中滑动，一轮又一轮</p>", zh, "g/", chinese=True)
    assert '#kernel" title=' in out and '#convolution" title=' in out and "#epoch" not in out
    # Only whole words: 等变 inside 恒等变换 is not the term 平移等变.
    out = hook.link_terms("<p>恒等变换不改变输入；卷积是平移等变的</p>", zh, "g/", chinese=True)
    assert out.count("glossary-term") == 2 and ">平移等变</a>" in out and "恒等变换" in out


def test_every_glossary_link_on_the_site_resolves(site: Path) -> None:
    glossary_ids = {e["id"] for e in ENTRIES}
    pages = [p for p in site.rglob("index.html") if "examples" not in p.parts]
    links = 0
    for page in pages:
        for href in re.findall(r'class="glossary-term" href="([^"]+)"', page.read_text(encoding="utf-8")):
            path, anchor = href.split("#")
            target = (page.parent / path / "index.html").resolve()
            assert target.is_file() and target.parent.name == "glossary", (page, href)
            assert anchor in glossary_ids and f'id="{anchor}"' in target.read_text(encoding="utf-8"), (page, href)
            links += 1
    assert links > 100, links


def test_search_keeps_every_chinese_term_whole() -> None:
    """Chinese search (jieba) and the glossary links split text with docs/search/userdict.txt: it has every term."""
    words = {line.split()[0] for line in (ROOT / "docs" / "search" / "userdict.txt").read_text().splitlines() if line}
    terms = {e["zh"] for e in ENTRIES if not e["zh"].isascii() and len(e["zh"]) > 1 and " " not in e["zh"]}
    assert terms <= words, sorted(terms - words)
