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
from functools import cache, partial
from pathlib import Path

import numpy as np
from scipy.signal import convolve2d

from course import markdown_table, write_fragments
from make_ship_fragments import FRAGMENTS as SHIP_FRAGMENTS
from make_training_fragments import FRAGMENTS as TRAINING_FRAGMENTS
from make_web_fragments import FRAGMENTS as WEB_FRAGMENTS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "data"
LANGS = ("en", "zh")

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
        "seconds": "{:.1f} s",
        "layers": ("Layer", "Type", "Output shape", "Parameters", "How the count arises"),
        "total": "Total",
        "mlp": ("Model", "Parameters", "Test accuracy", "Test accuracy, pixels shuffled"),
        "mlp_names": {"mlp": "MLP 784-512-512-10", "lenet5": "LeNet-5"},
        "mlp_note": "Both trained with the default recipe ({epochs} epochs), seed {seed}.",
        "lenet1998": ("Layer", "Type", "Output shape", "Trainable parameters", "Connections"),
        "lenet1998_fixed": "The output layer's {fixed} weights are fixed, not trained.",
        "alexnet": ("Layer", "Type", "Output shape", "Parameters", "Multiply-accumulates"),
        "alexnet_note": "The five convolutional layers hold {conv_params} of the parameters and do {conv_macs} of "
        "the multiply-accumulates; `fc6` alone holds {fc6} of the parameters.",
        "compare_note": "AlexNet has {params} times as many trainable parameters as LeNet-5 (1998), and needs {macs} "
        "times as many multiply-accumulates per image. Parameters are trainable ones; multiply-accumulates are counted "
        "in the convolutional and dense layers.",
        "compare": ("Network", "Input", "Conv layers", "Dense layers", "Parameters", "Multiply-accumulates per image"),
        "compare_names": {
            "lenet1998": "LeNet-5 (1998)",
            "lenet_course": "LeNet-5, this course's version",
            "alexnet": "AlexNet (2012), two GPUs",
            "alexnet_one_tower": "AlexNet, same layers on one device",
            "vgg16": "VGG-16 (2015)",
            "resnet50": "ResNet-50 (2016)",
        },
        "frameworks": (
            "Implementation",
            "Versions",
            "Parameters",
            "First epoch",
            "Later epochs (median)",
            "Test accuracy (median)",
        ),
        "frameworks_names": {
            "keras-tensorflow": "Keras on TensorFlow",
            "keras-jax": "Keras on JAX",
            "keras-torch": "Keras on PyTorch",
            "pytorch": "PyTorch",
        },
        "frameworks_note": "Measured on {date}: {cpu}, {cores} cores, no GPU; {epochs} epochs, "
        "batch size {batch_size}, Adam with learning rate {learning_rate:g}; {repeats} runs of each implementation, "
        "each in a fresh process, by `scripts/benchmark_frameworks.py`.",
    },
    "zh": {
        "seconds": "{:.1f} 秒",
        "layers": ("层", "类型", "输出形状", "参数量", "参数量的由来"),
        "total": "合计",
        "mlp": ("模型", "参数量", "测试准确率", "测试准确率（像素打乱后）"),
        "mlp_names": {"mlp": "MLP 784-512-512-10", "lenet5": "LeNet-5"},
        "mlp_note": "两个模型使用相同的默认训练方案（{epochs} 轮），随机种子均为 {seed}。",
        "lenet1998": ("层", "类型", "输出形状", "可训练参数", "连接数"),
        "lenet1998_fixed": "输出层的 {fixed} 个权重是固定的，不参与训练。",
        "alexnet": ("层", "类型", "输出形状", "参数量", "乘加次数"),
        "alexnet_note": "五个卷积层只占参数量的 {conv_params}，却承担了 {conv_macs} 的乘加运算；"
        "仅 `fc6` 一层就占参数量的 {fc6}。",
        "compare_note": "AlexNet 的可训练参数是 LeNet-5（1998）的 {params} 倍，每张图像的乘加次数是它的 {macs} 倍。"
        "参数量只计可训练参数；乘加次数只统计卷积层和全连接层。",
        "compare": ("网络", "输入", "卷积层", "全连接层", "参数量", "每张图像的乘加次数"),
        "compare_names": {
            "lenet1998": "LeNet-5（1998）",
            "lenet_course": "LeNet-5，本课程的版本",
            "alexnet": "AlexNet（2012），双 GPU",
            "alexnet_one_tower": "AlexNet，同样的层放在单个设备上",
            "vgg16": "VGG-16（2015）",
            "resnet50": "ResNet-50（2016）",
        },
        "frameworks": ("实现", "版本", "参数量", "第一轮", "其余各轮（中位数）", "测试准确率（中位数）"),
        "frameworks_names": {
            "keras-tensorflow": "Keras + TensorFlow 后端",
            "keras-jax": "Keras + JAX 后端",
            "keras-torch": "Keras + PyTorch 后端",
            "pytorch": "PyTorch",
        },
        "frameworks_note": "测量于 {date}：{cpu}，{cores} 个核心，无 GPU；训练 {epochs} 轮，批量大小 {batch_size}，"
        "Adam 优化器，学习率 {learning_rate:g}；每种实现由 `scripts/benchmark_frameworks.py` 运行 {repeats} 次，"
        "每次运行都启动新进程。",
    },
}


