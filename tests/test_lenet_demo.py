"""The LeNet lesson's drawing pad (assets/js/lenet-demo.js) in Chromium: its forward pass against Keras, its
preprocessing against predict_digit.py, drawing with real pointer events, both languages, phone width, file://,
and the exported weights (scripts/export_lenet_web.py) against a fresh export."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page

import course

pytestmark = pytest.mark.browser

ROOT = course.ROOT
MODEL = ROOT / "assets" / "models" / "lenet.keras"
WEIGHTS_JS = ROOT / "assets" / "js" / "lenet-weights.js"
RECORD = ROOT / "docs" / "data" / "lenet_web.json"
SAMPLES = sorted((ROOT / "assets" / "samples").glob("*.*"))
LANGS = {"en": "", "zh": "zh/"}
PAGE = "lessons/lenet-mnist/"
LABELS = {
    "en": {
        "clear": "Clear",
        "prediction": "Prediction: ",
        "empty": "Draw a digit on the black pad.",
        "loading": "Loading the trained network…",
    },
    "zh": {
        "clear": "清除",
        "prediction": "预测结果：",
        "empty": "在黑色画板上写一个数字。",
        "loading": "正在加载训练好的网络……",
    },
}
DIGITS = 1000  # MNIST test digits compared with Keras
# JavaScript runs the float16 weights in double precision and stores each layer's output as float32; Keras runs
# the same rounded weights in float32. What separates the two is float32 rounding in sums of at most 256 products:
# below 1e-5 in a probability (measured: about 4e-7).
ARITHMETIC = 1e-5


@pytest.fixture(scope="module")
def record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mnist() -> tuple[np.ndarray, np.ndarray]:
    path = course.find_mnist()
    assert path is not None, "MNIST is needed: set MNIST_PATH"
    with np.load(path) as data:
        return data["x_test"], data["y_test"]


@pytest.fixture(scope="module")
def keras_models() -> tuple:
    """The shipped model as Keras runs it, and a copy with its weights rounded to float16 as the page has them."""
    import keras

    exact = keras.models.load_model(MODEL)
    rounded = keras.models.load_model(MODEL)
    for layer in rounded.layers:
        layer.set_weights([w.astype("float16").astype("float32") for w in layer.get_weights()])
    return exact, rounded


@pytest.fixture(scope="module")
def demo(browser: Browser, served_site: str) -> Iterator[Page]:
    """The English lesson with the weights loaded, for calling window.lenetDemo."""
    page = browser.new_page()
    page.goto(f"{served_site}{PAGE}")
    page.evaluate("() => window.lenetDemo.load()")
    yield page
    page.close()


def open_pad(page: Page, url: str) -> None:
    """Go to the lesson at `url` and scroll to the pad, which then loads the weights and mounts."""
    page.goto(url)
    page.locator(".lenet-demo").evaluate("d => d.scrollIntoView({ block: 'center' })")
    page.wait_for_selector(".lenet-demo.ld-ready")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


PREDICT_ALL = """([pixels, n]) => {
  const raw = atob(pixels);
  const digit = new Float32Array(784);
  const out = [];
  const start = performance.now();
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < 784; j += 1) digit[j] = raw.charCodeAt(i * 784 + j) / 255;
    out.push(Array.from(window.lenetDemo.predict(digit)));
  }
  const batch = (performance.now() - start) / n;
  const times = [];
  for (let k = 0; k < 50; k += 1) {
    const t0 = performance.now();
    window.lenetDemo.predict(digit);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { out, batch, single: times[25] };
}"""


def test_predict_matches_keras(
    demo: Page, keras_models: tuple, mnist: tuple, record: dict, capsys: pytest.CaptureFixture
) -> None:
    x, _ = mnist
    digits = x[:DIGITS]
    got = demo.evaluate(PREDICT_ALL, [b64(digits.tobytes()), DIGITS])
    js = np.array(got["out"])
    images = (digits[..., np.newaxis] / 255.0).astype("float32")
    exact, rounded = (m.predict(images, batch_size=500, verbose=0) for m in keras_models)
    assert js.shape == (DIGITS, 10)
    assert_array_equal(js.argmax(1), exact.argmax(1))
    # Against the same float16 weights in Keras: arithmetic only.
    assert np.abs(js - rounded).max() <= ARITHMETIC
    # Against Keras's float32 weights: the rounding the export measured on all 10,000 digits, plus arithmetic.
    worst = np.abs(js - exact).max()
    assert worst <= record["max_probability_difference"] + ARITHMETIC
    with capsys.disabled():
        print(
            f"\nlenetDemo.predict: {got['single']:.2f} ms for one digit (median of 50), {got['batch']:.2f} ms per digit"
            f" over {DIGITS:,}; largest probability difference from Keras {worst:.2g}"
        )


def test_every_layer_matches_keras(demo: Page, keras_models: tuple, mnist: tuple) -> None:
    import keras

    _, rounded = keras_models
    x, _ = mnist
    digits = x[:20]
    got = demo.evaluate(
        """([pixels, n]) => {
          const raw = atob(pixels);
          return Array.from({ length: n }, (_, i) => {
            const digit = Float32Array.from({ length: 784 }, (__, j) => raw.charCodeAt(i * 784 + j) / 255);
            return Object.fromEntries(Object.entries(window.lenetDemo.layers(digit))
              .map(([name, { shape, values }]) => [name, { shape, values: Array.from(values) }]));
          });
        }""",
        [b64(digits.tobytes()), len(digits)],
    )
    names = [layer.name for layer in rounded.layers]
    probe = keras.Model(rounded.inputs, [layer.output for layer in rounded.layers])
    outputs = probe.predict((digits[..., np.newaxis] / 255.0).astype("float32"), verbose=0)
    for i, layers in enumerate(got):
        assert list(layers) == names
        for name, expected in zip(names, outputs, strict=True):
            assert layers[name]["shape"] == list(expected.shape[1:]), name
            values = np.array(layers[name]["values"]).reshape(expected.shape[1:])
            scale = max(1.0, float(np.abs(expected[i]).max()))
            assert np.abs(values - expected[i]).max() <= 1e-5 * scale, f"digit {i}, layer {name}"


def test_convolutions_match_the_explorer(demo: Page, keras_models: tuple, mnist: tuple) -> None:
    """C1 and C3 as lenetDemo computes them equal convExplorer.compute (conv-explorer.js) plus bias and ReLU."""
    _, rounded = keras_models
    x, _ = mnist
    digit = (x[0] / 255.0).astype("float32")
    layers = {layer.name: layer for layer in rounded.layers}
    c1, c3 = (layers[n].get_weights() for n in ("C1", "C3"))
    padding = [layers[n].padding for n in ("C1", "C3")]  # as the model was built: "valid" or "same"
    got = demo.evaluate(
        """([digit, c1, c3, padding]) => {
          const out = window.lenetDemo.layers(Float32Array.from(digit));
          const maps = (flat, [h, w, c]) => Array.from({ length: c }, (_, ch) =>
            Array.from({ length: h }, (__, y) => Array.from({ length: w }, (___, x) => flat[(y * w + x) * c + ch])));
          const layer = (input, [kernel, bias], padding) => window.convExplorer
            .compute(input, kernel, { flip: false, padding, stride: 1 })
            .map((map, o) => map.map((row) => row.map((v) => Math.max(v + bias[o], 0))));
          const s2 = maps(out.S2.values, out.S2.shape);
          return {
            demo: [maps(out.C1.values, out.C1.shape), maps(out.C3.values, out.C3.shape)],
            explorer: [layer([maps(digit, [28, 28, 1])[0]], c1, padding[0]), layer(s2, c3, padding[1])],
          };
        }""",
        [
            digit.ravel().tolist(),
            [c1[0].transpose(3, 2, 0, 1).tolist(), c1[1].tolist()],  # [out][in][k][k], the explorer's layout
            [c3[0].transpose(3, 2, 0, 1).tolist(), c3[1].tolist()],
            padding,
        ],
    )
    for name, mine, theirs in zip(("C1", "C3"), got["demo"], got["explorer"], strict=True):
        mine, theirs = np.array(mine), np.array(theirs)
        assert mine.shape == theirs.shape, name
        assert np.abs(mine - theirs).max() <= 1e-5 * max(1.0, np.abs(theirs).max()), name


def generated_images(folder: Path) -> list[Path]:
    """Digits in many forms, drawn with Pillow: sizes, colours, off-centre, dark on light and light on dark."""
    rng = np.random.default_rng(12)
    paths = []

    def save(name: str, image: Image.Image) -> None:
        path = folder / name
        image.save(path)
        paths.append(path)

    seven = [(0.15, 0.15), (0.85, 0.15), (0.4, 0.9)]

    def draw(
        size: tuple[int, int],
        box: tuple[float, float, float, float],
        paper: str,
        ink: str,
        mode: str,
        width: int,
        shape: list[tuple[float, float]] = seven,
    ) -> Image.Image:
        image = Image.new(mode, size, paper)
        x0, y0, x1, y1 = box
        points = [(x0 + px * (x1 - x0), y0 + py * (y1 - y0)) for px, py in shape]
        ImageDraw.Draw(image).line(points, fill=ink, width=width, joint="curve")
        return image

    save("dark_on_light.png", draw((120, 160), (10, 10, 110, 150), "white", "black", "L", 12))
    save("light_on_dark.png", draw((90, 90), (20, 5, 70, 85), "black", "white", "L", 8))
    save("blue_on_cream_offcentre.png", draw((400, 150), (20, 30, 110, 140), "#f3ead2", "#1b3a8c", "RGB", 9))
    save("red_on_green.jpg", draw((64, 48), (30, 4, 60, 44), "#2e7d32", "#ff8080", "RGB", 4))
    save("tiny.png", draw((13, 9), (2, 1, 11, 8), "white", "#333", "L", 1))
    save("large.png", draw((640, 480), (300, 40, 420, 460), "#ddd", "#222", "L", 30))
    one = [(0.5, 0.0), (0.5, 1.0)]
    save("thin_one.png", draw((50, 200), (0, 10, 50, 190), "white", "black", "L", 3, one))
    save("wide_dash.png", draw((200, 60), (10, 0, 190, 60), "black", "white", "L", 6, [(0, 0.5), (1, 0.5)]))
    save("touching_the_edge.png", draw((40, 40), (-5, -5, 45, 45), "white", "black", "L", 7))
    exact20 = Image.new("L", (40, 40), "black")  # the ink exactly 20 pixels tall: one axis is not resized
    ImageDraw.Draw(exact20).rectangle((10, 10, 17, 29), fill="white")
    save("exactly_twenty.png", exact20)
    transparent = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    ImageDraw.Draw(transparent).line([(20, 20), (80, 20), (40, 90)], fill=(20, 20, 120, 200), width=10)
    save("half_transparent_ink.png", transparent)
    save("palette.png", draw((80, 100), (15, 10, 70, 95), "white", "navy", "RGB", 7).convert("P"))
    noisy = np.asarray(draw((150, 120), (40, 10, 110, 110), (200, 190, 170), (40, 40, 60), "RGB", 10)).astype(float)
    noisy += rng.normal(0, 12, noisy.shape)
    save("noisy.jpg", Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)))
    return paths


def test_preprocess_matches_predict_digit(demo: Page, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    images = [*SAMPLES, *generated_images(tmp_path)]
    seen = tmp_path / "seen"
    result = course.run_example(
        "predict_digit", *map(str, images), "--model", str(MODEL), "--save-preprocessed", str(seen), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    rgba = []
    for path in images:
        with Image.open(path) as image:
            image.load()
            converted = image.convert("RGBA")  # what ImageData would hold for the decoded image
        rgba.append([b64(converted.tobytes()), converted.width, converted.height])
    got = demo.evaluate(
        """images => images.map(([data, width, height]) => Array.from(window.lenetDemo.preprocess({
          data: Uint8ClampedArray.from(atob(data), (c) => c.charCodeAt(0)), width, height })))""",
        rgba,
    )
    worst = 0.0
    for path, pixels in zip(images, got, strict=True):
        expected = np.load(seen / f"{path.stem}.npy")
        mine = np.array(pixels, dtype=np.float32).reshape(28, 28)
        worst = max(worst, float(np.abs(mine - expected).max()))
        assert_array_equal(mine, expected, err_msg=path.name)
    with capsys.disabled():
        print(f"\nlenetDemo.preprocess: {len(images)} images, largest difference from predict_digit.py {worst:g}")


def test_preprocess_finds_no_digit_on_a_blank_image(demo: Page) -> None:
    message = demo.evaluate(
        """() => { try { window.lenetDemo.preprocess({ data: new Uint8ClampedArray(4 * 30 * 20).fill(200),
            width: 30, height: 20 }); } catch (e) { return e.message; } return null; }"""
    )
    assert message is not None and "no digit" in message


def stroke(page: Page, points: list[tuple[float, float]]) -> None:
    """Draw on the pad with the mouse through `points`, given as fractions of the pad's size."""
    pad = page.locator(".ld-pad")
    pad.evaluate("c => c.scrollIntoView({ block: 'center' })")  # clear of the sticky header
    box = pad.bounding_box()
    assert box is not None
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()


