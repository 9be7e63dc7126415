"""The home page: its numbered lesson list follows the nav, in both languages, and it links the glossary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "zh")
ITEM = re.compile(r"^\d+\.\s+\[[^\]]+\]\((lessons/[\w-]+\.md)\)", re.MULTILINE)
GLOSSARY = "lessons/glossary.md"


def nav_lessons() -> list[str]:
    """The lesson pages in mkdocs.yml's nav, in order (mkdocs.zh.yml inherits the nav)."""
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_constructor("!ENV", lambda load, node: None)  # site_url: !ENV SITE_URL
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)["nav"]
    sections = [item["Lessons"] for item in nav if isinstance(item, dict) and "Lessons" in item]
    assert len(sections) == 1, nav
    return [entry if isinstance(entry, str) else next(iter(entry.values())) for entry in sections[0]]


def index(lang: str) -> str:
    return (ROOT / "docs" / lang / "index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_lesson_list_follows_the_nav(lang: str) -> None:
    listed = ITEM.findall(index(lang))
    expected = [page for page in nav_lessons() if page != GLOSSARY]
    assert listed == expected


@pytest.mark.parametrize("lang", LANGS)
def test_every_listed_lesson_exists_and_the_glossary_is_linked(lang: str) -> None:
    text = index(lang)
    for page in ITEM.findall(text):
        assert (ROOT / "docs" / lang / page).is_file(), page
    assert f"]({GLOSSARY})" in text
    assert GLOSSARY in nav_lessons()


@pytest.mark.parametrize("lang", LANGS)
def test_optional_exercises_are_explained(lang: str) -> None:
    # The promise "the idea of a derivative is enough" comes with the marker for exercises that need more.
    marker = {"en": "*(optional)*", "zh": "“（选做）”"}[lang]
    assert marker in index(lang)
