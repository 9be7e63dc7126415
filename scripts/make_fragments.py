"""Write the generated Markdown fragments in docs/generated/ that pages include.

Pages pull these in with `--8<-- "NAME.md"` (pymdownx.snippets, check_paths on),
so every worked number on the site is computed here, not typed. The tests
regenerate each fragment and fail if the committed file differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from scipy.signal import convolve2d

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "docs" / "generated"
DATA = ROOT / "docs" / "data"
LANGS = ("en", "zh")
sys.path.insert(0, str(ROOT / "examples"))

# The convolution lesson's worked example.
IMAGE = np.array([[10, 10, 10, 10, 10], [10, 5, 5, 5, 10], [10, 5, 5, 5, 10], [10, 5, 5, 5, 10], [10, 10, 10, 10, 10]])
KERNEL = np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]])


def _num(v: int) -> str:
    return f"({v})" if v < 0 else str(v)


def _matrix(a: np.ndarray) -> str:
    rows = (" & ".join(str(v) for v in row) for row in a)
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def conv_flipped_kernel() -> str:
    """The kernel before and after the 180-degree flip."""
    return (
        f"$$\nK = {_matrix(KERNEL)} \\quad\\xrightarrow{{180^\\circ}}\\quad K' = {_matrix(np.rot90(KERNEL, 2))}\n$$\n"
    )


def conv_sums() -> str:
    """All nine sums of the valid convolution, result first (narrow screens), then term by term."""
    flipped = np.rot90(KERNEL, 2)
    out = convolve2d(IMAGE, KERNEL, mode="valid")
    lines = []
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = IMAGE[i : i + 3, j : j + 3]
            terms = " + ".join(f"{x}\\cdot{_num(k)}" for x, k in zip(window.ravel(), flipped.ravel(), strict=True))
            assert int((window * flipped).sum()) == out[i, j]
            lines.append(f"y_{{{i},{j}}} = {out[i, j]} &= {terms}")
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$\n"


# Table headers and labels. A fragment named NAME.en.md / NAME.zh.md is made once per language.
TEXT = {
    "en": {
        "layers": ("Layer", "Type", "Output shape", "Parameters", "How the count arises"),
        "total": "Total",
        "results": (
            "Configuration",
            "Epochs",
            "Parameters",
            "Test accuracy (median)",
            "Worst seed",
            "Training time (median)",
        ),
        "seed": "`--preset seed` (the 2019 lesson)",
        "default": "default (this course)",
        "measured": "Measured on {date}: {cpu}, {cores} cores, Python {python}, TensorFlow {tensorflow}, "
        "Keras {keras}; {n} seeds per configuration, run alternately, each in a fresh process by "
        "`scripts/benchmark_lenet.py`. Training time divided by the seed preset's, per seed (median): **{ratio}**.",
        "mlp": ("Model", "Parameters", "Test accuracy", "Test accuracy, pixels shuffled"),
        "mlp_names": {"mlp": "MLP 784-512-512-10", "lenet5": "LeNet-5"},
        "mlp_note": "Both trained with the default recipe ({epochs} epochs), seed {seed}.",
    },
    "zh": {
        "layers": ("层", "类型", "输出形状", "参数量", "参数量的由来"),
        "total": "合计",
        "results": ("配置", "轮数", "参数量", "测试准确率（中位数）", "最差种子", "训练时间（中位数）"),
        "seed": "`--preset seed`（2019 年的原课程）",
        "default": "默认配置（本课程）",
        "measured": "测量于 {date}：{cpu}，{cores} 核，Python {python}，TensorFlow {tensorflow}，"
        "Keras {keras}；每种配置 {n} 个随机种子，由 `scripts/benchmark_lenet.py` 交替运行，"
        "每次都是新进程。同一种子下训练时间与 seed 配置之比（中位数）：**{ratio}**。",
        "mlp": ("模型", "参数量", "测试准确率", "测试准确率（像素打乱后）"),
        "mlp_names": {"mlp": "MLP 784-512-512-10", "lenet5": "LeNet-5"},
        "mlp_note": "两个模型使用相同的默认训练方案（{epochs} 轮），随机种子 {seed}。",
    },
}


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _param_formula(layer) -> str:  # noqa: ANN001 - a Keras layer
    """How a layer's parameter count arises, e.g. `6 × (5·5·1 + 1)`."""
    kind = type(layer).__name__
    if kind == "Conv2D":
        kh, kw = layer.kernel_size
        return f"{layer.filters} × ({kh}·{kw}·{layer.input.shape[-1]} + 1)"
    if kind == "Dense":
        return f"{layer.units} × ({layer.input.shape[-1]} + 1)"
    return "–"


def layer_table(builder: str, lang: str) -> str:
    """Per-layer output shapes and parameter counts of a model from lenet_mnist.py."""
    import lenet_mnist

    model = lenet_mnist.BUILDERS[builder]()
    rows = []
    for layer in model.layers:
        shape = "×".join(str(d) for d in layer.output.shape[1:])
        rows.append(
            (f"`{layer.name}`", type(layer).__name__, shape, f"{layer.count_params():,}", _param_formula(layer))
        )
    rows.append((f"**{TEXT[lang]['total']}**", "", "", f"**{model.count_params():,}**", ""))
    return _table(TEXT[lang]["layers"], rows)


def lenet_results(lang: str) -> str:
    """Seed preset vs default, from the benchmark record."""
    record = json.loads((DATA / "lenet_benchmark.json").read_text(encoding="utf-8"))
    t, summary = TEXT[lang], record["summary"]
    rows = []
    for preset in ("seed", "default"):
        s = summary[preset]
        rows.append(
            (
                t[preset],
                s["epochs"],
                f"{s['params']:,}",
                f"{s['median_accuracy']:.2%}",
                f"{s['min_accuracy']:.2%}",
                f"{s['median_train_seconds']:.1f} s",
            )
        )
    n = len({r["seed"] for r in record["runs"]})
    note = t["measured"].format(
        **record["machine"], **record["versions"], date=record["date"], n=n, ratio=summary["time_ratio"]
    )
    return _table(t["results"], rows) + "\n" + note + "\n"


def mlp_results(lang: str) -> str:
    """Parameters and accuracy of the MLP and LeNet-5, on plain and on pixel-shuffled digits."""
    record = json.loads((DATA / "mlp_vs_cnn.json").read_text(encoding="utf-8"))
    t = TEXT[lang]
    rows = [
        (t["mlp_names"][name], f"{m['params']:,}", f"{m['test_accuracy']:.2%}", f"{m['shuffled_test_accuracy']:.2%}")
        for name, m in record["models"].items()
    ]
    return _table(t["mlp"], rows) + "\n" + t["mlp_note"].format(**record) + "\n"


FRAGMENTS: dict[str, Callable[[], str]] = {
    "conv_flipped_kernel.md": conv_flipped_kernel,
    "conv_sums.md": conv_sums,
}
for _lang in LANGS:
    FRAGMENTS[f"lenet_layers.{_lang}.md"] = partial(layer_table, "lenet5", _lang)
    FRAGMENTS[f"seed_layers.{_lang}.md"] = partial(layer_table, "seed", _lang)
    FRAGMENTS[f"lenet_results.{_lang}.md"] = partial(lenet_results, _lang)
    FRAGMENTS[f"mlp_results.{_lang}.md"] = partial(mlp_results, _lang)


def render_all() -> dict[str, str]:
    """Every fragment's file name and its current text."""
    return {name: make() for name, make in FRAGMENTS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    GENERATED.mkdir(parents=True, exist_ok=True)
    for name, text in render_all().items():
        (GENERATED / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/generated/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
