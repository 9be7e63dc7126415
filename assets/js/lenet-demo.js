// The trained LeNet-5 in the page: <div class="lenet-demo"> on the LeNet lesson becomes a drawing pad
// whose digit goes through the network as you draw, showing the ten probabilities, the feature maps
// of every convolution and pooling layer and the activations of the dense layers. Plain JavaScript,
// no dependencies; labels follow <html lang>. The weights are in lenet-weights.js beside this file
// (written by scripts/export_lenet_web.py from the model the example trained; it sets
// window.LENET_WEIGHTS). It is added to the page as a <script>, not fetched, so the pad also works
// opened from disk, and only once the pad comes near the screen, so a visit that stops short of it does
// not download the weights, most of the pad's bytes.
//
// window.lenetDemo, for the page and for tests:
// - load(): a promise that resolves once the weights are in (at once if they already are); the
//   functions below need them.
// - predict(pixels): pixels is a Float32Array(784) in [0, 1], row by row, a light digit on black as
//   in MNIST; returns the ten probabilities (Float32Array).
// - layers(pixels): every layer's output by layer name, {shape: [h, w, c] or [n], values: Float32Array}
//   in Keras's channels-last order (values[(y * w + x) * c + channel]).
// - preprocess({data, width, height}): RGBA bytes as in ImageData; returns the Float32Array(784) that
//   examples/predict_digit.py makes of the same image (its to_mnist, ported operation by operation,
//   including Pillow's Lanczos resampling and SciPy's linear shift). Throws if there is no digit.
//
// The forward pass runs each layer as the exported file describes it (Conv2D, max or average pooling,
// Flatten, Dense; ReLU, tanh, sigmoid, softmax). It computes what convExplorer.compute (conv-explorer.js)
// computes for a layer, cross-correlation with TensorFlow's "same" padding, but on flat typed arrays:
// the explorer builds an object per product, far too slow for a live pad (tests compare the two).
(function () {
  'use strict';

  // This script's own address, to find lenet-weights.js beside it (currentScript exists only now).
  const SELF = typeof document !== 'undefined' && document.currentScript ? document.currentScript.src : null;
  const NEAR = '600px'; // how close to the screen the pad comes before the weights load

  const MIN_CONTRAST = 40; // predict_digit.py: grey levels between ink and paper below which there is no digit
  const BOX = 20; // the longer side of the digit after scaling, as in MNIST
  const SIDE = 28;
  const PAD = 280; // the drawing pad's pixels (its CSS size may differ)
  const STROKE = 22; // pen width on the pad: about a 2-pixel stroke once the digit is 20 pixels tall
  const MAP = 56; // CSS pixels across a feature map
  const DENSE = 144; // CSS pixels across a dense layer's grid of 12 cells a row

  const LABELS = {
    en: {
      widget: 'Draw a digit for LeNet-5',
      pad: 'Drawing pad: draw one digit with the mouse, a finger or a pen',
      clear: 'Clear',
      samples: 'Or pick an MNIST test digit:',
      sample: (label, index) => `MNIST test digit ${label} (test image ${index}, counted from 0)`,
      empty: 'Draw a digit on the black pad.',
      noDigit: 'No digit yet: the pad is almost uniform.',
      prediction: (d, p) => `Prediction: ${d} (${p})`,
      probabilities: 'Probabilities',
      seen: 'What the network sees (28 × 28)',
      maps: 'Feature maps',
      dense: 'Dense layers',
      scale: 'Each layer has one colour scale, from dark (0) to yellow (its largest value).',
      layer: (name, shape) => `${name}: ${shape}`,
      loading: 'Loading the trained network…',
      missing: 'The model’s weights (lenet-weights.js) did not load.',
    },
    zh: {
      widget: '写一个数字，让 LeNet-5 识别',
      pad: '画板：用鼠标、手指或触控笔写一个数字',
      clear: '清除',
      samples: '也可以选一个 MNIST 测试数字：',
      sample: (label, index) => `MNIST 测试数字 ${label}（测试集中第 ${index} 张图像，从 0 开始计数）`,
      empty: '在黑色画板上写一个数字。',
      noDigit: '还没有数字：画板上几乎没有明暗变化。',
      prediction: (d, p) => `预测结果：${d}（${p}）`,
      probabilities: '各数字的概率',
      seen: '网络实际看到的输入（28 × 28）',
      maps: '特征图',
      dense: '全连接层',
      scale: '每层各用一个色标，从深色（0）到黄色（该层的最大值）。',
      layer: (name, shape) => `${name}：${shape}`,
      loading: '正在加载训练好的网络……',
      missing: '模型权重（lenet-weights.js）加载失败。',
    },
  };

  // ---- The model -----------------------------------------------------------------------------

  /** Bytes from base64. */
  function fromBase64(text) {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  /** An IEEE 754 half-precision number (its 16 bits) as a JavaScript number; exact. */
  function fromHalf(bits) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) return sign * fraction * 2 ** -24;
    if (exponent === 31) return fraction ? NaN : sign * Infinity;
    return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }

  /** A base64 array of little-endian float16 or float32 as a Float32Array. */
  function decode(text, dtype) {
    const bytes = fromBase64(text);
    const view = new DataView(bytes.buffer);
    const size = dtype === 'float16' ? 2 : 4;
    const out = new Float32Array(bytes.length / size);
    for (let i = 0; i < out.length; i += 1) {
      out[i] = size === 2 ? fromHalf(view.getUint16(2 * i, true)) : view.getFloat32(4 * i, true);
    }
    return out;
  }

  let cached = null;
  let loading = null;

  /** Adds lenet-weights.js to the page once; resolves when window.LENET_WEIGHTS is set. */
  function load() {
    if (window.LENET_WEIGHTS) return Promise.resolve();
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        if (!SELF) throw new Error('cannot tell where lenet-weights.js is: load it before lenet-demo.js');
        const tag = document.createElement('script');
        tag.src = new URL('lenet-weights.js', SELF).href;
        tag.onload = () => (window.LENET_WEIGHTS ? resolve() : reject(new Error('lenet-weights.js set nothing')));
        tag.onerror = () => {
          loading = null; // a later call tries again
          reject(new Error(`could not load ${tag.src}`));
        };
        document.head.append(tag);
      });
    }
    return loading;
  }

  /** The exported model with its weights decoded (once). */
  function model() {
    if (cached) return cached;
    const spec = window.LENET_WEIGHTS;
    if (!spec) throw new Error('the weights are not loaded yet: await window.lenetDemo.load() first');
    const layers = spec.layers.map((layer) => (layer.kernel
      ? { ...layer, kernel: decode(layer.kernel, spec.dtype), bias: decode(layer.bias, spec.dtype) }
      : { ...layer }));
    const pixels = fromBase64(spec.samples.pixels);
    const size = spec.input_shape.reduce((a, b) => a * b, 1);
    const samples = spec.samples.labels.map((label, i) => ({
      label,
      index: spec.samples.indices[i],
      pixels: Float32Array.from(pixels.subarray(i * size, (i + 1) * size), (v) => v / 255),
    }));
    cached = { inputShape: spec.input_shape, layers, samples };
    return cached;
  }

  // ---- The forward pass ----------------------------------------------------------------------

  /** Applies `name` in place to values[start .. start + n), one output vector (softmax: over it). */
  function activate(values, start, n, name) {
    if (name === 'softmax') {
      let top = -Infinity;
      for (let i = 0; i < n; i += 1) top = Math.max(top, values[start + i]);
      let sum = 0;
      for (let i = 0; i < n; i += 1) sum += Math.exp(values[start + i] - top);
      for (let i = 0; i < n; i += 1) values[start + i] = Math.exp(values[start + i] - top) / sum;
      return;
    }
    const f = {
      relu: (v) => (v > 0 ? v : 0),
      tanh: Math.tanh,
      sigmoid: (v) => 1 / (1 + Math.exp(-v)),
      linear: (v) => v,
    }[name || 'linear'];
    if (!f) throw new Error(`unknown activation ${name}`);
    for (let i = 0; i < n; i += 1) values[start + i] = f(values[start + i]);
  }

  /** Output size and zeros before along one axis: TensorFlow's rule for "valid" and "same". */
  function axis(n, k, stride, padding) {
    if (padding === 'same') {
      const out = Math.ceil(n / stride);
      return { out, before: Math.floor(Math.max((out - 1) * stride + k - n, 0) / 2) };
    }
    return { out: Math.floor((n - k) / stride) + 1, before: 0 };
  }

  /** A convolution layer (cross-correlation, as Keras computes it) on a [h][w][c] input, then its activation. */
  function conv(layer, input, [h, w, c]) {
    const [kh, kw, cin, cout] = layer.kernel_shape;
    if (cin !== c) throw new Error(`${layer.name}: expects ${cin} channels, got ${c}`);
    const rows = axis(h, kh, layer.strides[0], layer.padding);
    const cols = axis(w, kw, layer.strides[1], layer.padding);
    const out = new Float32Array(rows.out * cols.out * cout);
    const sum = new Float64Array(cout);
    for (let oy = 0; oy < rows.out; oy += 1) {
      for (let ox = 0; ox < cols.out; ox += 1) {
        sum.set(layer.bias);
        for (let a = 0; a < kh; a += 1) {
          const y = oy * layer.strides[0] + a - rows.before;
          if (y < 0 || y >= h) continue;
          for (let b = 0; b < kw; b += 1) {
            const x = ox * layer.strides[1] + b - cols.before;
            if (x < 0 || x >= w) continue;
            for (let ch = 0; ch < c; ch += 1) {
              const v = input[(y * w + x) * c + ch];
              if (v === 0) continue;
              const k = ((a * kw + b) * cin + ch) * cout;
              for (let o = 0; o < cout; o += 1) sum[o] += v * layer.kernel[k + o];
            }
          }
        }
        const at = (oy * cols.out + ox) * cout;
        for (let o = 0; o < cout; o += 1) out[at + o] = sum[o];
        activate(out, at, cout, layer.activation);
      }
    }
    return { values: out, shape: [rows.out, cols.out, cout] };
  }

  /** Max or average pooling of each channel ("same": padding ignored, as TensorFlow does). */
  function pool(layer, input, [h, w, c]) {
    const [ph, pw] = layer.pool;
    const rows = axis(h, ph, layer.strides[0], layer.padding);
    const cols = axis(w, pw, layer.strides[1], layer.padding);
    const out = new Float32Array(rows.out * cols.out * c);
    for (let oy = 0; oy < rows.out; oy += 1) {
      for (let ox = 0; ox < cols.out; ox += 1) {
        for (let ch = 0; ch < c; ch += 1) {
          let best = -Infinity;
          let sum = 0;
          let count = 0;
          for (let a = 0; a < ph; a += 1) {
            const y = oy * layer.strides[0] + a - rows.before;
            for (let b = 0; b < pw; b += 1) {
              const x = ox * layer.strides[1] + b - cols.before;
              if (y < 0 || y >= h || x < 0 || x >= w) continue;
              const v = input[(y * w + x) * c + ch];
              best = Math.max(best, v);
              sum += v;
              count += 1;
            }
          }
          out[(oy * cols.out + ox) * c + ch] = layer.type === 'maxpool' ? best : sum / count;
        }
      }
    }
    return { values: out, shape: [rows.out, cols.out, c] };
  }

  /** A dense layer on a flat input, then its activation. */
  function dense(layer, input) {
    const [n, units] = layer.kernel_shape;
    if (input.length !== n) throw new Error(`${layer.name}: expects ${n} inputs, got ${input.length}`);
    const sum = Float64Array.from(layer.bias);
    for (let i = 0; i < n; i += 1) {
      const v = input[i];
      if (v === 0) continue;
      const k = i * units;
      for (let j = 0; j < units; j += 1) sum[j] += v * layer.kernel[k + j];
    }
    const out = Float32Array.from(sum);
    activate(out, 0, units, layer.activation);
    return { values: out, shape: [units] };
  }

  /** Every layer's output for one digit, in order: [{name, type, shape, values}]. */
  function forward(pixels) {
    const net = model();
    const size = net.inputShape.reduce((a, b) => a * b, 1);
    if (!pixels || pixels.length !== size) throw new Error(`pixels must hold ${size} values (28 × 28)`);
    let current = { values: Float32Array.from(pixels), shape: net.inputShape };
    return net.layers.map((layer) => {
      const { values, shape } = current;
      if (layer.type === 'conv') current = conv(layer, values, shape);
      else if (layer.type === 'maxpool' || layer.type === 'avgpool') current = pool(layer, values, shape);
      else if (layer.type === 'flatten') current = { values, shape: [values.length] };
      else if (layer.type === 'dense') current = dense(layer, values);
      else throw new Error(`${layer.name}: unknown layer type ${layer.type}`);
      const expected = layer.output_shape.join('×');
      if (current.shape.join('×') !== expected) {
        throw new Error(`${layer.name}: output ${current.shape.join('×')} is not ${expected}`);
      }
      return { name: layer.name, type: layer.type, ...current };
    });
  }

  function predict(pixels) {
    const outputs = forward(pixels);
    return outputs[outputs.length - 1].values;
  }

  function layers(pixels) {
    return Object.fromEntries(forward(pixels).map(({ name, shape, values }) => [name, { shape, values }]));
  }

  // ---- Preprocessing: examples/predict_digit.py's read_grey and to_mnist -------------------------

  /** What preprocess throws for an image without a digit (predict_digit.py stops there too). */
  class NoDigit extends Error {}

  /**
   * Grey levels 0-255 as Pillow makes them: each pixel alpha-composited onto opaque white
   * (Image.alpha_composite, its integer arithmetic), then converted to "L" (ITU-R 601-2 luma in
   * 16-bit fixed point). Opaque pixels are unchanged by the composite, so this also equals what
   * predict_digit.py does for RGB and grey images, which it does not composite.
   */
  function greyLevels({ data, width, height }) {
    const grey = new Float64Array(width * height);
    const over = (s, a) => {
      const v = s * a + 255 * (255 - a) + 128;
      return (v + (v >> 8)) >> 8;
    };
    for (let i = 0; i < grey.length; i += 1) {
      const a = data[4 * i + 3];
      const [r, g, b] = [0, 1, 2].map((j) => (a === 0 ? 255 : over(data[4 * i + j], a)));
      grey[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
    return grey;
  }

  /** NumPy's sum of a float64 array (pairwise summation, in NumPy's order, so the same rounding). */
  function numpySum(a, start = 0, n = a.length) {
    if (n < 8) {
      let res = 0;
      for (let i = 0; i < n; i += 1) res += a[start + i];
      return res;
    }
    if (n <= 128) {
      const r = Array.from({ length: 8 }, (_, j) => a[start + j]);
      let i = 8;
      for (; i < n - (n % 8); i += 8) {
        for (let j = 0; j < 8; j += 1) r[j] += a[start + i + j];
      }
      let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i += 1) res += a[start + i];
      return res;
    }
    let half = Math.floor(n / 2);
    half -= half % 8;
    return numpySum(a, start, half) + numpySum(a, start + half, n - half);
  }

  /** np.median: the middle value, or the mean of the two middle ones. */
  function median(values) {
    const sorted = Float64Array.from(values).sort();
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** The outermost rows and columns of an h × w image (corners twice), as predict_digit.py takes them. */
  function border(img, h, w) {
    const out = [];
    for (let x = 0; x < w; x += 1) out.push(img[x], img[(h - 1) * w + x]);
    for (let y = 0; y < h; y += 1) out.push(img[y * w], img[y * w + w - 1]);
    return out;
  }

  /** Python's round(): halves go to the even neighbour. */
  function roundHalfEven(x) {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  /** Pillow's Lanczos weights (support 3, widened when shrinking) for each output pixel along one axis. */
  function lanczosCoefficients(inSize, outSize) {
    const sinc = (x) => (x === 0 ? 1 : Math.sin(x * Math.PI) / (x * Math.PI));
    const lanczos = (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0);
    const scale = inSize / outSize;
    const filterScale = Math.max(scale, 1);
    const support = 3 * filterScale;
    const ss = 1 / filterScale;
    return Array.from({ length: outSize }, (_, xx) => {
      const center = (xx + 0.5) * scale;
      const first = Math.max(Math.trunc(center - support + 0.5), 0);
      const count = Math.min(Math.trunc(center + support + 0.5), inSize) - first;
      const weights = Array.from({ length: count }, (__, x) => lanczos((x + first - center + 0.5) * ss));
      const total = weights.reduce((a, b) => a + b, 0);
      return { first, weights: total === 0 ? weights : weights.map((k) => k / total) };
    });
  }

  /**
   * Image.resize(size, LANCZOS) of a mode "F" (float32) image, as Pillow 13 computes it (the version
   * requirements/ pins): one pass per axis that changes, each summing in double precision and storing
   * float32. The horizontal pass comes first, unless the height shrinks by more than twice as many
   * pixels as the width (Resample.c, ImagingResampleInner); the order changes the last bit.
   */
  function resizeLanczos(src, h, w, outH, outW) {
    let img = src;
    let [rows, cols] = [h, w];
    const horizontal = () => {
      const coeffs = lanczosCoefficients(cols, outW);
      const out = new Float32Array(rows * outW);
      for (let y = 0; y < rows; y += 1) {
        coeffs.forEach(({ first, weights }, xx) => {
          let ss = 0;
          weights.forEach((k, x) => { ss += img[y * cols + first + x] * k; });
          out[y * outW + xx] = ss;
        });
      }
      [img, cols] = [out, outW];
    };
    const vertical = () => {
      const coeffs = lanczosCoefficients(rows, outH);
      const out = new Float32Array(outH * cols);
      coeffs.forEach(({ first, weights }, yy) => {
        for (let x = 0; x < cols; x += 1) {
          let ss = 0;
          weights.forEach((k, y) => { ss += img[(first + y) * cols + x] * k; });
          out[yy * cols + x] = ss;
        }
      });
      [img, rows] = [out, outH];
    };
    const verticalFirst = h - outH > 0 && h - outH > (w - outW) * 2;
    const passes = verticalFirst ? [[outH !== h, vertical], [outW !== w, horizontal]]
      : [[outW !== w, horizontal], [outH !== h, vertical]];
    passes.forEach(([needed, pass]) => { if (needed) pass(); });
    return img;
  }

  /**
   * ndimage.shift(canvas, (dy, dx), order=1, mode="constant") on a side × side float64 image: each
   * output pixel interpolates linearly between the input pixels around (y - dy, x - dx), in SciPy's
   * order of operations; positions outside the image give 0.
   */
  function shiftLinear(img, side, dy, dx) {
    const along = (d) => Array.from({ length: side }, (_, k) => {
      const cc = k + -d;
      if (cc < 0 || cc > side - 1) return null;
      const start = Math.floor(cc);
      const w0 = 1 - (cc - start);
      // At the last pixel the second weight is 0; SciPy reads a mirrored pixel there, which adds nothing.
      return { start, next: start + 1 < side ? start + 1 : 2 * side - 2 - (start + 1), w0, w1: 1 - w0 };
    });
    const rows = along(dy);
    const cols = along(dx);
    const out = new Float64Array(side * side);
    rows.forEach((r, y) => {
      if (!r) return;
      cols.forEach((c, x) => {
        if (!c) return;
        let t = 0;
        t += img[r.start * side + c.start] * r.w0 * c.w0;
        t += img[r.start * side + c.next] * r.w0 * c.w1;
        t += img[r.next * side + c.start] * r.w1 * c.w0;
        t += img[r.next * side + c.next] * r.w1 * c.w1;
        out[y * side + x] = t;
      });
    });
    return out;
  }

  /** A grey image of any size -> MNIST's 28 × 28 format, step by step as predict_digit.py's to_mnist. */
  function toMnist(grey, h, w) {
    // Light ink on dark paper: invert if the border is light, then subtract the paper's level.
    let ink = median(border(grey, h, w)) > 127 ? grey.map((v) => 255 - v) : Float64Array.from(grey);
    const paper = median(border(ink, h, w));
    ink = ink.map((v) => Math.max(v - paper, 0));
    const top = ink.reduce((a, b) => Math.max(a, b), 0);
    if (top < MIN_CONTRAST) throw new NoDigit('no digit found (the image is almost uniform)');
    // Crop to the pixels above a quarter of the darkest ink.
    let [y0, y1, x0, x1] = [h, -1, w, -1];
    ink.forEach((v, i) => {
      if (v > 0.25 * top) {
        const y = Math.floor(i / w);
        const x = i % w;
        [y0, y1, x0, x1] = [Math.min(y0, y), Math.max(y1, y), Math.min(x0, x), Math.max(x1, x)];
      }
    });
    const ch = y1 - y0 + 1;
    const cw = x1 - x0 + 1;
    const crop = new Float32Array(ch * cw); // Image.fromarray makes float64 a mode "F" (float32) image
    for (let y = 0; y < ch; y += 1) {
      for (let x = 0; x < cw; x += 1) crop[y * cw + x] = (ink[(y0 + y) * w + x0 + x] / top) * 255;
    }
    // Scale the longer side to 20 pixels (Lanczos), clip, and paste into the middle of 28 × 28.
    const scale = BOX / Math.max(ch, cw);
    const sw = Math.max(1, roundHalfEven(cw * scale));
    const sh = Math.max(1, roundHalfEven(ch * scale));
    const small = resizeLanczos(crop, ch, cw, sh, sw).map((v) => Math.min(Math.max(v, 0), 255));
    const canvas = new Float64Array(SIDE * SIDE);
    const top0 = Math.floor((SIDE - sh) / 2);
    const left0 = Math.floor((SIDE - sw) / 2);
    for (let y = 0; y < sh; y += 1) {
      for (let x = 0; x < sw; x += 1) canvas[(top0 + y) * SIDE + left0 + x] = small[y * sw + x];
    }
    // Move the centre of mass to (13.5, 13.5): ndimage.center_of_mass, then ndimage.shift.
    const total = numpySum(canvas);
    const cy = numpySum(canvas.map((v, i) => v * Math.floor(i / SIDE))) / total;
    const cx = numpySum(canvas.map((v, i) => v * (i % SIDE))) / total;
    const shifted = shiftLinear(canvas, SIDE, 13.5 - cy, 13.5 - cx);
    return Float32Array.from(shifted, (v) => Math.min(Math.max(v / 255, 0), 1));
  }

  function preprocess(image) {
    const { data, width, height } = image || {};
    if (!data || !(width > 0) || !(height > 0) || data.length !== 4 * width * height) {
      throw new Error('preprocess takes {data, width, height} with RGBA bytes, as in ImageData');
    }
    return toMnist(greyLevels({ data, width, height }), height, width);
  }

  // ---- The page ------------------------------------------------------------------------------

  /** The page's language for LABELS: 'zh' or 'en'. */
  function pageLanguage() {
    return (document.documentElement.lang || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }

  /** A new element with a class, text and attributes. */
  function el(tag, className, text, attrs) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }

  /** A percentage in the page's language. */
  function percent(p, lang) {
    const options = { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 };
    return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en', options).format(p);
  }

  // Viridis at five stops (dark purple to yellow), as the lesson's feature-map figure uses.
  const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

  function colour(t) {
    const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
    const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
    const f = x - i;
    return VIRIDIS[i].map((v, j) => Math.round(v + f * (VIRIDIS[i + 1][j] - v)));
  }

  /** Paint channel `ch` of an [h][w][c] array onto a canvas of h × w pixels, scaled by `top`. */
  function paint(canvas, values, [h, w, c], ch, top, grey) {
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(w, h);
    for (let i = 0; i < h * w; i += 1) {
      const t = top > 0 ? values[i * c + ch] / top : 0;
      const rgb = grey ? [0, 0, 0].map(() => Math.round(255 * Math.min(Math.max(t, 0), 1))) : colour(t);
      image.data.set([...rgb, 255], 4 * i);
    }
    ctx.putImageData(image, 0, 0);
  }

  function shapeText(shape) {
    return shape.length === 3 ? `${shape[2]}@${shape[0]}×${shape[1]}` : String(shape[0]);
  }

  /** Replace everything in root but the stylesheet with `nodes`. */
  function replaceContent(root, ...nodes) {
    root.querySelectorAll(':scope > :not(link)').forEach((node) => node.remove());
    root.append(...nodes);
  }

  /** Build the pad and its outputs in root; the weights are loaded. */
  function mount(root) {
    root.classList.replace('ld-waiting', 'ld-ready');
    const lang = pageLanguage();
    const t = LABELS[lang];
    const net = model();

    // The pad, its buttons and the MNIST digits.
    const top = el('div', 'ld-top');
    const left = el('div', 'ld-left');
    const pad = el('canvas', 'ld-pad', null, { width: PAD, height: PAD, role: 'img', 'aria-label': t.pad });
    const ctx = pad.getContext('2d', { willReadFrequently: true });
    const tools = el('div', 'ld-tools');
    const clear = el('button', 'ld-button', t.clear, { type: 'button' });
    tools.append(clear);
    const samples = el('div', 'ld-samples', null, { role: 'group', 'aria-label': t.samples });
    samples.append(el('span', 'ld-samples__label', t.samples));
    net.samples.forEach((sample) => {
      const button = el('button', 'ld-button ld-digit', String(sample.label), {
        type: 'button', 'aria-label': t.sample(sample.label, sample.index),
      });
      button.addEventListener('click', () => showSample(sample));
      samples.append(button);
    });
    left.append(pad, tools, samples);

    // The prediction: a sentence, ten bars, and the 28 × 28 input.
    const right = el('div', 'ld-right');
    const verdict = el('p', 'ld-verdict', t.empty);
    // Screen readers hear the verdict when a stroke ends, not at every frame of it.
    const status = el('p', 'ld-status', '', { role: 'status' });
    const chart = el('div', 'ld-bars', null, { role: 'group', 'aria-label': t.probabilities });
    const bars = Array.from({ length: 10 }, (_, d) => {
      const row = el('div', 'ld-bar');
      const fill = el('span', 'ld-bar__fill');
      const value = el('span', 'ld-bar__value', '');
      const track = el('span', 'ld-bar__track');
      track.append(fill);
      row.append(el('span', 'ld-bar__digit', String(d)), track, value);
      chart.append(row);
      return { row, fill, value };
    });
    const seen = el('figure', 'ld-seen');
    const input = el('canvas', 'ld-map ld-seen__map', null, { width: SIDE, height: SIDE });
    seen.append(input, el('figcaption', null, t.seen));
    right.append(verdict, status, el('p', 'ld-title', t.probabilities), chart, seen);
    top.append(left, right);

    // Every hidden layer's output: feature maps for the spatial ones, grids of cells for the dense ones
    // (Flatten only reorders; the output layer is the bars).
    const maps = el('div', 'ld-layers');
    const hidden = net.layers.slice(0, -1).filter((layer) => layer.type !== 'flatten');
    const views = hidden.map((layer) => {
      const shape = layer.output_shape;
      const box = el('div', `ld-layer ld-layer--${shape.length === 3 ? 'maps' : 'dense'}`);
      box.append(el('p', 'ld-title', t.layer(layer.name, shapeText(shape))));
      const grid = el('div', 'ld-grid');
      const canvases = shape.length === 3
        ? Array.from({ length: shape[2] }, () => el('canvas', 'ld-map', null, { width: shape[1], height: shape[0] }))
        : [el('canvas', 'ld-map', null, { width: Math.min(shape[0], 12), height: Math.ceil(shape[0] / 12) })];
      canvases.forEach((c) => {
        // A whole number of screen pixels per value, about MAP pixels wide, so the cells stay square and sharp.
        c.style.width = `${c.width * Math.max(1, Math.round((shape.length === 3 ? MAP : DENSE) / c.width))}px`;
        grid.append(c);
      });
      box.append(grid);
      return { layer, shape, box, canvases };
    });
    const spatial = views.filter((v) => v.shape.length === 3);
    const flat = views.filter((v) => v.shape.length === 1);
    maps.append(el('p', 'ld-title ld-section', t.maps), ...spatial.map((v) => v.box));
    maps.append(el('p', 'ld-title ld-section', t.dense), ...flat.map((v) => v.box));
    maps.append(el('p', 'ld-note', t.scale));
    replaceContent(root, top, maps);

    function show(pixels) {
      if (!pixels) {
        verdict.textContent = t.empty;
        bars.forEach((b) => {
          b.fill.style.width = '0';
          b.value.textContent = '';
          b.row.classList.remove('ld-bar--top');
        });
        [input, ...views.flatMap((v) => v.canvases)].forEach((c) => {
          c.getContext('2d').clearRect(0, 0, c.width, c.height);
        });
        root.dataset.prediction = '';
        return;
      }
      const outputs = forward(pixels);
      const probabilities = outputs[outputs.length - 1].values;
      const best = probabilities.indexOf(Math.max(...probabilities));
      verdict.textContent = t.prediction(best, percent(probabilities[best], lang));
      root.dataset.prediction = String(best);
      bars.forEach((b, d) => {
        b.fill.style.width = `${(100 * probabilities[d]).toFixed(1)}%`;
        b.value.textContent = percent(probabilities[d], lang);
        b.row.classList.toggle('ld-bar--top', d === best);
      });
      paint(input, pixels, [SIDE, SIDE, 1], 0, 1, true);
      views.forEach((view) => {
        const values = outputs.find((o) => o.name === view.layer.name).values;
        const largest = values.reduce((a, b) => Math.max(a, b), 0);
        if (view.shape.length === 3) {
          view.canvases.forEach((c, ch) => paint(c, values, view.shape, ch, largest));
        } else {
          const c = view.canvases[0];
          const cells = new Float32Array(c.width * c.height);
          cells.set(values);
          paint(c, cells, [c.height, c.width, 1], 0, largest);
        }
      });
    }

    function update() {
      const image = ctx.getImageData(0, 0, PAD, PAD);
      let pixels;
      try {
        pixels = preprocess(image);
      } catch (error) {
        if (!(error instanceof NoDigit)) throw error;
        show(null);
        verdict.textContent = t.noDigit;
        return;
      }
      show(pixels);
    }

    let pending = false;
    function schedule() {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        update();
      });
    }

    function announce() {
      status.textContent = verdict.textContent;
    }

    function wipe() {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, PAD, PAD);
    }

    function showSample(sample) {
      // The pad shows the digit enlarged; the network gets the exact MNIST pixels.
      const small = document.createElement('canvas');
      small.width = SIDE;
      small.height = SIDE;
      const image = small.getContext('2d').createImageData(SIDE, SIDE);
      sample.pixels.forEach((v, i) => image.data.set([255 * v, 255 * v, 255 * v, 255], 4 * i));
      small.getContext('2d').putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, PAD, PAD);
      show(sample.pixels);
      announce();
    }

    // Drawing with pointer events: mouse, touch and pen alike.
    let last = null;
    const at = (event) => {
      const box = pad.getBoundingClientRect();
      return [(event.clientX - box.left) * (PAD / box.width), (event.clientY - box.top) * (PAD / box.height)];
    };
    const line = (from, to) => {
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = STROKE;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.beginPath();
      ctx.moveTo(...from);
      ctx.lineTo(...to);
      ctx.stroke();
    };
    pad.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      pad.setPointerCapture(event.pointerId);
      last = at(event);
      line(last, last);
      schedule();
    });
    pad.addEventListener('pointermove', (event) => {
      if (!last) return;
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      (events.length ? events : [event]).forEach((e) => {
        const next = at(e);
        line(last, next);
        last = next;
      });
      schedule();
    });
    const stop = () => {
      if (last) requestAnimationFrame(announce); // after the frame that shows the finished stroke
      last = null;
    };
    pad.addEventListener('pointerup', stop);
    pad.addEventListener('pointercancel', stop);
    clear.addEventListener('click', () => {
      wipe();
      show(null);
      announce();
    });
    wipe();
    show(null);
  }

  /** Load the weights, then mount root; tell the reader if they do not come. */
  function start(root) {
    const t = LABELS[pageLanguage()];
    load().then(() => mount(root), () => {
      root.classList.remove('ld-waiting');
      replaceContent(root, el('p', 'ld-error', t.missing));
    });
  }

  /** Get every pad on the page ready: each loads the weights and mounts once it comes near the screen. */
  function mountAll() {
    document.querySelectorAll('.lenet-demo:not(.ld-waiting):not(.ld-ready)').forEach((root) => {
      root.classList.add('ld-waiting');
      replaceContent(root, el('p', 'ld-loading', LABELS[pageLanguage()].loading));
      if (!('IntersectionObserver' in window)) {
        start(root);
        return;
      }
      const watcher = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          watcher.disconnect();
          start(root);
        }
      }, { rootMargin: `${NEAR} 0px` });
      watcher.observe(root);
    });
  }

  window.lenetDemo = { load, predict, layers, preprocess, mountAll };
  if (typeof document === 'undefined') return;
  // Material's document$ fires on every page load (also with instant navigation); otherwise wait for the DOM.
  if (window.document$ && typeof window.document$.subscribe === 'function') {
    window.document$.subscribe(mountAll);
  } else if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mountAll);
  } else {
    mountAll();
  }
})();
