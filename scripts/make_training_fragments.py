"""Write the fragments of the lesson "Training it well" and the LeNet lesson's results table.

docs/generated/training_*.{en,zh}.md come from docs/data/training.json, the record of one full run of
examples/training.py; docs/generated/lenet_results.{en,zh}.md from docs/data/lenet_benchmark.json, written by
scripts/benchmark_lenet.py. The pages include them with `--8<--`, so every measured number on those pages is
computed here, not typed. The fragments have the shape of scripts/make_fragments.py's (FRAGMENTS, render_all).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path

from course import markdown_table, write_fragments

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "data"
LANGS = ("en", "zh")

TEXT = {
    "en": {
        "seconds": "{:.1f} s",
        "seconds2": "{:.2f} s",
        "range": "{}–{}",
        "cores": "{cores} cores",
        "flags": "CPU flags {flags}",
        "no_flags": "no AVX flags",
        "run": "Measured on {date} by `examples/training.py` in one run of {minutes:.0f} minutes: {cpu}, {cores}, "
        "{flags}; Python {python}, TensorFlow {tensorflow}, Keras {keras}. Each row: seeds {seeds}, the same "
        "LeNet-5 and images; ± is the standard deviation over seeds, and the range is the worst and the best seed.",
        "optimizers": (
            "Optimizer",
            "Validation accuracy at each learning rate tried",
            "Chosen",
            "Test accuracy",
            "Worst–best seed",
        ),
        "optimizer_names": {
            "sgd": "SGD",
            "momentum": "SGD, momentum 0.9",
            "adam": "Adam",
        },
        "init": (
            "Initial weights",
            "Spread of C1, C3, C5, F6 before training",
            "Loss before training",
            "Test accuracy",
            "Worst–best seed",
        ),
        "init_names": {
            "glorot_uniform": "Glorot (uniform), Keras's default",
            "he_normal": "He (normal)",
            "normal_1": "normal, standard deviation 1",
            "normal_0.001": "normal, standard deviation 0.001",
        },
        "overfitting": (
            "Against overfitting",
            "Training accuracy",
            "Test accuracy",
            "Gap (training − test), percentage points",
        ),
        "overfitting_names": {
            "none": "nothing",
            "dropout": "dropout 0.5",
            "weight_decay": "weight decay {weight_decay:g} (AdamW)",
            "both": "both",
        },
        "overfitting_note": "{images:,} training images, {epochs} epochs, Adam (AdamW with weight decay) at "
        "learning rate 0.001, batches of 128; both accuracies measured after training.",
        "batchnorm": (
            "",
            "Test accuracy",
            "Worst–best seed",
            "Seconds per epoch ({images:,} images)",
            "Processor time per epoch",
        ),
        "batchnorm_names": {
            "without": "without batch normalization",
            "with": "with, momentum 0.99 (Keras's default)",
            "with_momentum_0.9": "with, momentum 0.9",
        },
        "times": "{seconds} ({ratio:.2f}×)",
        "batchnorm_note": "Seconds: the mean over the epochs after the first, which also builds the graph. Processor "
        "time adds up the time of all threads and changes less than the seconds when other programs share the "
        "processor; in brackets, as a multiple of the network without batch normalization.",
        "augmentation": ("", "Test accuracy", "Shifted {} px", "Samples read correctly", "Lowest P(true digit)"),
        "augmentation_names": {"without": "without augmentation", "with": "with augmentation"},
        "samples": "{correct} of {total}",
        "augmentation_note": "Shifted: the test images moved right by whole pixels, the columns that come in "
        "blank (mean over seeds). Samples: the {n} handwritten images of `assets/samples/`, prepared as "
        "`predict_digit.py` prepares them, read by the model of every seed.",
        "recipe": (
            "Adam's `beta_2`",
            "Label smoothing",
            "Validation accuracy",
            "Test accuracy",
            "Worst–best seed (test)",
        ),
        "recipe_note": "The default recipe on all {images:,} training images, {epochs} epochs ({steps} steps); "
        "each row changes one setting of it.",
        "results": (
            "Configuration",
            "Epochs",
            "Parameters",
            "Test accuracy (median)",
            "Worst seed's accuracy",
            "Training time (median)",
        ),
        "seed": "`--preset seed` (the 2019 lesson)",
        "default": "default (this course)",
        "padded": "`--preset padded` (the default, C1 padded)",
        "measured": "Measured on {date}: {cpu}, {cores} cores, CPU flags {flags}; Python {python}, "
        "TensorFlow {tensorflow}, Keras {keras}; {n} seeds per configuration, run alternately, each in a fresh "
        "process by `scripts/benchmark_lenet.py`. Training time divided by the seed preset's, per seed "
        "(median): **{ratio}**.",
        "modes": (
            "TensorFlow's CPU kernels",
            "oneDNN",
            "Seed preset (median)",
            "Default (median)",
            "Time ratio, median (largest)",
            "Processor-time ratio, median",
            "Default's worst seed",
            "Padded C1: time ratio, median (largest)",
        ),
        "mode_names": {
            "native": "as installed (TensorFlow's own choice on this CPU)",
            "avx2": "`ONEDNN_MAX_CPU_ISA=AVX2`",
            "eigen": "`TF_ENABLE_ONEDNN_OPTS=0` (Eigen kernels)",
        },
        "on": "on",
        "off": "off",
    },
    "zh": {
        "seconds": "{:.1f} 秒",
        "seconds2": "{:.2f} 秒",
        "range": "{}–{}",
        "cores": "{cores} 个核心",
        "flags": "CPU 指令集标志 {flags}",
        "no_flags": "无 AVX 标志",
        "run": "测量于 {date}，由 `examples/training.py` 一次运行完成，共 {minutes:.0f} 分钟：{cpu}，{cores}，{flags}；"
        "Python {python}，TensorFlow {tensorflow}，Keras {keras}。每一行都用随机种子 {seeds}，"
        "网络（LeNet-5）和图像都相同；± 后是各种子结果的标准差，范围是最差和最好的种子。",
        "optimizers": ("优化器", "所试各学习率下的验证准确率", "选定", "测试准确率", "最差–最好的种子"),
        "optimizer_names": {
            "sgd": "SGD",
            "momentum": "SGD，动量 0.9",
            "adam": "Adam",
        },
        "init": ("初始权重", "训练前 C1、C3、C5、F6 输出的标准差", "训练前的损失", "测试准确率", "最差–最好的种子"),
        "init_names": {
            "glorot_uniform": "Glorot（均匀分布），Keras 的默认值",
            "he_normal": "He（正态分布）",
            "normal_1": "正态分布，标准差 1",
            "normal_0.001": "正态分布，标准差 0.001",
        },
        "overfitting": ("防止过拟合的手段", "训练准确率", "测试准确率", "差距（训练 − 测试，百分点）"),
        "overfitting_names": {
            "none": "不采取措施",
            "dropout": "丢弃法，丢弃率 0.5",
            "weight_decay": "权重衰减 {weight_decay:g}（AdamW）",
            "both": "两者都用",
        },
        "overfitting_note": "{images:,} 张训练图像，训练 {epochs} 轮，Adam（用权重衰减时为 AdamW），学习率 0.001，"
        "批量大小 128；两个准确率都在训练结束后测量。",
        "batchnorm": ("", "测试准确率", "最差–最好的种子", "每轮耗时（{images:,} 张图像）", "每轮的处理器时间"),
        "batchnorm_names": {
            "without": "不用批量归一化",
            "with": "使用批量归一化，动量 0.99（Keras 的默认值）",
            "with_momentum_0.9": "使用批量归一化，动量 0.9",
        },
        "times": "{seconds}（{ratio:.2f} 倍）",
        "batchnorm_note": "耗时：第一轮之后各轮的平均值（第一轮还包含构建计算图的时间）。处理器时间是所有线程用时之和，"
        "有其他程序同时占用处理器时，它比耗时更稳定；括号内是不用批量归一化时的倍数。",
        "augmentation": ("", "测试准确率", "右移 {} 像素", "样例识别正确", "真实数字的最低概率"),
        "augmentation_names": {"without": "不用数据增强", "with": "使用数据增强"},
        "samples": "{total} 次中 {correct} 次",
        "augmentation_note": "右移：把测试图像整体向右平移若干像素，移入的列为空白（取各种子的平均值）。"
        "样例：`assets/samples/` 中的 {n} 张手写数字图片，按 `predict_digit.py` 的方式预处理，"
        "由每个种子训练出的模型分别识别。",
        "recipe": ("Adam 的 `beta_2`", "标签平滑", "验证准确率", "测试准确率", "最差–最好的种子（测试）"),
        "recipe_note": "默认训练方案，使用全部 {images:,} 张训练图像，训练 {epochs} 轮（共 {steps} 步）；"
        "每行只改动其中一项设置。",
        "results": ("配置", "轮数", "参数量", "测试准确率（中位数）", "最差种子的准确率", "训练时间（中位数）"),
        "seed": "`--preset seed`（2019 年的原课程）",
        "default": "默认配置（本课程）",
        "padded": "`--preset padded`（默认配置，C1 做填充）",
        "measured": "测量于 {date}：{cpu}，{cores} 个核心，CPU 指令集标志 {flags}；Python {python}，"
        "TensorFlow {tensorflow}，Keras {keras}；每种配置用 {n} 个随机种子，由 `scripts/benchmark_lenet.py` "
        "交替运行，每次运行都启动新进程。相同随机种子下，本课程方案与 `--preset seed` "
        "的训练时间之比（中位数）：**{ratio}**。",
        "modes": (
            "TensorFlow 的 CPU 内核",
            "oneDNN",
            "seed 配置（中位数）",
            "默认配置（中位数）",
            "时间之比：中位数（最大值）",
            "处理器时间之比（中位数）",
            "默认配置最差种子的准确率",
            "C1 做填充：时间之比，中位数（最大值）",
        ),
        "mode_names": {
            "native": "按安装时的默认（由 TensorFlow 根据本机 CPU 决定）",
            "avx2": "`ONEDNN_MAX_CPU_ISA=AVX2`",
            "eigen": "`TF_ENABLE_ONEDNN_OPTS=0`（Eigen 内核）",
        },
        "on": "开",
        "off": "关",
    },
}


@cache
def training() -> dict:
    """docs/data/training.json, written by examples/training.py."""
    return json.loads((DATA / "training.json").read_text(encoding="utf-8"))


@cache
def benchmark() -> dict:
    """docs/data/lenet_benchmark.json, written by scripts/benchmark_lenet.py."""
    return json.loads((DATA / "lenet_benchmark.json").read_text(encoding="utf-8"))


def _pm(s: dict) -> str:
    """An accuracy spread as '99.12% ± 0.05%'."""
    return f"{s['mean']:.2%} ± {s['std']:.2%}"


def _range(s: dict, lang: str) -> str:
    return TEXT[lang]["range"].format(f"{s['min']:.2%}", f"{s['max']:.2%}")


def _flags(flags: list[str], lang: str) -> str:
    t = TEXT[lang]
    return t["flags"].format(flags=", ".join(f"`{f}`" for f in flags)) if flags else t["no_flags"]


def run_note(lang: str) -> str:
    """Where, when and how the lesson's measurements were made."""
    r, t = training(), TEXT[lang]
    m = r["machine"]
    return (
        t["run"].format(
            date=r["date"],
            minutes=r["seconds"] / 60,
            cpu=m["cpu"],
            cores=t["cores"].format(cores=m["cores"]),
            flags=_flags(m["flags"], lang),
            seeds=", ".join(map(str, r["seeds"])),
            **r["versions"],
        )
        + "\n"
    )


