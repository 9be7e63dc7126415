"""training.md (both languages): its tables and claims come from examples/training.py's record and code.

docs/data/training.json is the record of one full run of examples/training.py, and the page's tables are
generated from it by scripts/make_training_fragments.py. These tests check that the record is a full run of the
current script (a --smoke run writes a record of the same shape), that the fragments are what the generator
makes of it, and that each thing the prose says about the measurements holds in the record.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

import course
import make_training_fragments
import prose
from runs import lenet_smoke_record, script_smoke

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "data" / "training.json"
PAGES = {lang: ROOT / "docs" / lang / "lessons" / "training.md" for lang in ("en", "zh")}
LANGS = list(PAGES)
FIGURES = [
    f"training_{name}.png" for name in ("optimizers", "initialization", "overfitting", "batchnorm", "augmentation")
]


def record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def section(lang: str, anchor: str | None) -> str:
    """The page's section with heading id `anchor` (None: the introduction), line breaks as spaces."""
    return " ".join(prose.section(PAGES[lang].read_text(encoding="utf-8"), anchor).split())


def says(lang: str, anchor: str | None, *phrases: str) -> None:
    """Every phrase is in the section: a sentence rewritten without its test fails here."""
    text = section(lang, anchor)
    for phrase in phrases:
        assert phrase in text, f"{lang}/training.md #{anchor} no longer says {phrase!r}"


def shape(value: object) -> object:
    """The nested keys of a record, without the values; a dict keyed by numbers (a grid of rates) is one leaf."""
    if isinstance(value, dict):
        if value and all(re.fullmatch(r"[\d.e-]+", key) for key in value):
            return "grid"
        return {key: shape(v) for key, v in value.items()}
    return type(value).__name__ if not isinstance(value, int | float) else "number"


@pytest.fixture(scope="module")
def smoke() -> dict:
    """The --smoke run of `runs.script_smoke`, beside the handwritten samples: the files it wrote and its record."""
    folder = script_smoke("training")
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "outputs",
        "samples",
        "training.py",
    ]
    out = folder / "outputs"
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return {"files": files, "record": json.loads((out / "training.json").read_text(encoding="utf-8"))}


def test_the_record_is_a_full_run_with_its_machine() -> None:
    r = record()
    assert r["smoke"] is False and r["seeds"] == [0, 1, 2, 3, 4]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"]) and 0 < r["seconds"] < 1200  # one run, timed
    assert r["machine"]["cpu"] and r["machine"]["cores"] >= 1 and isinstance(r["machine"]["flags"], list)
    assert set(r["versions"]) == {"python", "tensorflow", "keras", "numpy"}
    settings = r["settings"]
    assert (settings["train_images"], settings["validation_images"], settings["test_images"]) == (10000, 5000, 10000)
    assert settings["samples"] == sorted(p.name for p in (ROOT / "assets" / "samples").iterdir())


def test_a_smoke_run_writes_a_record_of_the_same_shape(smoke: dict) -> None:
    """The committed record has exactly the structure the current script writes: it is a run of this code."""
    assert smoke["files"] == sorted(["training.json", *FIGURES])
    committed = record()
    assert smoke["record"]["smoke"] is True and smoke["record"]["seeds"] == [0]
    for key in ("optimizers", "initialization", "overfitting", "batch_norm", "augmentation", "recipe"):
        assert shape(smoke["record"][key]) == shape(committed[key]), key


def test_the_fragments_are_current() -> None:
    on_disk = {
        name: (ROOT / "docs" / "generated" / name).read_text(encoding="utf-8")
        for name in make_training_fragments.FRAGMENTS
    }
    assert on_disk == make_training_fragments.render_all(), "run `python scripts/make_training_fragments.py`"