# The records of lenet_mnist.py runs that give each model's layers: the shipped default model's, and
# a `--preset seed --smoke` run's (the seed model's layers do not depend on how long it trains).
LAYER_RECORDS = {"lenet5": ROOT / "assets" / "models" / "lenet.json", "seed": DATA / "lenet_seed.json"}


def _param_formula(layer: dict) -> str:
    """How a recorded layer's parameter count arises, e.g. `6 × (5·5·1 + 1)`."""
    units, inputs = layer["output_shape"][-1], layer["input_shape"][-1]
    if layer["type"] == "Conv2D":
        kh, kw = layer["kernel_size"]
        return f"{units} × ({kh}·{kw}·{inputs} + 1)"
    if layer["type"] == "Dense":
        return f"{units} × ({inputs} + 1)"
    return "–"


def layer_table(model: str, lang: str) -> str:
    """Per-layer output shapes and parameter counts of a lenet_mnist.py model, from the `layers` of its record."""
    record = json.loads(LAYER_RECORDS[model].read_text(encoding="utf-8"))
    rows = []
    for layer in record["layers"]:
        shape = "×".join(str(d) for d in layer["output_shape"][1:])
        rows.append((f"`{layer['name']}`", layer["type"], shape, f"{layer['params']:,}", _param_formula(layer)))
    rows.append((f"**{TEXT[lang]['total']}**", "", "", f"**{record['params']:,}**", ""))
    return markdown_table(TEXT[lang]["layers"], rows)


def mlp_results(lang: str) -> str:
    """Parameters and accuracy of the MLP and LeNet-5, on plain and on pixel-shuffled digits."""
    record = json.loads((DATA / "mlp_vs_cnn.json").read_text(encoding="utf-8"))
    t = TEXT[lang]
    rows = [
        (t["mlp_names"][name], f"{m['params']:,}", f"{m['test_accuracy']:.2%}", f"{m['shuffled_test_accuracy']:.2%}")
        for name, m in record["models"].items()
    ]
    return markdown_table(t["mlp"], rows) + "\n" + t["mlp_note"].format(**record) + "\n"


def _shape(shape: list[int]) -> str:
    return "×".join(map(str, shape))


@cache
def _architectures() -> dict:
    """docs/data/architectures.json, written by examples/architectures.py: per-network and per-layer counts."""
    return json.loads((DATA / "architectures.json").read_text(encoding="utf-8"))["networks"]


def lenet1998_layers(lang: str) -> str:
    """LeNet-5 as published: per-layer shapes, trainable parameters and the paper's connection counts."""
    t, net = TEXT[lang], _architectures()["lenet1998"]
    rows = [
        (f"`{c['name']}`", c["kind"], _shape(c["shape"]), f"{c['params']:,}", f"{c['connections']:,}")
        for c in net["layers"]
    ]
    rows.append((f"**{t['total']}**", "", "", f"**{net['params']:,}**", f"**{net['connections']:,}**"))
    return (
        markdown_table(t["lenet1998"], rows)
        + "\n"
        + t["lenet1998_fixed"].format(fixed=f"{net['fixed_params']:,}")
        + "\n"
    )


def alexnet_layers(lang: str) -> str:
    """AlexNet as published: per-layer shapes, parameters and multiply-accumulates."""
    t, net = TEXT[lang], _architectures()["alexnet"]
    counts, params, macs = net["layers"], net["params"], net["macs"]
    rows = [(f"`{c['name']}`", c["kind"], _shape(c["shape"]), f"{c['params']:,}", f"{c['macs']:,}") for c in counts]
    rows.append((f"**{t['total']}**", "", "", f"**{params:,}**", f"**{macs:,}**"))
    convs = [c for c in counts if c["kind"] == "Conv2D"]
    note = t["alexnet_note"].format(
        conv_params=f"{sum(c['params'] for c in convs) / params:.1%}",
        conv_macs=f"{sum(c['macs'] for c in convs) / macs:.1%}",
        fc6=f"{next(c['params'] for c in counts if c['name'] == 'fc6') / params:.1%}",
    )
    return markdown_table(t["alexnet"], rows) + "\n" + note + "\n"