def optimizers(lang: str) -> str:
    """Each optimizer: validation accuracy over its learning-rate grid, the rate chosen, test accuracy."""
    t = TEXT[lang]
    rows = []
    for name, r in training()["optimizers"].items():
        grid = ", ".join(f"{rate}: {acc:.2%}" for rate, acc in r["grid"].items())
        rows.append(
            (
                t["optimizer_names"][name],
                grid,
                f"{r['learning_rate']:g}",
                _pm(r["test_accuracy"]),
                _range(r["test_accuracy"], lang),
            )
        )
    return markdown_table(t["optimizers"], rows)


def initialization(lang: str) -> str:
    """Each initializer: the layers' output spread and the loss before training, and the test accuracy after."""
    t = TEXT[lang]
    rows = []
    for name, r in training()["initialization"].items():
        spreads = ", ".join(f"{v:.3g}" for v in r["std"].values())
        rows.append(
            (
                t["init_names"][name],
                spreads,
                f"{r['initial_loss']:.3g}",
                _pm(r["test_accuracy"]),
                _range(r["test_accuracy"], lang),
            )
        )
    return markdown_table(t["init"], rows)


def overfitting(lang: str) -> str:
    """Training and test accuracy, and their gap, on the small subset with and without regularization."""
    t, r = TEXT[lang], training()
    settings = r["overfitting_settings"]
    rows = []
    for name, s in r["overfitting"].items():
        label = t["overfitting_names"][name].format(weight_decay=settings["weight_decay"])
        gap = f"{s['gap']['mean'] * 100:.2f} ± {s['gap']['std'] * 100:.2f}"
        rows.append((label, _pm(s["train_accuracy"]), _pm(s["test_accuracy"]), gap))
    note = t["overfitting_note"].format(images=settings["images"], epochs=settings["epochs"])
    return markdown_table(t["overfitting"], rows) + "\n" + note + "\n"