@pytest.mark.parametrize("lang", LANGS)
def test_every_fragment_and_figure_is_on_the_page(lang: str) -> None:
    text = PAGES[lang].read_text(encoding="utf-8")
    for name in make_training_fragments.FRAGMENTS:
        if name.startswith("training_") and name.endswith(f".{lang}.md"):
            assert f'--8<-- "{name}"' in text, name
    for figure in FIGURES:
        assert f"(../assets/figures/{figure})" in text, figure


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    result = course.run_example("training", "--seeds", "1", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--seeds" in result.stderr
    result = course.run_example("training", "--data", str(tmp_path / "absent.npz"), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == f"error: no MNIST file at {tmp_path / 'absent.npz'}\n"
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("lang", LANGS)
def test_the_protocol_is_the_scripts(lang: str) -> None:
    """10,000 images, 3 epochs, batches of 128, 1,000 for overfitting, 5,000 held out, seeds 0 to 4, Adam 0.001."""
    r = record()
    settings = r["settings"]
    if lang == "en":
        says(
            lang,
            "protocol",
            "the first 10,000 training images, for 3 epochs, in mini-batches of 128",
            "uses only 1,000 images",
            "The last 5,000 training images",
            "learning rate 0.001",
            "seeds 0 to 4",
            "five seeds",
        )
    else:
        says(
            lang,
            "protocol",
            "前 10,000 张训练图像，训练 3 轮，批量大小 128",
            "只用 1,000 张",
            "最后 5,000 张",
            "学习率 0.001",
            "随机种子 0 到 4",
            "5 个种子",
        )
    assert (settings["train_images"], settings["epochs"], settings["batch_size"]) == (10000, 3, 128)
    assert r["overfitting_settings"]["images"] == 1000 and settings["validation_images"] == 5000
    assert r["seeds"] == list(range(5))


def mean(s: dict) -> float:
    return s["mean"]


@pytest.mark.parametrize("lang", LANGS)
def test_optimizer_claims_match_the_record(lang: str) -> None:
    """Four learning rates each, chosen on validation; accuracy rises to a best rate, then falls; plain SGD fails
    at the largest; Adam the most accurate."""
    o = record()["optimizers"]
    assert all(len(r["grid"]) == 4 for r in o.values())
    for r in o.values():
        rates = list(r["grid"])
        best = max(range(len(rates)), key=lambda i: r["grid"][rates[i]])
        assert float(rates[best]) == r["learning_rate"]  # chosen on validation
        accuracy = [r["grid"][rate] for rate in rates]
        assert accuracy[: best + 1] == sorted(accuracy[: best + 1]) and best < len(rates) - 1  # "rises ... up to"
        assert accuracy[best:] == sorted(accuracy[best:], reverse=True)  # "... and falls beyond it"
        assert all(2.9 < float(b) / float(a) < 3.4 for a, b in zip(rates, rates[1:], strict=False))  # "about 3"
    assert o["sgd"]["grid"][list(o["sgd"]["grid"])[-1]] < 0.2  # "plain SGD fails outright ... no better than a guess"
    adam, momentum, sgd = (o[name]["test_accuracy"] for name in ("adam", "momentum", "sgd"))
    assert adam["mean"] - momentum["mean"] > max(adam["std"], momentum["std"])  # "by more than the spread"
    assert 0 < momentum["mean"] - sgd["mean"] < max(momentum["std"], sgd["std"])  # "smaller than that spread"
    if lang == "en":
        says(
            lang,
            "optimizers",
            "tried at four learning rates",
            "by a factor of about 3",
            "rises with the learning rate up to a best rate and falls beyond it",
            "plain SGD fails outright",
            "Adam reached the highest mean test accuracy, by more than the spread",
            "momentum came next, but its lead over plain SGD is smaller than that spread",
        )
    else:
        says(
            lang,
            "optimizers",
            "各试 4 个学习率",
            "相邻两个学习率之比约为 3",
            "随学习率增大而上升，过了某个最佳学习率又转而下降",
            "普通 SGD 彻底训练失败",
            "Adam 的平均测试准确率最高，领先幅度超过了种子之间的差别",
            "带动量的 SGD 其次，但它比普通 SGD 多出的那一点小于种子之间的差别",
        )


@pytest.mark.parametrize("lang", LANGS)
def test_initialization_claims_match_the_record(lang: str) -> None:
    """Spread grows (std 1) or shrinks (0.001) at every layer; loss ln 10; widest spread; He slightly ahead."""
    i = record()["initialization"]
    large, small = list(i["normal_1"]["std"].values()), list(i["normal_0.001"]["std"].values())
    assert all(b > a for a, b in zip(large, large[1:], strict=False))
    assert all(b < a for a, b in zip(small, small[1:], strict=False))
    assert math.isclose(i["normal_0.001"]["initial_loss"], math.log(10), abs_tol=0.01)
    assert i["normal_1"]["initial_loss"] > 100
    assert max(i, key=lambda k: i[k]["test_accuracy"]["std"]) == "normal_0.001"  # "the widest in the table"
    glorot, he = i["glorot_uniform"]["test_accuracy"], i["he_normal"]["test_accuracy"]
    # "He ended slightly ahead of Glorot, by about the spread between seeds" (the recipe: "by no more than about")
    assert 0 < he["mean"] - glorot["mean"] < 1.5 * max(glorot["std"], he["std"])
    for bad in ("normal_1", "normal_0.001"):
        assert i[bad]["test_accuracy"]["max"] < glorot["min"] - 0.1  # "far worse"
    if lang == "en":
        says(
            lang,
            "initialization",
            "the spread grows at every layer",
            "the signal shrinks at every layer",
            "its spread is the widest in the table",
            "He ended slightly ahead of Glorot, by about the spread between seeds",
        )
    else:
        says(
            lang,
            "initialization",
            "每经过一层都在增大",
            "每经过一层都在缩小",
            "各种子之间的差别在表中最大",
            "He 初始化略胜 Glorot 一筹，领先的幅度与种子之间的差别相当",
        )


@pytest.mark.parametrize("lang", LANGS)
def test_overfitting_claims_match_the_record(lang: str) -> None:
    """No remedy: almost every training image learned, a wide gap; dropout narrows it and raises test accuracy;
    weight decay narrows it too, at the strongest strength tried; both together: the narrowest gap."""
    r = record()
    o, settings = r["overfitting"], r["overfitting_settings"]
    assert 0.99 < mean(o["none"]["train_accuracy"])  # "almost every training image"
    none_gap, spread = mean(o["none"]["gap"]), o["none"]["gap"]["std"]
    assert mean(o["dropout"]["gap"]) < none_gap - spread and mean(o["weight_decay"]["gap"]) < none_gap - spread
    assert mean(o["dropout"]["test_accuracy"]) > mean(o["none"]["test_accuracy"])
    assert min(o, key=lambda name: mean(o[name]["gap"])) == "both"  # "the narrowest gap"
    grid = settings["weight_decay_grid"]
    assert len(grid) == 3 and float(max(grid, key=grid.get)) == settings["weight_decay"]  # chosen on validation
    assert settings["weight_decay"] == max(map(float, grid))  # "the strongest of the three strengths tried"
    assert settings["epochs"] == 40 and settings["epochs"] * math.ceil(settings["images"] / 128) == 320
    if lang == "en":
        says(
            lang,
            "overfitting",
            "for 40 epochs",
            "from three values tried",
            "learns almost every training image",
            "Dropout narrows it, and raises the test accuracy",
            "Weight decay narrows it as well",
            "the strongest of the three",
            "Both together leave the narrowest gap",
        )
    else:
        says(
            lang,
            "overfitting",
            "训练 40 轮",
            "从 3 个取值中",
            "几乎把每一张训练图像都学会了",
            "丢弃法缩小了差距，也提高了测试准确率",
            "权重衰减同样缩小了差距",
            "3 个取值中最强的",
            "两者都用时，差距最小",
        )


@pytest.mark.parametrize("lang", LANGS)
def test_batchnorm_claims_match_the_record(lang: str) -> None:
    """Momentum 0.9: the most accurate baseline-protocol network; Keras's default: erratic; epochs cost more."""
    r = record()
    b = r["batch_norm"]
    best = mean(b["with_momentum_0.9"]["test_accuracy"])
    others = [*r["optimizers"].values(), *r["initialization"].values(), b["without"], b["with"]]
    others += [r["augmentation"]["with"]]
    assert all(best > mean(s["test_accuracy"]) for s in others)
    assert b["with"]["test_accuracy"]["std"] > 10 * b["without"]["test_accuracy"]["std"]
    assert b["with"]["test_accuracy"]["min"] < b["without"]["test_accuracy"]["min"] - 0.2
    assert all(b[name]["cpu_seconds_ratio"] > 1.5 for name in ("with", "with_momentum_0.9"))  # "markedly longer"
    assert b["with"]["loss"] == b["with_momentum_0.9"]["loss"]  # "train identically, step for step"
    steps = r["settings"]["epochs"] * math.ceil(r["settings"]["train_images"] / r["settings"]["batch_size"])
    assert steps == 237
    if lang == "en":
        says(
            lang,
            "batch-normalization",
            "the 237 training steps",
            "the most accurate network",
            "depends wildly on the seed",
            "train identically, step for step",
            "takes markedly longer",
        )
    else:
        says(
            lang,
            "batch-normalization",
            "237 个训练步",
            "准确率最高的网络",
            "随种子剧烈变化",
            "训练过程一步不差、完全相同",
            "明显更长",
        )


@pytest.mark.parametrize("lang", LANGS)
def test_augmentation_claims_match_the_record(lang: str) -> None:
    """A little less accurate unshifted; far more accurate shifted by 2 px or more; the samples as recorded."""
    a = record()["augmentation"]
    without, with_ = a["without"], a["with"]
    assert mean(with_["test_accuracy"]) < mean(without["test_accuracy"])
    assert mean(without["test_accuracy"]) - mean(with_["test_accuracy"]) < 0.02  # "a little"
    for k in ("2", "3", "4"):
        assert with_["shifts"][k]["mean"] > without["shifts"][k]["mean"]
    assert without["shifts"]["2"]["mean"] < without["shifts"]["0"]["mean"] - 0.05  # "falls steeply"
    assert with_["shifts"]["4"]["mean"] > 0.8 * with_["shifts"]["0"]["mean"]  # "keeps most of it"
    total = len(without["samples"]) * 5
    assert without["samples_correct"] == total and with_["samples_correct"] == total - 1
    misread = [name for name, s in with_["samples"].items() if s["correct"] < 5]
    assert misread == ["2_blue_ink_offcentre.jpg"]
    if lang == "en":
        says(
            lang,
            "augmentation",
            "costs a little accuracy",
            "once digits move by two pixels or more",
            "keeps most of it",
            "every seed's model without augmentation reads all five samples",
            "one of the five augmented models misreads the blue 2",
        )
    else:
        says(
            lang,
            "augmentation",
            "略微降低",
            "平移 2 个像素及以上",
            "大部分准确率",
            "不用数据增强时，每个种子的模型都认对了全部 5 张样例",
            "5 个用数据增强训练的模型中有一个把蓝色的 2 认错了",
        )


@pytest.mark.parametrize("lang", LANGS)
def test_recipe_claims_match_the_record_and_the_code(lang: str) -> None:
    """The default: 55,000 images, two epochs (860 steps), 'about 1,000 steps'; on validation the three settings
    differ by less than the spread between seeds, and beta_2=0.99 with label smoothing 0.05 varies least."""
    r = record()
    default = lenet_smoke_record()["presets"]["default"]
    assert (default["epochs"], default["batch_size"], default["beta_2"]) == (2, 128, 0.99)
    assert default["learning_rate"] == 0.01 and default["label_smoothing"] == 0.05
    assert r["recipe"]["steps"] == 860 == default["epochs"] * math.ceil(55000 / default["batch_size"])
    assert r["recipe"]["images"] == 55000 and r["recipe"]["epochs"] == default["epochs"]
    settings = ("0.999", "0.99", "smoothing_0.1")
    val = {key: r["recipe"][key]["val"] for key in settings}
    means = [mean(val[key]) for key in settings]
    assert max(means) - min(means) < min(v["std"] for v in val.values())  # "differ by less than the spread"
    assert min(settings, key=lambda key: val[key]["std"]) == "0.99"  # "varies least from seed to seed"
    # "The test columns ... rank the three spreads in the same order"
    test = {key: r["recipe"][key]["test_accuracy"]["std"] for key in settings}
    assert sorted(settings, key=lambda key: val[key]["std"]) == sorted(settings, key=test.__getitem__)
    assert r["recipe"]["0.99"]["test_accuracy"]["min"] >= 0.99
    assert round(1 / (1 - 0.999)) == 1000 and round(1 / (1 - 0.99)) == 100  # the averages' spans, in steps
    # "barely overfits": the full recipe's gap is a fraction of a percentage point, the small subset's several.
    assert mean(r["recipe"]["0.99"]["gap"]) < min(0.01, mean(r["overfitting"]["none"]["gap"]) / 10)
    bn = r["batch_norm"]  # every epoch "about twice as long" (processor time, which sharing the machine changes least)
    assert all(1.5 < bn[name]["cpu_seconds_ratio"] < 2.5 for name in ("with", "with_momentum_0.9"))
    if lang == "en":
        says(
            lang,
            "recipe",
            "all 55,000 training images for two epochs",
            "860 steps",
            "varies least from seed to seed",
            "`beta_2=0.99` with a label smoothing of 0.05",
            "rank the three spreads in the same order",
            "barely overfits",
            "about twice as long",
        )
    else:
        says(
            lang,
            "recipe",
            "全部 55,000 张训练图像训练 2 轮",
            "860 步",
            "波动最小",
            "`beta_2=0.99`，标签平滑 0.05",
            "波动大小的排序与验证集相同",
            "几乎不会过拟合",
            "约为原来的两倍",
        )
