"""Write the FAQ's "Ship the model" fragments, docs/generated/lenet_ship.{en,zh}.md, from docs/data/lenet_ship.json.

The record comes from `scripts/export_lenet.py`; the FAQ pages include these files with `--8<--`, so every size,
count and time in that section is computed here, not typed. tests/test_ship.py regenerates them and fails if
the committed files differ. The fragments have the shape of scripts/make_fragments.py's (FRAGMENTS, render_all).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import course

ROOT = Path(__file__).resolve().parents[1]
GENERATED = course.GENERATED
RECORD = ROOT / "docs" / "data" / "lenet_ship.json"
LANGS = ("en", "zh")
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

TEXT = {
    "en": {
        "header": ("", "Keras, `{keras}`", "LiteRT, `{tflite}`"),
        "size": "File size",
        "bytes": "{:,} bytes",
        "correct": "Digits recognized correctly, first {images:,} test images",
        "same": "Same digit as Keras",
        "of": "{:,} of {:,}",
        "difference": "Largest difference from Keras in a probability",
        "one": "Time per image, one image per call",
        "batch": "Time per image, {images:,} images per call",
        "units": ("s", "ms", "µs"),
        "via": "{} (`{}`)",
        "note": "Measured on {date} by `scripts/export_lenet.py`: {cpu}, {cores} cores, Python {python}, "
        "TensorFlow {tensorflow}, Keras {keras}, ai-edge-litert {litert}; each time is the median of {runs:,} calls "
        "({batch_runs:,} for the batches of {images:,}) after {warmup} untimed calls. The model has {weights:,} "
        "parameters, that is {weight_bytes:,} bytes as 32-bit floats.",
    },
    "zh": {
        "header": ("", "Keras（`{keras}`）", "LiteRT（`{tflite}`）"),
        "size": "文件大小",
        "bytes": "{:,} 字节",
        "correct": "前 {images:,} 张测试图像中识别正确的张数",
        "same": "预测数字与 Keras 相同的图像",
        "of": "{1:,} 张中的 {0:,} 张",
        "difference": "概率与 Keras 输出的最大差值",
        "one": "每张图像的耗时（每次调用 1 张）",
        "batch": "每张图像的耗时（每次调用 {images:,} 张）",
        "units": ("秒", "毫秒", "微秒"),
        "via": "{}（`{}`）",
        "note": "由 `scripts/export_lenet.py` 于 {date} 测得：{cpu}，{cores} 个核心，Python {python}，"
        "TensorFlow {tensorflow}，Keras {keras}，ai-edge-litert {litert}；每个时间都是先不计时地调用 {warmup} 次，"
        "再对 {runs:,} 次调用计时所得的中位数（每次调用 {images:,} 张图像时计时 {batch_runs:,} 次）。"
        "模型共有 {weights:,} 个参数，以 32 位浮点数存储共 {weight_bytes:,} 字节。",
    },
}


def record() -> dict:
    """The export's record, written by scripts/export_lenet.py."""
    return json.loads(RECORD.read_text(encoding="utf-8"))


def duration(seconds: float, lang: str) -> str:
    """`seconds` in s, ms or µs, with three significant digits: 0.0572 -> '57.2 ms'."""
    units = TEXT[lang]["units"]
    for scale, unit in zip((1, 1e3, 1e6), units, strict=True):
        value = seconds * scale
        if value >= 1 or unit == units[-1]:
            digits = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    raise AssertionError("unreachable")


def power_of_ten(value: float) -> str:
    """A small positive number as '3.0 × 10⁻⁷' (0 as '0')."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"


def lenet_ship(lang: str) -> str:
    """The Keras model and its LiteRT export side by side: size, agreement, time per image; then how measured."""
    t, r = TEXT[lang], record()
    agree, times = r["agreement"], r["seconds_per_image"]
    images = agree["images"]
    keras_name, tflite_name = Path(r["model"]).name, Path(r["exported"]).name
    one, many = times["batch_1"], times[f"batch_{images}"]
    keras_one = ("，" if lang == "zh" else ", ").join(
        t["via"].format(duration(one[key], lang), how)
        for key, how in (("keras_predict", "model.predict"), ("keras_call", "model(x)"))
    )
    rows = [
        tuple(h.format(keras=keras_name, tflite=tflite_name) for h in t["header"]),
        (t["size"], t["bytes"].format(r["bytes"]["keras"]), t["bytes"].format(r["bytes"]["tflite"])),
        (t["correct"].format(images=images), f"{agree['correct']['keras']:,}", f"{agree['correct']['litert']:,}"),
        (t["same"], "", t["of"].format(agree["same_digit"], images)),
        (t["difference"], "", power_of_ten(agree["max_abs_difference"])),
        (t["one"], keras_one, duration(one["litert"], lang)),
        (
            t["batch"].format(images=images),
            t["via"].format(duration(many["keras_predict"], lang), "model.predict"),
            duration(many["litert"], lang),
        ),
    ]
    versions, machine, timing = r["versions"], r["machine"], r["timing"]
    note = t["note"].format(
        date=r["date"],
        cpu=machine["cpu"],
        cores=machine["cores"],
        python=machine["python"],
        tensorflow=versions["tensorflow"],
        keras=versions["keras"],
        litert=versions["ai-edge-litert"],
        runs=timing["runs"],
        batch_runs=timing["batch_runs"],
        warmup=timing["warmup"],
        images=images,
        weights=r["weights"],
        weight_bytes=4 * r["weights"],
    )
    return course.markdown_table(rows[0], rows[1:]) + "\n" + note + "\n"


FRAGMENTS: dict[str, Callable[[], str]] = {f"lenet_ship.{lang}.md": partial(lenet_ship, lang) for lang in LANGS}


def render_all() -> dict[str, str]:
    """Every fragment's file name and its current text."""
    return {name: make() for name, make in FRAGMENTS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    if not RECORD.is_file():
        parser.error(f"no record at {RECORD.relative_to(ROOT)}: run scripts/export_lenet.py first")
    try:
        texts = render_all()
    except (KeyError, ValueError) as error:
        print(
            f"error: {RECORD.relative_to(ROOT)} is not a record of scripts/export_lenet.py ({error})", file=sys.stderr
        )
        return 1
    course.write_fragments(texts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