def architectures_compare(lang: str) -> str:
    """Input, depth, parameters and compute of LeNet-5, AlexNet, VGG-16 and ResNet-50."""
    t, networks, rows = TEXT[lang], _architectures(), []
    for name, title in t["compare_names"].items():
        n = networks[name]
        rows.append(
            (title, _shape(n["input"]), n["conv_layers"], n["dense_layers"], f"{n['params']:,}", f"{n['macs']:,}")
        )
    note = t["compare_note"].format(
        params=f"{networks['alexnet']['params'] / networks['lenet1998']['params']:,.0f}",
        macs=f"{networks['alexnet']['macs'] / networks['lenet1998']['macs']:,.0f}",
    )
    return markdown_table(t["compare"], rows) + "\n" + note + "\n"


def frameworks_results(lang: str) -> str:
    """The frameworks benchmark: the same LeNet-5 in each implementation, timed on one machine."""
    record = json.loads((DATA / "frameworks_benchmark.json").read_text(encoding="utf-8"))
    t, summary, versions = TEXT[lang], record["summary"], record["versions"]
    rows = []
    for name, s in summary.items():
        used = ", ".join(f"{p} {versions[p]}" for p in record["implementations"][name]["packages"])
        rows.append(
            (
                t["frameworks_names"][name],
                used,
                f"{s['params']:,}",
                t["seconds"].format(s["first_epoch_seconds"]),
                t["seconds"].format(s["epoch_seconds"]),
                f"{s['median_accuracy']:.2%}",
            )
        )
    settings = {(s["epochs"], s["batch_size"], s["learning_rate"]) for s in summary.values()}
    assert len(settings) == 1, "every implementation must train with the same settings"
    epochs, batch_size, learning_rate = settings.pop()
    note = t["frameworks_note"].format(
        **record["machine"],
        date=record["date"],
        repeats=record["repeats"],
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
    )
    return markdown_table(t["frameworks"], rows) + "\n" + note + "\n"


GLOSSARY_TEXT = {
    "en": {"introduced": "Introduced in", "avoid": "Avoid in Chinese"},
    "zh": {"introduced": "详见", "avoid": "不用"},
}


def lesson_title(lang: str, page: str) -> str:
    """A lesson's H1 in `lang`, without its `{#id}`."""
    first = (ROOT / "docs" / lang / "lessons" / page).read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("# ").split(" {#")[0]


def glossary(lang: str) -> str:
    """The glossary page's entries, from docs/data/glossary.yml, in the order the lessons introduce them."""
    import yaml

    entries = yaml.safe_load((DATA / "glossary.yml").read_text(encoding="utf-8"))
    t, other = GLOSSARY_TEXT[lang], "zh" if lang == "en" else "en"
    blocks = []
    for e in entries:
        page = e["lesson"].split("#")[0]
        title = e[lang] if e[lang] == e[other] else f"{e[lang]} · {e[other]}"
        lines = [f"### {title} {{#{e['id']}}}", "", e[f"{lang}_def"], ""]
        meta = f"{t['introduced']}: [{lesson_title(lang, page)}]({e['lesson']})"
        if e["avoid"]:
            if lang == "zh":
                avoid = "；".join(f"{a['term']}（{a['why']}）" for a in e["avoid"])
            else:
                avoid = ", ".join(a.get("en", a["term"]) for a in e["avoid"])
            meta += f" · {t['avoid']}: {avoid}" if lang == "en" else f" · {t['avoid']}：{avoid}"
        if lang == "zh":
            meta = meta.replace(f"{t['introduced']}: ", f"{t['introduced']}：")
        blocks.append("\n".join([*lines, meta]) + "\n")
    return "\n".join(blocks)


FRAGMENTS: dict[str, Callable[[], str]] = {
    "conv_flipped_kernel.md": conv_flipped_kernel,
    "conv_sums.md": conv_sums,
}
for _lang in LANGS:
    FRAGMENTS[f"lenet_layers.{_lang}.md"] = partial(layer_table, "lenet5", _lang)
    FRAGMENTS[f"seed_layers.{_lang}.md"] = partial(layer_table, "seed", _lang)
    FRAGMENTS[f"mlp_results.{_lang}.md"] = partial(mlp_results, _lang)
    FRAGMENTS[f"lenet1998_layers.{_lang}.md"] = partial(lenet1998_layers, _lang)
    FRAGMENTS[f"alexnet_layers.{_lang}.md"] = partial(alexnet_layers, _lang)
    FRAGMENTS[f"architectures_compare.{_lang}.md"] = partial(architectures_compare, _lang)
    FRAGMENTS[f"frameworks_results.{_lang}.md"] = partial(frameworks_results, _lang)
    FRAGMENTS[f"glossary.{_lang}.md"] = partial(glossary, _lang)
# Fragments whose generators live in their own files, next to the scripts that write their records.
FRAGMENTS.update(SHIP_FRAGMENTS)
FRAGMENTS.update(WEB_FRAGMENTS)
FRAGMENTS.update(TRAINING_FRAGMENTS)


def render_all() -> dict[str, str]:
    """Every fragment's file name and its current text."""
    return {name: make() for name, make in FRAGMENTS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    write_fragments(render_all())
    return 0


if __name__ == "__main__":
    sys.exit(main())
