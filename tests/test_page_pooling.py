"""pooling.md: what the prose says about MNIST, VGG and its figure, checked against the data, Keras, the VGG paper
and examples/pooling.py."""

from __future__ import annotations

import re
from pathlib import Path

import keras
import pytest
from keras import layers

import course

ROOT = Path(__file__).resolve().parents[1]
PAGES = {lang: (ROOT / "docs" / lang / "lessons" / "pooling.md").read_text(encoding="utf-8") for lang in ("en", "zh")}

# Simonyan and Zisserman, ICLR 2015 (arXiv:1409.1556), Table 1: convolutional layers before each of the five
# max-pooling layers, per configuration (C's third layer in blocks 3-5 is a 1x1 convolution).
VGG_TABLE_1 = {
    "A": [1, 1, 2, 2, 2],
    "B": [2, 2, 2, 2, 2],
    "C": [2, 2, 3, 3, 3],
    "D": [2, 2, 3, 3, 3],
    "E": [2, 2, 4, 4, 4],
}
FULLY_CONNECTED = 3  # every configuration ends with FC-4096, FC-4096, FC-1000

# The sentences that state the facts, in each language.
MNIST_SIZES = {"en": r"([\d,]+) for training and\s+([\d,]+) for testing", "zh": r"训练集 (\d+) 张，测试集 (\d+) 张"}
VGG_RANGE = {"en": r"stacks (\w+) to (\w+) convolutions", "zh": r"叠(\w)到(\w)个卷积层"}
VGG_CONFIGS = {
    "en": r"Keras's VGG16 and VGG19, below, are configurations (\w) and (\w)",
    "zh": r"VGG16 和 VGG19 分别对应配置 (\w) 和 (\w)",
}
VGG_SMALLEST = {
    "en": r"configuration\s+\((\w), (\w+) weight layers\)\s+has\s+(\w+)\s+before each of the first two",
    "zh": r"配置 (\w)（(\d+) 个带权重的层）\s*在前两个池化层之前各只有(\w)个",
}
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "eleven": 11, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}


def found(pattern: str, lang: str) -> tuple[str, ...]:
    match = re.search(pattern, PAGES[lang])
    assert match, f"{lang}/lessons/pooling.md no longer says {pattern!r}"
    return match.groups()


def number(word: str) -> int:
    return int(word.replace(",", "")) if word.replace(",", "").isdigit() else WORDS[word]


def convolutions_before_each_pooling(model: keras.Model) -> list[int]:
    runs, convs = [], 0
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            convs += 1
        elif isinstance(layer, layers.MaxPooling2D):
            runs.append(convs)
            convs = 0
    return runs


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mnist_sizes_in_the_prose_are_those_of_the_data(lang: str) -> None:
    (x_train, _), (x_test, _) = keras.datasets.mnist.load_data()
    assert tuple(map(number, found(MNIST_SIZES[lang], lang))) == (len(x_train), len(x_test))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_vgg_range_is_that_of_table_1(lang: str) -> None:
    low, high = map(number, found(VGG_RANGE[lang], lang))
    runs = [n for config in VGG_TABLE_1.values() for n in config]
    assert (low, high) == (min(runs), max(runs))
    name, weight_layers, first_two = found(VGG_SMALLEST[lang], lang)
    assert sum(VGG_TABLE_1[name]) + FULLY_CONNECTED == number(weight_layers)
    assert VGG_TABLE_1[name][:2] == [number(first_two)] * 2
    assert min(VGG_TABLE_1, key=lambda config: sum(VGG_TABLE_1[config])) == name  # the smallest


def test_keras_vgg16_and_vgg19_are_the_configurations_the_page_names() -> None:
    configs = {found(VGG_CONFIGS[lang], lang) for lang in PAGES}
    assert len(configs) == 1, "the two languages name different configurations"
    (vgg16_config, vgg19_config) = configs.pop()
    for build, config, depth in (
        (keras.applications.VGG16, vgg16_config, 16),
        (keras.applications.VGG19, vgg19_config, 19),
    ):
        model = build(weights=None, include_top=False, input_shape=(32, 32, 3))
        runs = convolutions_before_each_pooling(model)
        assert runs == VGG_TABLE_1[config]
        assert sum(runs) + FULLY_CONNECTED == depth


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> str:
    """examples/pooling.py, which draws the page's figure, run once on MNIST's first test digit: its printed lines."""
    tmp = tmp_path_factory.mktemp("pooling")
    result = course.run_example("pooling", "--out", str(tmp / "out"), cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file()] == ["out/pooling.png"]
    return result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_figure_shows_the_digit_and_maps_the_page_measures(lang: str, example_run: str) -> None:
    """The example's digit is the page's: the same changes before and after pooling, the same map sizes."""
    page_line = re.search(r"digit (\d): change ([\d.]+) before pooling, ([\d.]+) after", PAGES[lang])
    assert page_line, lang
    assert f"MNIST test digit 0: a {page_line[1]}, 28x28 pixels" in example_run
    edge = re.search(r"^edge maps +(\d+)x\d+: change ([\d.]+)$", example_run, re.M)
    pooled = re.search(r"^pooled maps +(\d+)x\d+: change ([\d.]+)$", example_run, re.M)
    assert edge and pooled, example_run
    assert (edge[2], pooled[2]) == (page_line[2], page_line[3])
    # The caption: "its edge feature map (26x26) and the max-pooled map (13x13)".
    for side in (edge[1], pooled[1]):
        assert rf"${side}\times {side}$" in PAGES[lang]
