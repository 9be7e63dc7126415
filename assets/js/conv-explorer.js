// Interactive convolution explorer: <div class="conv-explorer"> on a lesson page becomes an editable
// input and kernel, the padded input with the current window highlighted, the sum computed there term
// by term, and the output grid. Plain JavaScript, no dependencies; labels follow <html lang>.
//
// Optional attributes on the div: data-padding="valid|same|full", data-stride="1|2",
// data-flip="true|false" (true: convolution, the kernel rotated by 180°; false: cross-correlation).
//
// window.convExplorer.compute(input, kernel, {flip, padding, stride}) returns the output as a 2-D
// array. It matches scipy.signal.convolve2d (flip true) or correlate2d (flip false) with the same
// mode, taking every stride-th row and column: scipy_result[::stride, ::stride], zero padding.
// That holds for even kernels too ("same" puts the odd zero where SciPy does, see padAmounts). Where
// the kernel is larger than the input, "valid" gives [] (no position fits; SciPy swaps the arrays).
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

  /** The output grid, as a 2-D array of plain numbers. */
  function compute(input, kernel, options = {}) {
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

  // ---- Display helpers ---------------------------------------------------------------------

  /** A number for display: at most three decimals, a real minus sign. */
  function fmt(x) {
    const rounded = Math.round(x * 1000) / 1000;
    return String(rounded === 0 ? 0 : rounded).replace('-', '\u2212');
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

  /** A square matrix of `size` taking the overlapping part of `old`, aligned by centres if asked. */
  function resize(old, size, centred) {
    const shift = centred ? Math.floor((old.length - size) / 2) : 0;
    return Array.from({ length: size }, (_, r) =>
      Array.from({ length: size }, (_, c) => {
        const row = old[r + shift];
        return row === undefined || row[c + shift] === undefined ? 0 : row[c + shift];
      }),
    );
  }

  // ---- The widget --------------------------------------------------------------------------

  /** Turn one <div class="conv-explorer"> into the explorer. */
  function mount(root) {
    const lang = (document.documentElement.lang || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
    const t = LABELS[lang];
    const initial = {
      input: DEFAULT_INPUT,
      kernel: DEFAULT_KERNEL,
      flip: root.dataset.flip !== 'false',
      padding: PADDINGS.includes(root.dataset.padding) ? root.dataset.padding : 'valid',
      stride: STRIDES.includes(Number(root.dataset.stride)) ? Number(root.dataset.stride) : 1,
    };
    const state = { pos: 0, timer: null }; // input, kernel and options are set by restore()
    let geo = null;
    let view = null; // the DOM nodes of the grids, rebuilt when sizes or options change

    function options() {
      return { flip: state.flip, padding: state.padding, stride: state.stride };
    }

    function total() {
      return geo.rows * geo.cols;
    }

    // Controls.
    const controls = el('div', 'cx-controls');
    const operation = select(t.operation, [['true', t.convolution], ['false', t.correlation]], (v) => {
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

    // Stepping.
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
    const hint = el('p', 'cx-hint', t.hint, { id: hintId });

    root.textContent = '';
    root.classList.add('cx-ready');
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', t.widget);
    root.setAttribute('aria-describedby', hintId);
    root.tabIndex = 0;
    root.append(controls, stepper, sum, panels, hint);

    /** A titled panel holding one grid of cells, scrolled sideways when wider than the page. */
    function panel(title, note, rows, cols, makeCell) {
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

    /** An editable cell bound to matrix[r][c]. */
    function numberCell(matrix, r, c, what) {
      const cell = el('div', 'cx-cell cx-cell--edit');
      const field = el('input', null, null, {
        type: 'number',
        step: 'any',
        'aria-label': t.cell(what, r, c),
      });
      field.value = String(matrix()[r][c]);
      field.addEventListener('input', () => {
        const value = field.value.trim() === '' ? NaN : Number(field.value);
        field.setAttribute('aria-invalid', String(!Number.isFinite(value)));
        if (Number.isFinite(value)) {
          matrix()[r][c] = value;
          refresh();
        }
      });
      field.addEventListener('change', () => {
        field.value = String(matrix()[r][c]);
        field.setAttribute('aria-invalid', 'false');
      });
      cell.append(field);
      return cell;
    }

    /** Recreate the grids for the current sizes and options; `restart` goes back to position 0. */
    function rebuild(restart) {
      stop();
      geo = layout(state.input, state.kernel, options());
      if (restart || state.pos >= total()) state.pos = 0;
      operation.box.value = String(state.flip);
      padding.box.value = state.padding;
      stride.box.value = String(state.stride);
      inputSize.box.value = String(state.input.length);
      kernelSize.box.value = String(state.kernel.length);
      Array.from(kernelSize.box.options).forEach((o) => {
        o.disabled = Number(o.value) > state.input.length;
      });

      panels.textContent = '';
      const n = state.input.length;
      const input = panel(t.input, t.inputNote, geo.paddedRows, geo.paddedCols, (pr, pc) => {
        const r = pr - geo.top;
        const c = pc - geo.left;
        const inside = r >= 0 && r < n && c >= 0 && c < n;
        const cell = inside
          ? numberCell(() => state.input, r, c, t.inputCell)
          : el('div', 'cx-cell cx-cell--pad', '0', { 'aria-hidden': 'true' });
        cell.dataset.row = String(pr);
        cell.dataset.col = String(pc);
        cell.append(el('span', 'cx-weight', null, { 'aria-hidden': 'true' }));
        return cell;
      });
      const k = state.kernel.length;
      panel(t.kernel, state.flip ? null : t.applied, k, k, (r, c) => numberCell(() => state.kernel, r, c, t.kernelCell));
      const flipped = state.flip ? panel(t.flipped, null, k, k, () => el('div', 'cx-cell cx-cell--kernel')) : null;
      const output = panel(`${t.output} ${geo.rows} × ${geo.cols}`, null, geo.rows, geo.cols, (r, c) => {
        const cell = el('div', 'cx-cell cx-cell--out');
        cell.dataset.row = String(r);
        cell.dataset.col = String(c);
        cell.addEventListener('click', () => go(r * geo.cols + c));
        return cell;
      });
      view = { input, flipped, output };
      refresh();
    }

    /** Update the numbers, the highlighted window and the sum (grids stay, so focus stays). */
    function refresh() {
      geo = layout(state.input, state.kernel, options());
      const result = compute(state.input, state.kernel, options());
      if (view.flipped) {
        view.flipped.forEach((line, r) => line.forEach((cell, c) => { cell.textContent = fmt(geo.applied[r][c]); }));
      }
      view.output.forEach((line, r) => line.forEach((cell, c) => {
        cell.textContent = fmt(result[r][c]);
        cell.dataset.value = String(result[r][c]);
        cell.classList.toggle('is-current', r * geo.cols + c === state.pos);
      }));
      view.input.forEach((line) => line.forEach((cell) => {
        cell.classList.remove('is-window');
        cell.querySelector('.cx-weight').textContent = '';
      }));

      prev.disabled = state.pos <= 0;
      next.disabled = state.pos >= total() - 1;
      play.disabled = total() <= 1;
      sum.textContent = '';
      if (total() === 0) {
        where.textContent = '';
        sum.textContent = t.empty;
        return;
      }
      const r = Math.floor(state.pos / geo.cols);
      const c = state.pos % geo.cols;
      where.textContent = t.position(state.pos + 1, total(), r, c);
      const products = terms(state.input, geo, r, c);
      products.forEach(({ pr, pc, weight }) => {
        const cell = view.input[pr][pc];
        cell.classList.add('is-window');
        cell.querySelector('.cx-weight').textContent = `×${fmt(weight)}`;
      });
      const lhs = el('span', 'cx-sum__lhs', 'y');
      lhs.append(el('sub', null, `${r},${c}`));
      const text = products
        .map(({ value, weight }) => `${fmt(value)}·${weight < 0 ? `(${fmt(weight)})` : fmt(weight)}`)
        .join(' + ');
      const value = result[r][c];
      sum.append(lhs, ` = ${text} = `, el('strong', 'cx-sum__total', fmt(value), { 'data-value': String(value) }));
    }

    /** Move to position i (clamped). */
    function go(i) {
      state.pos = Math.max(0, Math.min(total() - 1, i));
      refresh();
    }

    /** Back to the page's starting values and options. */
    function restore() {
      Object.assign(state, {
        input: initial.input.map((row) => row.slice()),
        kernel: initial.kernel.map((row) => row.slice()),
        flip: initial.flip,
        padding: initial.padding,
        stride: initial.stride,
      });
      rebuild(true);
    }

    function stop() {
      if (state.timer !== null) clearInterval(state.timer);
      state.timer = null;
      play.textContent = t.play;
      play.setAttribute('aria-pressed', 'false');
    }

    function start() {
      if (state.pos >= total() - 1) go(0);
      play.textContent = t.pause;
      play.setAttribute('aria-pressed', 'true');
      state.timer = setInterval(() => {
        go(state.pos + 1);
        if (state.pos >= total() - 1) stop();
      }, PLAY_MS);
    }

    prev.addEventListener('click', () => { stop(); go(state.pos - 1); });
    next.addEventListener('click', () => { stop(); go(state.pos + 1); });
    play.addEventListener('click', () => (state.timer === null ? start() : stop()));
    reset.addEventListener('click', restore);

    // Arrow keys step while focus is anywhere in the widget except a field that needs them.
    root.addEventListener('keydown', (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest('input, select, textarea')) return;
      const moves = {
        ArrowRight: state.pos + 1,
        ArrowDown: state.pos + 1,
        ArrowLeft: state.pos - 1,
        ArrowUp: state.pos - 1,
        Home: 0,
        End: total() - 1,
      };
      if (!(event.key in moves)) return;
      event.preventDefault();
      stop();
      go(moves[event.key]);
    });

    restore();
  }

  /** Mount every explorer on the page that is not mounted yet. */
  function mountAll() {
    document.querySelectorAll('.conv-explorer:not(.cx-ready)').forEach(mount);
  }

  window.convExplorer = { compute };
  // Material's document$ fires on every page load (also with instant navigation); otherwise wait for the DOM.
  if (window.document$ && typeof window.document$.subscribe === 'function') {
    window.document$.subscribe(mountAll);
  } else if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mountAll);
  } else {
    mountAll();
  }
})();