def probabilities(page: Page) -> list[str]:
    return page.locator(".ld-bar__value").all_inner_texts()


def settled_prediction(page: Page) -> str:
    """The digit the pad shows once the frame scheduled by the last stroke has run."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page.locator(".lenet-demo").get_attribute("data-prediction") or ""


@pytest.mark.parametrize("lang", LANGS)
def test_drawing_changes_the_prediction(browser: Browser, served_site: str, lang: str) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    open_pad(page, f"{served_site}{LANGS[lang]}{PAGE}")
    pad = page.locator(".lenet-demo")
    labels = LABELS[lang]
    verdict = pad.locator(".ld-verdict")
    assert verdict.inner_text() == labels["empty"]
    assert settled_prediction(page) == ""

    stroke(page, [(0.5, 0.15), (0.5, 0.85)])  # a vertical line: a one
    assert settled_prediction(page) == "1"
    assert verdict.inner_text().startswith(labels["prediction"] + "1")
    before = probabilities(page)
    stroke(page, [(0.2, 0.15), (0.5, 0.15)])  # a bar on top of it: a seven
    assert settled_prediction(page) == "7"
    assert probabilities(page) != before

    # Every layer's panel shows its values: more than one colour across its maps.
    colours = page.locator(".ld-layer").evaluate_all(
        """layers => layers.map((layer) => new Set([...layer.querySelectorAll('canvas')].flatMap((c) => {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          return Array.from({ length: d.length / 4 }, (_, i) => `${d[4 * i]},${d[4 * i + 1]},${d[4 * i + 2]}`);
        })).size)"""
    )
    assert len(colours) == 6 and min(colours) > 1, colours  # C1, S2, C3, S4, C5, F6
    pad.get_by_role("button", name=labels["clear"], exact=True).click()
    assert verdict.inner_text() == labels["empty"]
    assert settled_prediction(page) == ""
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_mnist_digits_can_be_chosen_with_the_keyboard(browser: Browser, served_site: str, lang: str) -> None:
    page = browser.new_page()
    open_pad(page, f"{served_site}{LANGS[lang]}{PAGE}")
    buttons = page.locator(".lenet-demo .ld-digit")
    assert buttons.count() == 10
    for digit in range(10):
        buttons.nth(digit).focus()
        page.keyboard.press("Enter")
        assert page.locator(".lenet-demo").get_attribute("data-prediction") == str(digit)
        assert page.locator(".ld-bar--top .ld-bar__digit").inner_text() == str(digit)
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_usable_at_phone_width(browser: Browser, served_site: str, lang: str) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740}, has_touch=True)
    open_pad(page, f"{served_site}{LANGS[lang]}{PAGE}")
    pad = page.locator(".lenet-demo .ld-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert pad.evaluate("c => getComputedStyle(c).touchAction") == "none"  # a finger draws, not scrolls
    page.close()


def watch(page: Page) -> tuple[list[str], list[str]]:
    """The URLs `page` requests and the errors it throws, as they happen."""
    urls: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return urls, errors


@pytest.mark.parametrize("hosting", ["served_site", "served_hosted_site"])  # at the root, under a sub-path
@pytest.mark.parametrize("lang", LANGS)
def test_nothing_leaves_the_host(browser: Browser, request: pytest.FixtureRequest, hosting: str, lang: str) -> None:
    served_site = request.getfixturevalue(hosting)
    page = browser.new_page()
    urls, errors = watch(page)
    page.goto(f"{served_site}{LANGS[lang]}{PAGE}", wait_until="networkidle")
    weights = f"{served_site}{LANGS[lang]}assets/js/lenet-weights.js"
    assert page.locator(".lenet-demo").inner_text() == LABELS[lang]["loading"]
    assert weights not in urls  # not before the reader scrolls to the pad
    open_pad(page, f"{served_site}{LANGS[lang]}{PAGE}")
    stroke(page, [(0.5, 0.15), (0.5, 0.85)])
    settled_prediction(page)
    host = urlsplit(served_site).netloc
    assert [u for u in urls if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != host] == []
    assert weights in urls
    assert not errors
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_works_opened_from_disk(browser: Browser, site: Path, lang: str) -> None:
    page = browser.new_page()
    urls, errors = watch(page)
    open_pad(page, (site / LANGS[lang] / PAGE / "index.html").as_uri())
    stroke(page, [(0.5, 0.15), (0.5, 0.85)])
    assert settled_prediction(page) == "1"
    assert all(urlsplit(u).scheme in ("file", "data", "blob") for u in urls), urls
    assert not [e for e in errors if "lenet" in e.lower()], errors
    page.close()


def test_export_is_current(tmp_path: Path, record: dict) -> None:
    """A fresh export of the shipped model gives the committed lenet-weights.js and the same measurements."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "export_lenet_web.py"), "--out", str(tmp_path)]
        + ["--record", str(tmp_path / "lenet_web.json")],
        capture_output=True,
        text=True,
        check=False,
        env=course.example_env(),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    fresh = (tmp_path / "lenet-weights.js").read_text(encoding="utf-8")
    assert fresh == WEIGHTS_JS.read_text(encoding="utf-8"), "rerun `python scripts/export_lenet_web.py`"
    again = json.loads((tmp_path / "lenet_web.json").read_text(encoding="utf-8"))
    for key in ("dtype", "model", "digits", "argmax_changed", "test_accuracy", "test_accuracy_exported"):
        assert again[key] == record[key], key
    assert again["max_probability_difference"] == pytest.approx(record["max_probability_difference"], rel=0.2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet-weights.js", "lenet_web.json"]


def test_record_describes_the_shipped_files(record: dict) -> None:
    """Sizes, model hash and dtype in docs/data/lenet_web.json are those of the committed files."""
    files = {"weights_js": WEIGHTS_JS, "demo_js": ROOT / "assets/js/lenet-demo.js"}
    files["demo_css"] = ROOT / "assets/css/lenet-demo.css"
    sizes = {key: path.stat().st_size for key, path in files.items()}
    assert record["bytes"] == sizes, "rerun `python scripts/export_lenet_web.py` (the page states these sizes)"
    digest = hashlib.sha256(MODEL.read_bytes()).hexdigest()
    assert record["model"]["sha256"] == digest
    header = re.search(r'"sha256": "([0-9a-f]{64})"', WEIGHTS_JS.read_text(encoding="utf-8"))
    assert header is not None and header.group(1) == digest
    assert record["dtype"] == "float16"
    assert record["argmax_agreement"] == 1 - record["argmax_changed"] / record["digits"]


def test_accuracy_matches_the_training_record(record: dict) -> None:
    """The accuracy the page states is the one lenet_mnist.py recorded when it saved the model."""
    trained = json.loads((MODEL.parent / "lenet.json").read_text(encoding="utf-8"))
    assert record["test_accuracy"] == pytest.approx(trained["test_accuracy"], abs=1e-4)


def test_export_refuses_bad_input(tmp_path: Path) -> None:
    script = str(ROOT / "scripts" / "export_lenet_web.py")
    not_a_model = tmp_path / "model.keras"
    not_a_model.write_text("no model here", encoding="utf-8")
    for args in (["--model", str(tmp_path / "absent.keras")], ["--model", str(not_a_model)]):
        result = subprocess.run(
            [sys.executable, script, *args, "--out", str(tmp_path / "out"), "--record", str(tmp_path / "r.json")],
            capture_output=True,
            text=True,
            check=False,
            env=course.example_env(),
            timeout=300,
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.json").exists()