def batchnorm(lang: str) -> str:
    """Accuracy, seconds and processor time per epoch, without and with batch normalization."""
    t, r = TEXT[lang], training()
    rows = []
    for name, s in r["batch_norm"].items():
        seconds = t["seconds2"].format(s["epoch_seconds"]["mean"])
        cpu = t["times"].format(
            seconds=t["seconds2"].format(s["epoch_cpu_seconds"]["mean"]), ratio=s["cpu_seconds_ratio"]
        )
        rows.append(
            (t["batchnorm_names"][name], _pm(s["test_accuracy"]), _range(s["test_accuracy"], lang), seconds, cpu)
        )
    header = tuple(h.format(images=r["settings"]["train_images"]) for h in t["batchnorm"])
    return markdown_table(header, rows) + "\n" + t["batchnorm_note"] + "\n"


def augmentation(lang: str) -> str:
    """Test accuracy, accuracy on shifted digits and on the handwritten samples, without and with augmentation."""
    t, r = TEXT[lang], training()
    shifts = [k for k in r["settings"]["shifts"] if k > 0]
    header = (
        t["augmentation"][0],
        t["augmentation"][1],
        *(t["augmentation"][2].format(k) for k in shifts),
        *t["augmentation"][3:],
    )
    rows = []
    for name in ("without", "with"):
        a = r["augmentation"][name]
        samples = a.get("samples", {})
        total = len(samples) * len(r["seeds"])
        correct = t["samples"].format(correct=a.get("samples_correct", 0), total=total) if samples else "–"
        lowest = f"{min(s['probability']['min'] for s in samples.values()):.3f}" if samples else "–"
        shifted = [f"{a['shifts'][str(k)]['mean']:.2%}" for k in shifts]
        rows.append((t["augmentation_names"][name], _pm(a["test_accuracy"]), *shifted, correct, lowest))
    note = t["augmentation_note"].format(n=len(r["settings"]["samples"]))
    return markdown_table(header, rows) + "\n" + note + "\n"


