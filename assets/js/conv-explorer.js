// Interactive convolution explorer: <div class="conv-explorer"> on a lesson page becomes an editable
// input and kernel, the padded input with the current window highlighted, the sum computed there term
// by term, and the output grid. Plain JavaScript, no dependencies; labels follow <html lang>.
//
// Optional attributes on the div: data-padding="valid|same|full", data-stride="1|2",
// data-flip="true|false" (true: convolution, the kernel rotated by 180°; false: cross-correlation),
// data-input and data-kernel (the starting numbers as JSON, in the layouts of compute).
//
// Two more modes:
// - data-channels="3" (1 to 4; data-kernels="1" to "3" output channels): a layer. Each input channel
//   is shown with its kernel slice; stepping writes each channel's partial sum p and their total.
//   Cross-correlation unless data-flip="true", as in a layer.
// - data-mode="backward": the backward pass of Y = X ⋆ K (cross-correlation, valid, stride 1). The
//   output error ∂L/∂Y (editable, data-error; by default 1 at the centre) is shown padded with k - 1
//   zeros; stepping over the input slides the flipped kernel K′ over it and writes the input gradient
//   ∂L/∂X there term by term; the weight gradient ∂L/∂K = X ⋆ ∂L/∂Y is shown beside it.
//
// window.convExplorer.compute(input, kernel, {flip, padding, stride}) with 2-D arrays returns the
// output as a 2-D array. It matches scipy.signal.convolve2d (flip true) or correlate2d (flip false)
// with the same mode, taking every stride-th row and column: scipy_result[::stride, ::stride], zero
// padding. That holds for even kernels too ("same" puts the odd zero where SciPy does, see
// padAmounts). Where the kernel is larger than the input, "valid" gives [] (no position fits; SciPy
// swaps the arrays).
//
// With channels, compute(input, kernel, {flip, padding, stride, groups}) takes input[C_in][H][W] and
// kernel[C_out][C_in / groups][k][k] and returns output[C_out][H_out][W_out], as a convolution layer
// computes it (tf.nn.conv2d with the layouts transposed, no bias): output channel o sees the C_in /
// groups input channels of its group, one kernel slice each, and adds up their sums. flip rotates
// each slice by 180°. Here "same" follows TensorFlow: max((ceil(n/s) - 1)·s + k - n, 0) zeros in
// all along an axis, the odd one at the bottom or right (so with stride > 1 or an even kernel it may
// differ from the 2-D call, which keeps SciPy's centring). "full" pads k - 1 on every side.
//
// window.convExplorer.backward(input, kernel, gradOutput, {padding, stride, groups}) returns
// {dInput, dKernel}, the gradients of sum(output · gradOutput) for the cross-correlation (flip false,
// as the frameworks compute it) in the layouts of input and kernel: dKernel is the cross-correlation
// of the input with the output error, dInput the error spread back through the kernel (a full
// convolution when the stride is 1).
(function () {
  'use strict';

  // The image and kernel of the convolution lesson (IMAGE and KERNEL in scripts/make_fragments.py).
  const DEFAULT_INPUT = [
    [10, 10, 10, 10, 10],
    [10, 5, 5, 5, 10],
    [10, 5, 5, 5, 10],
    [10, 5, 5, 5, 10],
    [10, 10, 10, 10, 10],
  ];
  const DEFAULT_KERNEL = [
    [-1, -1, 0],
    [-1, 0, 1],
    [0, 1, 1],
  ];
  // The channels mode: three small maps (R, G, B) and a kernel slice for each.
  const DEFAULT_CHANNELS = [
    [[1, 1, 1, 1, 1], [1, 3, 3, 3, 1], [1, 3, 3, 3, 1], [1, 3, 3, 3, 1], [1, 1, 1, 1, 1]],
    [[2, 2, 0, 0, 0], [2, 2, 0, 0, 0], [2, 2, 1, 0, 0], [0, 0, 1, 2, 2], [0, 0, 0, 2, 2]],
    [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]],
  ];
  const DEFAULT_SLICES = [
    [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
  ];
  const PADDINGS = ['valid', 'same', 'full'];
  const STRIDES = [1, 2];
  const INPUT_SIZES = [3, 4, 5, 6, 7, 8];
  const KERNEL_SIZES = [1, 3, 5];
  const PLAY_MS = 900;

  const LABELS = {
    en: {
      widget: 'Convolution explorer',
      operation: 'Operation',
      convolution: 'Convolution (kernel flipped)',
      correlation: 'Cross-correlation (no flip)',
      padding: 'Padding',
      valid: 'valid (no zeros)',
      same: 'same (output as large as input)',
      full: 'full (every overlap)',
      stride: 'Stride',
      inputSize: 'Input size',
      kernelSize: 'Kernel size',
      input: 'Input',
      inputNote: ' (padding zeros dashed, the window highlighted)',
      kernel: 'Kernel K',
      flipped: 'Flipped kernel K′ (rotated 180°), the one applied',
      applied: ' (the one applied)',
      output: 'Output',
      prev: 'Previous',
      next: 'Next',
      play: 'Play',
      pause: 'Pause',
      reset: 'Reset',
      position: (i, total, r, c) => `Position ${i} of ${total}: output row ${r}, column ${c} (counted from 0)`,
      empty: 'The kernel does not fit anywhere: no output.',
      hint: 'With the explorer focused, ← and → step through the positions; edit any number.',
      inputCell: 'Input',
      kernelCell: 'Kernel',
      cell: (what, r, c) => `${what}, row ${r}, column ${c}`,
      // The channels mode.
      channel: (i, name) => (name ? `Input channel ${i} (${name})` : `Input channel ${i}`),
      slice: (o, j, name, many) => `${many ? `Kernel ${o}, slice` : 'Kernel slice'} ${j}${name ? ` (${name})` : ''}`,
      rotated: ' (rotated 180° when applied)',
      outputChannel: (o, rows, cols) => `Output channel ${o}: ${rows} × ${cols}`,
      channelPosition: (i, total, o, r, c) =>
        `Position ${i} of ${total}: output channel ${o}, row ${r}, column ${c} (rows and columns counted from 0)`,
      channelHint: 'Each input channel has its own kernel slice; their partial sums p add up into one output value. '
        + 'With the explorer focused, ← and → step through the positions; edit any number.',
      // The backward mode.
      layerNote: ' (the layer computes the cross-correlation Y = X ⋆ K)',
      error: 'Output error ∂L/∂Y',
      errorNote: ' (padded with k − 1 zeros, the window highlighted; edit any value)',
      errorCell: 'Output error',
      flippedBack: 'Flipped kernel K′ (rotated 180°), applied to the error',
      dInput: 'Input gradient ∂L/∂X',
      dKernel: 'Weight gradient ∂L/∂K',
      dKernelNote: ' = X ⋆ ∂L/∂Y, the input cross-correlated with the error',
      inputPosition: (i, total, y, x) => `Input position ${i} of ${total}: row ${y}, column ${x} (counted from 0)`,
      backwardHint: 'Put an error on an output position (say 1, the rest 0) and step through the input with ← and →: '
        + 'each input gradient adds up the errors in its window weighted by the flipped kernel K′, '
        + 'the full convolution of the error with K.',
    },
    zh: {
      widget: '卷积演示',
      operation: '运算',
      convolution: '卷积（翻转卷积核）',
      correlation: '互相关（不翻转）',
      padding: '填充',
      valid: 'valid（不补零）',
      same: 'same（输出与输入一样大）',
      full: 'full（所有重叠位置）',
      stride: '步幅',
      inputSize: '输入大小',
      kernelSize: '卷积核大小',
      input: '输入',
      inputNote: '（虚线格为补上的零，高亮处为当前窗口）',
      kernel: '卷积核 K',
      flipped: '翻转后的卷积核 K′（旋转 180°），实际参与计算',
      applied: '（实际参与计算）',
      output: '输出',
      prev: '上一步',
      next: '下一步',
      play: '播放',
      pause: '暂停',
      reset: '恢复默认',
      position: (i, total, r, c) => `第 ${i} 个位置，共 ${total} 个：输出第 ${r} 行、第 ${c} 列（从 0 起数）`,
      empty: '卷积核在任何位置都放不下：没有输出。',
      hint: '焦点在演示区内时，可以用 ← 和 → 键逐个位置移动；每个数字都可以修改。',
      inputCell: '输入',
      kernelCell: '卷积核',
      cell: (what, r, c) => `${what}第 ${r} 行、第 ${c} 列`,
      channel: (i, name) => (name ? `输入通道 ${i}（${name}）` : `输入通道 ${i}`),
      slice: (o, j, name, many) => `${many ? `第 ${o} 个卷积核` : '卷积核'}的第 ${j} 个通道${name ? `（${name}）` : ''}`,
      rotated: '（计算时旋转 180°）',
      outputChannel: (o, rows, cols) => `输出通道 ${o}：${rows} × ${cols}`,
      channelPosition: (i, total, o, r, c) =>
        `第 ${i} 个位置，共 ${total} 个：输出通道 ${o}、第 ${r} 行、第 ${c} 列（行列从 0 起数）`,
      channelHint: '每个输入通道都有自己的一片卷积核，各通道的部分和 p 相加得到一个输出值。'
        + '焦点在演示区内时，可以用 ← 和 → 键逐个位置移动；每个数字都可以修改。',
      layerNote: '（该层计算互相关 Y = X ⋆ K）',
      error: '输出误差 ∂L/∂Y',
      errorNote: '（四周补 k − 1 圈零，高亮处为当前窗口；每个值都可以修改）',
      errorCell: '输出误差',
      flippedBack: '翻转后的卷积核 K′（旋转 180°），作用在误差上',
      dInput: '输入梯度 ∂L/∂X',
      dKernel: '权重梯度 ∂L/∂K',
      dKernelNote: ' = X ⋆ ∂L/∂Y，即输入与误差的互相关',
      inputPosition: (i, total, y, x) => `第 ${i} 个输入位置，共 ${total} 个：第 ${y} 行、第 ${x} 列（从 0 起数）`,
      backwardHint: '在某个输出位置填入误差（例如 1，其余为 0），再用 ← 和 → 键逐个输入位置移动：'
        + '每个输入梯度是窗口内的误差按翻转后的卷积核 K′ 加权相加，也就是误差与 K 的 full 卷积。',
    },
  };

  // ---- Arithmetic --------------------------------------------------------------------------

  /** The matrix rotated by 180°: rows and columns both reversed. */
  function rot180(matrix) {
    return matrix.map((row) => row.slice().reverse()).reverse();
  }

  /**
   * Zeros added [before, after] along one axis for a kernel of side k.
   * "same" keeps the output as large as the input, like SciPy: with an odd kernel it pads (k-1)/2 on
   * both sides; with an even kernel the extra zero goes before for convolution and after for
   * cross-correlation (SciPy centres the "full" output that way).
   */
  function padAmounts(k, padding, flip) {
    if (padding === 'valid') return [0, 0];
    if (padding === 'full') return [k - 1, k - 1];
    const small = Math.floor((k - 1) / 2);
    const large = k - 1 - small;
    return flip ? [large, small] : [small, large];
  }

  /** Number of window positions along one axis (0 when the kernel does not fit). */
  function positions(n, before, after, k, stride) {
    const room = n + before + after - k;
    return room < 0 ? 0 : Math.floor(room / stride) + 1;
  }

  /** Checked options with their defaults: convolution, valid, stride 1. */
  function normalise(options) {
    const flip = options.flip === undefined ? true : Boolean(options.flip);
    const padding = options.padding === undefined ? 'valid' : String(options.padding);
    const stride = options.stride === undefined ? 1 : Number(options.stride);
    if (!PADDINGS.includes(padding)) throw new Error(`padding must be one of ${PADDINGS.join(', ')}`);
    if (!Number.isInteger(stride) || stride < 1) throw new Error('stride must be a positive integer');
    return { flip, padding, stride };
  }

  /** Everything about one configuration: the kernel applied, the padding and the output size. */
  function layout(input, kernel, options) {
    const { flip, padding, stride } = normalise(options);
    const h = input.length;
    const w = h ? input[0].length : 0;
    const kh = kernel.length;
    const kw = kh ? kernel[0].length : 0;
    const [top, bottom] = padAmounts(kh, padding, flip);
    const [left, right] = padAmounts(kw, padding, flip);
    return {
      applied: flip ? rot180(kernel) : kernel,
      top, left,
      paddedRows: h + top + bottom,
      paddedCols: w + left + right,
      rows: positions(h, top, bottom, kh, stride),
      cols: positions(w, left, right, kw, stride),
      stride,
    };
  }

  /** The products summed at output (r, c): padded coordinates, pixel value and kernel weight. */
  function terms(input, geo, r, c) {
    const out = [];
    geo.applied.forEach((kernelRow, a) => {
      kernelRow.forEach((weight, b) => {
        const pr = r * geo.stride + a;
        const pc = c * geo.stride + b;
        const row = input[pr - geo.top];
        const value = row === undefined || row[pc - geo.left] === undefined ? 0 : row[pc - geo.left];
        out.push({ pr, pc, value, weight });
      });
    });
    return out;
  }

  /** The output grid of one map, as a 2-D array of plain numbers. */
  function compute2d(input, kernel, options = {}) {
    const geo = layout(input, kernel, options);
    const result = [];
    for (let r = 0; r < geo.rows; r += 1) {
      const row = [];
      for (let c = 0; c < geo.cols; c += 1) {
        row.push(terms(input, geo, r, c).reduce((sum, t) => sum + t.value * t.weight, 0));
      }
      result.push(row);
    }
    return result;
  }

  // ---- Channels: input[C_in][H][W], kernel[C_out][C_in / groups][k][k] -----------------------

  /** True for a stack of maps (input[C][H][W]) rather than one map (input[H][W]). */
  function hasChannels(input) {
    return Array.isArray(input) && Array.isArray(input[0]) && Array.isArray(input[0][0]);
  }

  /** Zeros [before, after] along an axis of n for a kernel of side k: TensorFlow's rule for "same". */
  function layerPadAmounts(n, k, padding, stride) {
    if (padding === 'valid') return [0, 0];
    if (padding === 'full') return [k - 1, k - 1];
    const all = Math.max((Math.ceil(n / stride) - 1) * stride + k - n, 0);
    return [Math.floor(all / 2), all - Math.floor(all / 2)];
  }

  /** Checked shapes and options of a layer: channels, groups, kernel side, padding, output size. */
  function layerLayout(input, kernel, options) {
    const { flip, padding, stride } = normalise(options);
    const groups = options.groups === undefined ? 1 : Number(options.groups);
    if (!hasChannels(input)) throw new Error('input must be [C_in][H][W]');
    if (!Array.isArray(kernel) || !hasChannels(kernel[0])) throw new Error('kernel must be [C_out][C_in / groups][k][k]');
    const inChannels = input.length;
    const outChannels = kernel.length;
    const h = input[0].length;
    const w = input[0][0].length;
    const k = kernel[0][0].length;
    if (!Number.isInteger(groups) || groups < 1) throw new Error('groups must be a positive integer');
    if (inChannels % groups || outChannels % groups) throw new Error('groups must divide C_in and C_out');
    if (input.some((map) => map.length !== h || map.some((row) => row.length !== w))) {
      throw new Error('every input channel must be H × W');
    }
    if (kernel.some((slices) => slices.length !== inChannels / groups
      || slices.some((s) => s.length !== k || s.some((row) => row.length !== k)))) {
      throw new Error('kernel must be [C_out][C_in / groups][k][k], square');
    }
    const [top, bottom] = layerPadAmounts(h, k, padding, stride);
    const [left, right] = layerPadAmounts(w, k, padding, stride);
    return {
      flip, stride, groups, inChannels, outChannels, h, w, k, top, left,
      inPerGroup: inChannels / groups,
      outPerGroup: outChannels / groups,
      paddedRows: h + top + bottom,
      paddedCols: w + left + right,
      rows: positions(h, top, bottom, k, stride),
      cols: positions(w, left, right, k, stride),
    };
  }

  /**
   * The products summed at output channel o, position (r, c): for each slice j of kernel o (input
   * channel ch of o's group) and each weight (a, b) of it, the pixel at (y, x) (0 in the padding).
   */
  function layerTerms(input, kernel, geo, o, r, c) {
    const out = [];
    const first = Math.floor(o / geo.outPerGroup) * geo.inPerGroup;
    for (let j = 0; j < geo.inPerGroup; j += 1) {
      const weights = geo.flip ? rot180(kernel[o][j]) : kernel[o][j];
      for (let a = 0; a < geo.k; a += 1) {
        for (let b = 0; b < geo.k; b += 1) {
          const y = r * geo.stride + a - geo.top;
          const x = c * geo.stride + b - geo.left;
          const inside = y >= 0 && y < geo.h && x >= 0 && x < geo.w;
          out.push({ j, ch: first + j, a, b, y, x, inside, value: inside ? input[first + j][y][x] : 0, weight: weights[a][b] });
        }
      }
    }
    return out;
  }

  /** An array of n fresh values made by make(i). */
  function fill(n, make) {
    return Array.from({ length: n }, (_, i) => make(i));
  }

  /** The layer's output[C_out][H_out][W_out]. */
  function computeLayer(input, kernel, options) {
    const geo = layerLayout(input, kernel, options);
    return fill(geo.outChannels, (o) => fill(geo.rows, (r) => fill(geo.cols, (c) =>
      layerTerms(input, kernel, geo, o, r, c).reduce((sum, t) => sum + t.value * t.weight, 0))));
  }

  /** The output: one map from one map (SciPy's rules), or a layer's channels from channels. */
  function compute(input, kernel, options = {}) {
    return hasChannels(input) ? computeLayer(input, kernel, options) : compute2d(input, kernel, options);
  }

  /**
   * Gradients of the loss with respect to the input and the kernel, given its gradient with respect to
   * the output. Each output value y = Σ pixel · weight sends gradOutput · weight back to each pixel of
   * its window and gradOutput · pixel to each weight.
   */
  function backward(input, kernel, gradOutput, options = {}) {
    if (options.flip) throw new Error('backward is for cross-correlation (flip false), as the frameworks compute it');
    const geo = layerLayout(input, kernel, { ...options, flip: false });
    if (!Array.isArray(gradOutput) || gradOutput.length !== geo.outChannels
      || gradOutput.some((map) => map.length !== geo.rows || map.some((row) => row.length !== geo.cols))) {
      throw new Error(`gradOutput must be [${geo.outChannels}][${geo.rows}][${geo.cols}], the output's shape`);
    }
    const dInput = fill(geo.inChannels, () => fill(geo.h, () => fill(geo.w, () => 0)));
    const dKernel = fill(geo.outChannels, () => fill(geo.inPerGroup, () => fill(geo.k, () => fill(geo.k, () => 0))));
    for (let o = 0; o < geo.outChannels; o += 1) {
      for (let r = 0; r < geo.rows; r += 1) {
        for (let c = 0; c < geo.cols; c += 1) {
          const g = gradOutput[o][r][c];
          layerTerms(input, kernel, geo, o, r, c).forEach(({ j, ch, a, b, y, x, inside, value, weight }) => {
            if (inside) dInput[ch][y][x] += g * weight;
            dKernel[o][j][a][b] += g * value;
          });
        }
      }
    }
    return { dInput, dKernel };
  }

  // ---- Display helpers ---------------------------------------------------------------------

  /** A number for display: at most three decimals, a real minus sign. */
  function fmt(x) {
    const rounded = Math.round(x * 1000) / 1000;
    return String(rounded === 0 ? 0 : rounded).replace('-', '\u2212');
  }

  /** A factor for a written-out product: negative numbers in parentheses. */
  function factor(x) {
    return x < 0 ? `(${fmt(x)})` : fmt(x);
  }

  /** A new element with a class, text and attributes. */
  function el(tag, className, text, attrs) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }

  /** A labelled <select> with (value, text) options; its value is set by the caller. */
  function select(label, options, onChange) {
    const wrap = el('label', 'cx-field');
    wrap.append(el('span', 'cx-field__label', label));
    const box = el('select');
    options.forEach(([v, text]) => {
      const option = el('option', null, text, { value: String(v) });
      box.append(option);
    });
    box.addEventListener('change', () => onChange(box.value));
    wrap.append(box);
    return { wrap, box };
  }

  /** A matrix of rows × cols taking the overlapping part of `old`, aligned by centres if asked. */
  function resize(old, rows, centred, cols = rows) {
    const shift = centred ? Math.floor((old.length - rows) / 2) : 0;
    return Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => {
        const row = old[r + shift];
        return row === undefined || row[c + shift] === undefined ? 0 : row[c + shift];
      }),
    );
  }

  /** A deep copy of nested arrays of numbers. */
  function copy(value) {
    return Array.isArray(value) ? value.map(copy) : value;
  }

  /** The page's language for LABELS: 'zh' or 'en'. */
  function pageLanguage() {
    return (document.documentElement.lang || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }

  /** A titled panel in `panels` holding one grid of cells, scrolled sideways when wider than the page. */
  function panel(panels, title, note, rows, cols, makeCell) {
    const box = el('div', 'cx-panel');
    const heading = el('p', 'cx-panel__title', title);
    if (note) heading.append(el('span', 'cx-panel__note', note));
    const scroll = el('div', 'cx-scroll');
    const grid = el('div', 'cx-grid', null, { role: 'group', 'aria-label': title });
    grid.style.setProperty('--cx-cols', String(cols));
    const cells = [];
    for (let r = 0; r < rows; r += 1) {
      const line = [];
      for (let c = 0; c < cols; c += 1) {
        const cell = makeCell(r, c);
        grid.append(cell);
        line.push(cell);
      }
      cells.push(line);
    }
    scroll.append(grid);
    box.append(heading, scroll);
    panels.append(box);
    return cells;
  }

  /** An editable cell bound to matrix()[r][c], labelled `label`; onEdit() runs after each valid edit. */
  function numberCell(matrix, r, c, label, onEdit) {
    const cell = el('div', 'cx-cell cx-cell--edit');
    const field = el('input', null, null, { type: 'number', step: 'any', 'aria-label': label });
    field.value = String(matrix()[r][c]);
    field.addEventListener('input', () => {
      const value = field.value.trim() === '' ? NaN : Number(field.value);
      field.setAttribute('aria-invalid', String(!Number.isFinite(value)));
      if (Number.isFinite(value)) {
        matrix()[r][c] = value;
        onEdit();
      }
    });
    field.addEventListener('change', () => {
      field.value = String(matrix()[r][c]);
      field.setAttribute('aria-invalid', 'false');
    });
    cell.append(field);
    return cell;
  }

  /**
   * A map shown with its zero padding: editable cells inside (labelled by label(r, c)), dashed zeros
   * around, each cell with room for the weight that multiplies it. Cells carry their padded row and column.
   */
  function paddedPanel(panels, title, note, matrix, pad, label, onEdit) {
    const rows = matrix().length;
    const cols = rows ? matrix()[0].length : 0;
    return panel(panels, title, note, rows + pad.top + pad.bottom, cols + pad.left + pad.right, (pr, pc) => {
      const r = pr - pad.top;
      const c = pc - pad.left;
      const cell = r >= 0 && r < rows && c >= 0 && c < cols
        ? numberCell(matrix, r, c, label(r, c), onEdit)
        : el('div', 'cx-cell cx-cell--pad', '0', { 'aria-hidden': 'true' });
      cell.dataset.row = String(pr);
      cell.dataset.col = String(pc);
      cell.append(el('span', 'cx-weight', null, { 'aria-hidden': 'true' }));
      return cell;
    });
  }

  /** Highlight the window: cells[pr][pc] for each {pr, pc, weight}, the weight written under the cell. */
  function markWindow(cells, window) {
    cells.forEach((line) => line.forEach((cell) => {
      cell.classList.remove('is-window');
      cell.querySelector('.cx-weight').textContent = '';
    }));
    window.forEach(({ pr, pc, weight }) => {
      const cell = cells[pr][pc];
      cell.classList.add('is-window');
      cell.querySelector('.cx-weight').textContent = `×${fmt(weight)}`;
    });
  }

  /** Display cells of a grid set to values[r][c], the one at `current` ([r, c]) marked. */
  function showValues(cells, values, current) {
    cells.forEach((line, r) => line.forEach((cell, c) => {
      cell.textContent = fmt(values[r][c]);
      cell.dataset.value = String(values[r][c]);
      cell.classList.toggle('is-current', Boolean(current) && current[0] === r && current[1] === c);
    }));
  }

  /** Append `name(sub) = a·b + c·d + … = total` to `target`, the total also as its data-value. */
  function writeSum(target, name, sub, products, value) {
    const lhs = el('span', 'cx-sum__lhs', name);
    lhs.append(el('sub', null, sub));
    const text = products.map(([x, w]) => `${fmt(x)}·${factor(w)}`).join(' + ');
    target.append(lhs, ` = ${text} = `, el('strong', 'cx-sum__total', fmt(value), { 'data-value': String(value) }));
  }

  /**
   * The operation, padding and stride menus of the forward modes: each change updates `state` and
   * rebuilds (`rebuild(true)` when the output's size may change). `operations` sets the menu's order.
   */
  function optionMenus(t, state, rebuild, operations) {
    const operation = select(t.operation, operations, (v) => {
      state.flip = v === 'true';
      rebuild();
    });
    const padding = select(t.padding, PADDINGS.map((p) => [p, t[p]]), (v) => {
      state.padding = v;
      rebuild(true);
    });
    const stride = select(t.stride, STRIDES.map((s) => [s, String(s)]), (v) => {
      state.stride = Number(v);
      rebuild(true);
    });
    return { operation, padding, stride };
  }

  /** Put copies of the page's numbers and options back into `state` (the forward modes' Reset). */
  function restoreForward(state, initial) {
    Object.assign(state, { input: copy(initial.input), kernel: copy(initial.kernel), flip: initial.flip,
      padding: initial.padding, stride: initial.stride });
  }

  /**
   * The frame every mode shares: controls, the stepping buttons, the sum, the panels and a hint, with
   * arrow keys, Home and End stepping while focus is in the widget (except in a field that needs them).
   * The mode sets steps.total() (number of positions), steps.show() (draw position steps.pos) and
   * steps.restore() (back to the page's values).
   */
  function frame(root, t, hintText) {
    const controls = el('div', 'cx-controls');
    const stepper = el('div', 'cx-step');
    const prev = el('button', 'cx-button', t.prev, { type: 'button' });
    const next = el('button', 'cx-button', t.next, { type: 'button' });
    const play = el('button', 'cx-button', t.play, { type: 'button', 'aria-pressed': 'false' });
    const reset = el('button', 'cx-button cx-button--quiet', t.reset, { type: 'button' });
    const where = el('span', 'cx-where');
    stepper.append(prev, next, play, reset, where);

    const sum = el('p', 'cx-sum', null, { 'aria-live': 'polite', 'aria-atomic': 'true' });
    const panels = el('div', 'cx-panels');
    const hintId = `cx-hint-${document.querySelectorAll('.cx-hint').length + 1}`;
    const hint = el('p', 'cx-hint', hintText, { id: hintId });

    root.textContent = '';
    root.classList.add('cx-ready');
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', t.widget);
    root.setAttribute('aria-describedby', hintId);
    root.tabIndex = 0;
    root.append(controls, stepper, sum, panels, hint);

    const steps = { pos: 0, timer: null, total: () => 0, show: () => {}, restore: () => {} };

    /** Enable the buttons for the current position (the mode calls this from show()). */
    steps.buttons = () => {
      prev.disabled = steps.pos <= 0;
      next.disabled = steps.pos >= steps.total() - 1;
      play.disabled = steps.total() <= 1;
    };

    /** Move to position i (clamped). */
    steps.go = (i) => {
      steps.pos = Math.max(0, Math.min(steps.total() - 1, i));
      steps.show();
    };

    steps.stop = () => {
      if (steps.timer !== null) clearInterval(steps.timer);
      steps.timer = null;
      play.textContent = t.play;
      play.setAttribute('aria-pressed', 'false');
    };

    function start() {
      if (steps.pos >= steps.total() - 1) steps.go(0);
      play.textContent = t.pause;
      play.setAttribute('aria-pressed', 'true');
      steps.timer = setInterval(() => {
        steps.go(steps.pos + 1);
        if (steps.pos >= steps.total() - 1) steps.stop();
      }, PLAY_MS);
    }

    prev.addEventListener('click', () => { steps.stop(); steps.go(steps.pos - 1); });
    next.addEventListener('click', () => { steps.stop(); steps.go(steps.pos + 1); });
    play.addEventListener('click', () => (steps.timer === null ? start() : steps.stop()));
    reset.addEventListener('click', () => steps.restore());

    root.addEventListener('keydown', (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest('input, select, textarea')) return;
      const moves = {
        ArrowRight: steps.pos + 1,
        ArrowDown: steps.pos + 1,
        ArrowLeft: steps.pos - 1,
        ArrowUp: steps.pos - 1,
        Home: 0,
        End: steps.total() - 1,
      };
      if (!(event.key in moves)) return;
      event.preventDefault();
      steps.stop();
      steps.go(moves[event.key]);
    });

    return { controls, sum, panels, where, steps };
  }

  /** Numbers from a data-* attribute holding JSON, if they have the expected depth; otherwise null. */
  function dataNumbers(root, name, depth) {
    try {
      const value = JSON.parse(root.dataset[name] || 'null');
      let inner = value;
      for (let d = 0; d < depth; d += 1) {
        if (!Array.isArray(inner) || inner.length === 0) return null;
        inner = inner[0];
      }
      return typeof inner === 'number' ? value : null;
    } catch (error) {
      return null;
    }
  }

  // ---- Mode 1: one map, forward (the default) ------------------------------------------------

  /** Turn one <div class="conv-explorer"> into the explorer of one map. */
  function mountSingle(root) {
    const t = LABELS[pageLanguage()];
    const initial = {
      input: dataNumbers(root, 'input', 2) || DEFAULT_INPUT,
      kernel: dataNumbers(root, 'kernel', 2) || DEFAULT_KERNEL,
      flip: root.dataset.flip !== 'false',
      padding: PADDINGS.includes(root.dataset.padding) ? root.dataset.padding : 'valid',
      stride: STRIDES.includes(Number(root.dataset.stride)) ? Number(root.dataset.stride) : 1,
    };
    const state = {}; // input, kernel and options are set by restore()
    let geo = null;
    let view = null; // the DOM nodes of the grids, rebuilt when sizes or options change
    const { controls, sum, panels, where, steps } = frame(root, t, t.hint);

    function options() {
      return { flip: state.flip, padding: state.padding, stride: state.stride };
    }

    steps.total = () => geo.rows * geo.cols;

    // Controls.
    const { operation, padding, stride } = optionMenus(t, state, rebuild,
      [['true', t.convolution], ['false', t.correlation]]);
    const inputSize = select(t.inputSize, INPUT_SIZES.map((n) => [n, `${n} × ${n}`]), (v) => {
      const n = Number(v);
      state.input = resize(state.input, n, false);
      if (state.kernel.length > n) {
        // The kernel must fit: the largest size offered that is not larger than the input.
        state.kernel = resize(state.kernel, Math.max(...KERNEL_SIZES.filter((k) => k <= n)), true);
      }
      rebuild(true);
    });
    const kernelSize = select(t.kernelSize, KERNEL_SIZES.map((k) => [k, `${k} × ${k}`]), (v) => {
      state.kernel = resize(state.kernel, Number(v), true);
      rebuild(true);
    });
    controls.append(operation.wrap, padding.wrap, stride.wrap, inputSize.wrap, kernelSize.wrap);

    /** Recreate the grids for the current sizes and options; `restart` goes back to position 0. */
    function rebuild(restart) {
      steps.stop();
      geo = layout(state.input, state.kernel, options());
      if (restart || steps.pos >= steps.total()) steps.pos = 0;
      operation.box.value = String(state.flip);
      padding.box.value = state.padding;
      stride.box.value = String(state.stride);
      inputSize.box.value = String(state.input.length);
      kernelSize.box.value = String(state.kernel.length);
      Array.from(kernelSize.box.options).forEach((o) => {
        o.disabled = Number(o.value) > state.input.length;
      });

      panels.textContent = '';
      const pad = {
        top: geo.top, left: geo.left,
        bottom: geo.paddedRows - geo.top - state.input.length,
        right: geo.paddedCols - geo.left - state.input[0].length,
      };
      const input = paddedPanel(panels, t.input, t.inputNote, () => state.input, pad,
        (r, c) => t.cell(t.inputCell, r, c), refresh);
      const k = state.kernel.length;
      panel(panels, t.kernel, state.flip ? null : t.applied, k, k,
        (r, c) => numberCell(() => state.kernel, r, c, t.cell(t.kernelCell, r, c), refresh));
      const flipped = state.flip ? panel(panels, t.flipped, null, k, k, () => el('div', 'cx-cell cx-cell--kernel')) : null;
      const output = panel(panels, `${t.output} ${geo.rows} × ${geo.cols}`, null, geo.rows, geo.cols, (r, c) => {
        const cell = el('div', 'cx-cell cx-cell--out');
        cell.dataset.row = String(r);
        cell.dataset.col = String(c);
        cell.addEventListener('click', () => steps.go(r * geo.cols + c));
        return cell;
      });
      view = { input, flipped, output };
      refresh();
    }

    /** Update the numbers, the highlighted window and the sum (grids stay, so focus stays). */
    function refresh() {
      geo = layout(state.input, state.kernel, options());
      const result = compute2d(state.input, state.kernel, options());
      if (view.flipped) {
        view.flipped.forEach((line, r) => line.forEach((cell, c) => { cell.textContent = fmt(geo.applied[r][c]); }));
      }
      const r = Math.floor(steps.pos / geo.cols);
      const c = steps.pos % geo.cols;
      showValues(view.output, result, steps.total() ? [r, c] : null);
      steps.buttons();
      sum.textContent = '';
      if (steps.total() === 0) {
        markWindow(view.input, []);
        where.textContent = '';
        sum.textContent = t.empty;
        return;
      }
      where.textContent = t.position(steps.pos + 1, steps.total(), r, c);
      const products = terms(state.input, geo, r, c);
      markWindow(view.input, products);
      writeSum(sum, 'y', `${r},${c}`, products.map((p) => [p.value, p.weight]), result[r][c]);
    }

    steps.show = refresh;
    steps.restore = () => {
      restoreForward(state, initial);
      rebuild(true);
    };
    steps.restore();
  }

  // ---- Mode 2: channels (data-channels="3") --------------------------------------------------

  /** Turn a <div class="conv-explorer" data-channels="…"> into the explorer of a layer with channels. */
  function mountChannels(root) {
    const t = LABELS[pageLanguage()];
    const inChannels = Math.min(Math.max(Number(root.dataset.channels) || 3, 1), 4);
    const outChannels = Math.min(Math.max(Number(root.dataset.kernels) || 1, 1), 3);
    const initial = {
      input: fill(inChannels, (j) => DEFAULT_CHANNELS[j % DEFAULT_CHANNELS.length]),
      kernel: fill(outChannels, (o) => fill(inChannels, (j) => DEFAULT_SLICES[(j + o) % DEFAULT_SLICES.length])),
      flip: root.dataset.flip === 'true', // a layer computes the cross-correlation unless told otherwise
      padding: PADDINGS.includes(root.dataset.padding) ? root.dataset.padding : 'valid',
      stride: STRIDES.includes(Number(root.dataset.stride)) ? Number(root.dataset.stride) : 1,
    };
    const input = dataNumbers(root, 'input', 3);
    const kernel = dataNumbers(root, 'kernel', 4);
    try {
      layerLayout(input, kernel, {}); // both given and consistent: the page's own numbers
      Object.assign(initial, { input, kernel });
    } catch (error) {
      // keep the defaults
    }
    const state = {};
    let geo = null;
    let view = null;
    const { controls, sum, panels, where, steps } = frame(root, t, t.channelHint);
    const options = () => ({ flip: state.flip, padding: state.padding, stride: state.stride });
    /** The name of input channel j: R, G and B when there are three. */
    const channelName = (j) => t.channel(j + 1, state.input.length === 3 ? 'RGB'[j] : null);

    steps.total = () => geo.outChannels * geo.rows * geo.cols;

    const { operation, padding, stride } = optionMenus(t, state, rebuild,
      [['false', t.correlation], ['true', t.convolution]]);
    const inputSize = select(t.inputSize, INPUT_SIZES.map((n) => [n, `${n} × ${n}`]), (v) => {
      const n = Number(v);
      state.input = state.input.map((map) => resize(map, n, false));
      const k = Math.min(state.kernel[0][0].length, Math.max(...KERNEL_SIZES.filter((s) => s <= n)));
      state.kernel = state.kernel.map((slices) => slices.map((s) => resize(s, k, true)));
      rebuild(true);
    });
    const kernelSize = select(t.kernelSize, KERNEL_SIZES.map((k) => [k, `${k} × ${k}`]), (v) => {
      state.kernel = state.kernel.map((slices) => slices.map((s) => resize(s, Number(v), true)));
      rebuild(true);
    });
    controls.append(operation.wrap, padding.wrap, stride.wrap, inputSize.wrap, kernelSize.wrap);

    function rebuild(restart) {
      steps.stop();
      geo = layerLayout(state.input, state.kernel, options());
      if (restart || steps.pos >= steps.total()) steps.pos = 0;
      operation.box.value = String(state.flip);
      padding.box.value = state.padding;
      stride.box.value = String(state.stride);
      inputSize.box.value = String(geo.h);
      kernelSize.box.value = String(geo.k);
      Array.from(kernelSize.box.options).forEach((o) => { o.disabled = Number(o.value) > Math.min(geo.h, geo.w); });

      panels.textContent = '';
      const pad = {
        top: geo.top, left: geo.left, bottom: geo.paddedRows - geo.top - geo.h, right: geo.paddedCols - geo.left - geo.w,
      };
      const inputs = [];
      state.input.forEach((_, j) => {
        const name = channelName(j);
        inputs.push(paddedPanel(panels, name, j === 0 ? t.inputNote : null, () => state.input[j], pad,
          (r, c) => t.cell(name, r, c), refresh));
        state.kernel.forEach((_, o) => {
          const title = t.slice(o + 1, j + 1, state.input.length === 3 ? 'RGB'[j] : null, state.kernel.length > 1);
          panel(panels, title, state.flip ? t.rotated : null, geo.k, geo.k,
            (r, c) => numberCell(() => state.kernel[o][j], r, c, t.cell(title, r, c), refresh));
        });
      });
      const outputs = state.kernel.map((_, o) =>
        panel(panels, t.outputChannel(o + 1, geo.rows, geo.cols), null, geo.rows, geo.cols, (r, c) => {
          const cell = el('div', 'cx-cell cx-cell--out');
          Object.assign(cell.dataset, { channel: String(o), row: String(r), col: String(c) });
          cell.addEventListener('click', () => steps.go((o * geo.rows + r) * geo.cols + c));
          return cell;
        }));
      view = { inputs, outputs };
      refresh();
    }

    function refresh() {
      geo = layerLayout(state.input, state.kernel, options());
      const result = computeLayer(state.input, state.kernel, options());
      const per = geo.rows * geo.cols;
      const o = Math.floor(steps.pos / per);
      const r = Math.floor((steps.pos % per) / geo.cols);
      const c = steps.pos % geo.cols;
      view.outputs.forEach((cells, i) => showValues(cells, result[i], i === o && per ? [r, c] : null));
      steps.buttons();
      sum.textContent = '';
      if (per === 0) {
        view.inputs.forEach((cells) => markWindow(cells, []));
        where.textContent = '';
        sum.textContent = t.empty;
        return;
      }
      where.textContent = t.channelPosition(steps.pos + 1, steps.total(), o + 1, r, c);
      const products = layerTerms(state.input, state.kernel, geo, o, r, c);
      const partials = view.inputs.map((cells, j) => {
        const mine = products.filter((p) => p.j === j);
        markWindow(cells, mine.map((p) => ({ pr: p.y + geo.top, pc: p.x + geo.left, weight: p.weight })));
        const partial = mine.reduce((total, p) => total + p.value * p.weight, 0);
        const line = el('span', 'cx-sum__line cx-sum__line--partial');
        writeSum(line, 'p', `${state.input.length === 3 ? 'RGB'[j] : j + 1}`, mine.map((p) => [p.value, p.weight]), partial);
        sum.append(line);
        return partial;
      });
      const line = el('span', 'cx-sum__line cx-sum__line--total');
      const lhs = el('span', 'cx-sum__lhs', 'y');
      lhs.append(el('sub', null, `${r},${c}`));
      const value = result[o][r][c];
      line.append(lhs, ` = ${partials.map(factor).join(' + ')} = `,
        el('strong', 'cx-sum__total', fmt(value), { 'data-value': String(value) }));
      sum.append(line);
    }

    steps.show = refresh;
    steps.restore = () => {
      restoreForward(state, initial);
      rebuild(true);
    };
    steps.restore();
  }

  // ---- Mode 3: the backward pass (data-mode="backward") --------------------------------------

  /**
   * Turn a <div class="conv-explorer" data-mode="backward"> into the explorer of the backward pass of
   * Y = X ⋆ K (cross-correlation, valid, stride 1, as a layer computes it): the output error ∂L/∂Y,
   * padded with k − 1 zeros, under the flipped kernel K′ gives the input gradient ∂L/∂X (a full
   * convolution of the error with K); the weight gradient ∂L/∂K = X ⋆ ∂L/∂Y is shown beside it.
   */
  function mountBackward(root) {
    const t = LABELS[pageLanguage()];
    const initialInput = dataNumbers(root, 'input', 2) || DEFAULT_INPUT;
    const initialKernel = dataNumbers(root, 'kernel', 2) || DEFAULT_KERNEL;
    const m = initialInput.length - initialKernel.length + 1;
    const single = fill(m, (r) => fill(m, (c) => (r === Math.floor(m / 2) && c === Math.floor(m / 2) ? 1 : 0)));
    const initial = { input: initialInput, kernel: initialKernel, error: dataNumbers(root, 'error', 2) || single };
    const state = {};
    let view = null;
    const { controls, sum, panels, where, steps } = frame(root, t, t.backwardHint);
    const n = () => state.input.length;
    const k = () => state.kernel.length;

    steps.total = () => n() * n();

    /** The error map's side for the current sizes; a new map keeps the old one's centre. */
    function fitError() {
      state.error = resize(state.error, n() - k() + 1, true);
    }

    const inputSize = select(t.inputSize, INPUT_SIZES.map((s) => [s, `${s} × ${s}`]), (v) => {
      state.input = resize(state.input, Number(v), false);
      if (k() > n()) state.kernel = resize(state.kernel, Math.max(...KERNEL_SIZES.filter((s) => s <= n())), true);
      fitError();
      rebuild(true);
    });
    const kernelSize = select(t.kernelSize, KERNEL_SIZES.map((s) => [s, `${s} × ${s}`]), (v) => {
      state.kernel = resize(state.kernel, Number(v), true);
      fitError();
      rebuild(true);
    });
    controls.append(inputSize.wrap, kernelSize.wrap);

    function rebuild(restart) {
      steps.stop();
      if (restart || steps.pos >= steps.total()) steps.pos = 0;
      inputSize.box.value = String(n());
      kernelSize.box.value = String(k());
      Array.from(kernelSize.box.options).forEach((o) => { o.disabled = Number(o.value) > n(); });
      const side = n() - k() + 1;
      const display = (grid) => (r, c) => {
        const cell = el('div', `cx-cell cx-cell--value`);
        Object.assign(cell.dataset, { grid, row: String(r), col: String(c) });
        return cell;
      };

      panels.textContent = '';
      panel(panels, t.input, null, n(), n(), (r, c) => numberCell(() => state.input, r, c, t.cell(t.inputCell, r, c), refresh));
      panel(panels, t.kernel, t.layerNote, k(), k(),
        (r, c) => numberCell(() => state.kernel, r, c, t.cell(t.kernelCell, r, c), refresh));
      const output = panel(panels, `${t.output} Y ${side} × ${side}`, null, side, side, display('output'));
      const pad = { top: k() - 1, left: k() - 1, bottom: k() - 1, right: k() - 1 };
      const error = paddedPanel(panels, t.error, t.errorNote, () => state.error, pad,
        (r, c) => t.cell(t.errorCell, r, c), refresh);
      const flipped = panel(panels, t.flippedBack, null, k(), k(), () => el('div', 'cx-cell cx-cell--kernel'));
      const dInput = panel(panels, t.dInput, null, n(), n(), (r, c) => {
        const cell = el('div', 'cx-cell cx-cell--out');
        Object.assign(cell.dataset, { grid: 'dinput', row: String(r), col: String(c) });
        cell.addEventListener('click', () => steps.go(r * n() + c));
        return cell;
      });
      const dKernel = panel(panels, t.dKernel, t.dKernelNote, k(), k(), display('dkernel'));
      view = { output, error, flipped, dInput, dKernel };
      refresh();
    }

    function refresh() {
      const options = { flip: false };
      const { dInput, dKernel } = backward([state.input], [[state.kernel]], [state.error], options);
      const applied = rot180(state.kernel);
      const y = Math.floor(steps.pos / n());
      const x = steps.pos % n();
      showValues(view.output, computeLayer([state.input], [[state.kernel]], options)[0]);
      showValues(view.flipped, applied);
      showValues(view.dInput, dInput[0], [y, x]);
      showValues(view.dKernel, dKernel[0][0]);
      steps.buttons();
      where.textContent = t.inputPosition(steps.pos + 1, steps.total(), y, x);
      // ∂L/∂X(y, x): the window of the padded error at (y, x) times the flipped kernel.
      const products = [];
      applied.forEach((row, a) => row.forEach((weight, b) => {
        const line = state.error[y + a - (k() - 1)];
        const value = line === undefined || line[x + b - (k() - 1)] === undefined ? 0 : line[x + b - (k() - 1)];
        products.push({ pr: y + a, pc: x + b, value, weight });
      }));
      markWindow(view.error, products);
      sum.textContent = '';
      writeSum(sum, '∂L/∂X', `${y},${x}`, products.map((p) => [p.value, p.weight]), dInput[0][y][x]);
    }

    steps.show = refresh;
    steps.restore = () => {
      Object.assign(state, { input: copy(initial.input), kernel: copy(initial.kernel), error: copy(initial.error) });
      if (state.error.length !== n() - k() + 1) fitError();
      rebuild(true);
      // Start where the first error arrives: its window's top-left input pixel.
      const first = state.error.flat().findIndex((v) => v !== 0);
      if (first >= 0) steps.go(Math.floor(first / state.error.length) * n() + (first % state.error.length));
    };
    steps.restore();
  }

  // ---- Mounting ------------------------------------------------------------------------------

  /** Turn one <div class="conv-explorer"> into the explorer its data-mode or data-channels asks for. */
  function mount(root) {
    if (root.dataset.mode === 'backward') mountBackward(root);
    else if (root.dataset.mode === 'channels' || root.dataset.channels) mountChannels(root);
    else mountSingle(root);
  }

  /** Mount every explorer on the page that is not mounted yet. */
  function mountAll() {
    document.querySelectorAll('.conv-explorer:not(.cx-ready)').forEach(mount);
  }

  window.convExplorer = { compute, backward, mountAll };
  // Material's document$ fires on every page load (also with instant navigation); otherwise wait for the DOM.
  if (window.document$ && typeof window.document$.subscribe === 'function') {
    window.document$.subscribe(mountAll);
  } else if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mountAll);
  } else {
    mountAll();
  }
})();
