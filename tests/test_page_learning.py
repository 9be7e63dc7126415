"""learning.md, both languages: the numbers its prose and figure descriptions state, read from the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import course

ROOT = Path(__file__).resolve().parents[1]
PAGES = {lang: ROOT / "docs" / lang / "lessons" / "learning.md" for lang in ("en", "zh")}
FIGURES = ("gradient_descent.png", "learned_kernel.png")


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One run of examples/learning.py, which draws the page's two figures: the numbers it records."""
    tmp = tmp_path_factory.mktemp("learning")
    result = course.run_example("learning", "--out", str(tmp / "out"), cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
    assert written == sorted(f"out/{name}" for name in (*FIGURES, "learning.json"))
    return json.loads((tmp / "out" / "learning.json").read_text(encoding="utf-8")) | {"stdout": result.stdout}


def page(lang: str) -> str:
    return PAGES[lang].read_text(encoding="utf-8")


def alt_text(text: str, figure: str) -> str:
    match = re.search(r"!\[([^\]]*)\]\(\.\./assets/figures/" + re.escape(figure) + r"\)", text)
    assert match, figure
    return match.group(1)


def expected_output_after(text: str, code_marker: str) -> str:
    """The expected-output block of the first python block that contains `code_marker`."""
    start = text.index(code_marker)
    match = re.search(r"<!--pytest-codeblocks:expected-output-->\s*```text\n(.*?)```", text[start:], re.S)
    assert match, code_marker
    return match.group(1)


# The loss curve's alt text: "from about 1.1 ... near 0.17 over 100 steps" (zh: 在 100 步内从约 1.1 ……在 0.17 附近).
ALT_PATTERNS = {
    "en": (
        r"falls steeply from about (?P<first>[\d.]+) and then flattens out near (?P<last>[\d.]+)"
        r" over (?P<steps>\d+) steps"
    ),
    "zh": r"在 (?P<steps>\d+) 步内从约 (?P<first>[\d.]+) 急剧下降，随后在 (?P<last>[\d.]+) 附近趋于平缓",
}


@pytest.mark.parametrize("lang", PAGES)
def test_loss_figure_description_matches_the_script_that_draws_it(lang: str, record: dict) -> None:
    losses = record["softmax_regression"]["losses"]
    match = re.search(ALT_PATTERNS[lang], alt_text(page(lang), "gradient_descent.png"))
    assert match, lang
    assert int(match["steps"]) == len(losses)
    assert match["first"] == f"{losses[0]:.1f}" == "1.1"
    assert match["last"] == f"{losses[-1]:.2f}" == "0.17"


@pytest.mark.parametrize("lang", PAGES)
def test_snippet_and_figure_use_the_same_data_and_settings(lang: str, record: dict) -> None:
    """'The example script draws this figure from the same data and settings': the snippet's output equals it."""
    losses, accuracy = record["softmax_regression"]["losses"], record["softmax_regression"]["accuracy"]
    printed = expected_output_after(page(lang), "for step in range(100):").strip()
    assert printed == f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, accuracy {accuracy:.2f}"
    assert printed in record["stdout"].splitlines()  # the example page prints the same line


@pytest.mark.parametrize("lang", PAGES)
def test_mini_batches_end_at_about_the_full_batch_loss(lang: str) -> None:
    """'The same number of steps ... ends at about the same loss': both losses as the page prints them."""
    text = page(lang)
    full = float(re.search(r"-> ([\d.]+),", expected_output_after(text, "for step in range(100):"))[1])
    mini = float(re.search(r"loss ([\d.]+)", expected_output_after(text, "batch_size, epochs = 0.5, 32, 20"))[1])
    steps = re.search(r"(\d+) epochs of (\d+) steps", expected_output_after(text, "batch_size, epochs = 0.5, 32, 20"))
    assert int(steps[1]) * int(steps[2]) == 100  # as many steps as the full-batch loop
    assert abs(mini - full) < 0.01


@pytest.mark.parametrize("lang", PAGES)
def test_overflow_thresholds_in_the_prose_are_the_float_limits(lang: str) -> None:
    text = page(lang)
    section = text[text.index("{#stable-softmax}") : text.index("```python", text.index("{#stable-softmax}"))]
    for dtype in (np.float32, np.float64):
        assert f"{np.log(np.finfo(dtype).max):.1f}" in section, dtype
    assert "88.7" in section and "709.8" in section


@pytest.mark.parametrize("lang", PAGES)
def test_learned_kernel_figure_states_the_steps_the_script_takes(lang: str, record: dict) -> None:
    kernel = record["learned_kernel"]
    learned, losses = np.array(kernel["learned"]), kernel["losses"]
    assert kernel["target"] == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # Sobel, as panel (a)'s description says
    assert np.allclose(learned, kernel["target"], atol=1e-4)
    assert not np.allclose(kernel["initial"], kernel["target"], atol=0.5)  # (b) "nine random values"
    assert "30" in alt_text(page(lang), "learned_kernel.png") and len(losses) == 30
    # On a log scale the loss falls along a nearly straight line: a nearly constant ratio from step to step.
    ratios = np.array(losses[1:]) / np.array(losses[:-1])
    assert ratios[10:].std() < 0.05 * ratios[10:].mean()


@pytest.mark.parametrize("lang", PAGES)
def test_sections_other_pages_and_the_glossary_link_to(lang: str) -> None:
    text = page(lang)
    for anchor in ("dense", "softmax", "gradient-descent", "epochs", "validation", "adam", "counting-weights"):
        assert re.search(r"^#{2,3} .*\{#" + anchor + r"\}$", text, re.M), anchor
    # The three training sections sit inside gradient descent, in this order.
    order = [
        text.index("{#" + a + "}") for a in ("gradient-descent", "epochs", "validation", "adam", "counting-weights")
    ]
    assert order == sorted(order)
    counting = text[text.index("{#counting-weights}") : text.index("{#where-kernels-come-from}")]
    assert "(why-convolution.md)" in counting


@pytest.mark.parametrize(("lang", "mark"), [("en", "(optional)"), ("zh", "（选做）")])
def test_the_exercise_that_needs_eigenvalues_is_optional(lang: str, mark: str) -> None:
    text = page(lang)
    exercises = re.split(r"^(\d+)\. ", text[text.index("{#exercises}") :], flags=re.M)
    statements = dict(zip(exercises[1::2], exercises[2::2], strict=True))
    assert statements["3"].startswith(mark)
    assert "eigvalsh" in statements["3"]
