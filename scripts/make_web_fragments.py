"""Write the LeNet lesson's drawing-pad fragments, docs/generated/lenet_web.{en,zh}.md, from docs/data/lenet_web.json.

The record comes from scripts/export_lenet_web.py: the shipped model's test accuracy, the page weight of the
pad's scripts, and what rounding the weights to float16 cost. The page includes the fragment with
`--8<-- "lenet_web.en.md"`; tests regenerate it and fail if the committed file differs.
(To be merged into scripts/make_fragments.py.)
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

import course

GENERATED = course.GENERATED
RECORD = course.ROOT / "docs" / "data" / "lenet_web.json"
LANGS = ("en", "zh")

TEXT = {
    "en": {
        "text": "The model on this page is the course's trained LeNet-5, `assets/models/lenet.keras`; it reads "
        "**{accuracy}** of the 10,000 MNIST test digits correctly. Its {params} parameters come as 16-bit floats in "
        "`lenet-weights.js`, {weights}, and the code that prepares your drawing and runs the network, "
        "`lenet-demo.js`, adds {demo}: **{total}** of JavaScript, which only this page loads, the weights only as "
        "you scroll near the pad. Rounding the weights from "
        "32 to 16 bits changed {changed} of the 10,000 test predictions, and no probability by more than {diff}.",
        "none": "none",
        "some": "{}",
        "kb": "{:,.1f} kB",
        "measured": "Exported and measured by `scripts/export_lenet_web.py` on {date} ({cpu}, {cores} cores).",
    },
    "zh": {
        "text": "本页运行的就是课程训练好的 LeNet-5（`assets/models/lenet.keras`），它能正确识别 MNIST 10,000 张"
        "测试图像中的 **{accuracy}**。模型的 {params} 个参数以 16 位浮点数存放在 `lenet-weights.js` 中，共 {weights}；"
        "负责预处理你的手写数字并运行网络的 `lenet-demo.js` 另占 {demo}，"
        "合计 **{total}** 的 JavaScript。只有本页会加载这些文件，而且权重要等你滚动到画板附近时才加载。"
        "把权重从 32 位舍入到 16 位后，10,000 张测试图像中{changed}，任何一个概率的变化都不超过 {diff}。",
        "none": "没有一张的预测结果发生改变",
        "some": "有 {} 张的预测结果发生了改变",
        "kb": "{:,.1f} kB",
        "measured": "权重由 `scripts/export_lenet_web.py` 于 {date} 导出，"
        "以上数字也由它测得（{cpu}，{cores} 个核心）。",
    },
}


def lenet_web(lang: str) -> str:
    """The paragraph under the drawing pad: test accuracy, page weight, cost of float16, where measured."""
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    t, size = TEXT[lang], record["bytes"]

    def kb(n: int) -> str:
        return t["kb"].format(n / 1000)

    text = t["text"].format(
        accuracy=f"{record['test_accuracy']:.2%}",
        params=f"{record['model']['params']:,}",
        weights=kb(size["weights_js"]),
        demo=kb(size["demo_js"]),
        total=kb(size["weights_js"] + size["demo_js"]),
        changed=t["some"].format(f"{record['argmax_changed']:,}") if record["argmax_changed"] else t["none"],
        diff=f"{record['max_probability_difference']:.2g}",
    )
    measured = t["measured"].format(date=record["date"], **record["machine"])
    return f"{text}\n{measured}\n"


FRAGMENTS: dict[str, Callable[[], str]] = {f"lenet_web.{lang}.md": partial(lenet_web, lang) for lang in LANGS}


def render_all() -> dict[str, str]:
    """Every fragment's name and text."""
    return {name: make() for name, make in FRAGMENTS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GENERATED, help="folder to write into (default: docs/generated)")
    args = parser.parse_args(argv)
    course.write_fragments(render_all(), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