def recipe(lang: str) -> str:
    """The default recipe on all the data: Adam's beta_2 at 0.999 and 0.99, and label smoothing 0.05 and 0.1."""
    t, r = TEXT[lang], training()["recipe"]
    settings = (("0.999", "0.999", "0.05"), ("0.99", "0.99", "0.05"), ("smoothing_0.1", "0.99", "0.1"))
    rows = [
        (beta_2, smoothing, _pm(r[key]["val"]), _pm(r[key]["test_accuracy"]), _range(r[key]["test_accuracy"], lang))
        for key, beta_2, smoothing in settings
    ]
    return markdown_table(t["recipe"], rows) + "\n" + t["recipe_note"].format(**r) + "\n"


def lenet_results(lang: str) -> str:
    """The LeNet lesson's table: seed preset against the default on this machine, then under each CPU setting."""
    record, t = benchmark(), TEXT[lang]
    summary = record["summary"]
    rows = []
    for preset in ("seed", "default", "padded"):
        s = summary[preset]
        rows.append(
            (
                t[preset],
                s["epochs"],
                f"{s['params']:,}",
                f"{s['median_accuracy']:.2%}",
                f"{s['min_accuracy']:.2%}",
                t["seconds"].format(s["median_train_seconds"]),
            )
        )
    n = len({r["seed"] for r in record["runs"]})
    machine = record["machine"]
    flags = ", ".join(f"`{f}`" for f in machine["flags"]) or "–"
    note = t["measured"].format(
        cpu=machine["cpu"],
        cores=machine["cores"],
        flags=flags,
        **record["versions"],
        date=record["date"],
        n=n,
        ratio=summary["time_ratio"],
    )
    modes = []
    for name, mode in record["modes"].items():
        s = mode["summary"]
        modes.append(
            (
                t["mode_names"][name],
                t["on"] if mode["onednn"] else t["off"],
                t["seconds"].format(s["seed"]["median_train_seconds"]),
                t["seconds"].format(s["default"]["median_train_seconds"]),
                f"{s['time_ratio']} ({s['max_time_ratio']})",
                f"{s['cpu_time_ratio']}",
                f"{s['default']['min_accuracy']:.2%}",
                f"{s['padded_time_ratio']} ({s['max_padded_time_ratio']})",
            )
        )
    return markdown_table(t["results"], rows) + "\n" + note + "\n\n" + markdown_table(t["modes"], modes)


FRAGMENTS: dict[str, Callable[[], str]] = {}
for _lang in LANGS:
    FRAGMENTS[f"training_run.{_lang}.md"] = partial(run_note, _lang)
    FRAGMENTS[f"training_optimizers.{_lang}.md"] = partial(optimizers, _lang)
    FRAGMENTS[f"training_initialization.{_lang}.md"] = partial(initialization, _lang)
    FRAGMENTS[f"training_overfitting.{_lang}.md"] = partial(overfitting, _lang)
    FRAGMENTS[f"training_batchnorm.{_lang}.md"] = partial(batchnorm, _lang)
    FRAGMENTS[f"training_augmentation.{_lang}.md"] = partial(augmentation, _lang)
    FRAGMENTS[f"training_recipe.{_lang}.md"] = partial(recipe, _lang)
    FRAGMENTS[f"lenet_results.{_lang}.md"] = partial(lenet_results, _lang)


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
