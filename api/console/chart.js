// chart.js draws small SVG charts by hand: a bar chart stacked by series,
// a line chart, a sparkline and the frequency × severity quadrant. Each
// scales to its container through its viewBox.
import { h, svg } from './dom.js';

export const palette = ['#2f6fdf', '#e0702d', '#2a9d68', '#c0392b', '#8e44ad', '#b8860b', '#16a2b8', '#7f8c8d'];

// fitWidth is the width, in CSS pixels, of a chart filling share of the
// page's main column (a whole column on a narrow screen), so the chart is
// drawn 1:1 and its labels keep their size at any width.
export function fitWidth(share = 1) {
  const main = document.getElementById('app');
  const w = main ? main.clientWidth - 40 : 720;
  const wide = window.matchMedia('(min-width: 761px)').matches;
  return Math.max(280, Math.round(wide ? w * share - (share < 1 ? 14 : 0) : w + 8));
}

function frame(w, ht, label) {
  return svg('svg', { viewBox: `0 0 ${w} ${ht}`, class: 'chart', role: 'img', 'aria-label': label });
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function axes(g, W, H, pad, max, labels) {
  for (const f of [0, 0.5, 1]) {
    const y = pad.t + (H - pad.t - pad.b) * (1 - f);
    g.append(svg('line', { x1: pad.l, x2: W - pad.r, y1: y, y2: y, class: 'grid' }));
    g.append(svg('text', { x: pad.l - 4, y: y + 4, class: 'tick', 'text-anchor': 'end' }, Math.round(max * f * 100) / 100));
  }
  const n = labels.length;
  const step = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(W / 90))));
  labels.forEach((l, i) => {
    if (i !== n - 1 && (i % step || n - 1 - i < step / 2)) return; // the last label always shows
    const x = pad.l + (W - pad.l - pad.r) * (n === 1 ? 0.5 : i / (n - 1));
    const anchor = n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle';
    g.append(svg('text', { x, y: H - 4, class: 'tick', 'text-anchor': anchor }, String(l).slice(5)));
  });
}

function legend(series) {
  return h('div', { class: 'legend' }, series.map((s, i) =>
    h('span', {}, h('i', { class: 'swatch', dataset: { c: String(i % palette.length) } }), s.name)));
}

// bars: labels (dates) and series [{name, values}] stacked per label.
export function stackedBars(labels, series, { height = 220, title = '', width = fitWidth() } = {}) {
  const W = width, H = height, pad = { l: 40, r: 8, t: 10, b: 20 };
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const el = frame(W, H, title);
  axes(el, W, H, pad, max, labels);
  const bw = (W - pad.l - pad.r) / Math.max(1, labels.length);
  const sy = v => (H - pad.t - pad.b) * v / max;
  labels.forEach((l, i) => {
    let y = H - pad.b;
    series.forEach((s, j) => {
      const v = s.values[i] || 0;
      if (!v) return;
      const hh = sy(v);
      y -= hh;
      el.append(svg('rect', { x: pad.l + i * bw + bw * 0.1, y, width: bw * 0.8, height: hh, fill: palette[j % palette.length] },
        svg('title', {}, `${l} ${s.name}: ${v}`)));
    });
  });
  return h('figure', { class: 'figure' }, el, series.length > 1 ? legend(series) : null);
}

// lines: labels and series [{name, values}], one line each.
export function lineChart(labels, series, { height = 200, title = '', marks = [], width = fitWidth() } = {}) {
  const W = width, H = height, pad = { l: 40, r: 8, t: 10, b: 20 };
  const max = niceMax(Math.max(0, ...series.flatMap(s => s.values)));
  const el = frame(W, H, title);
  axes(el, W, H, pad, max, labels);
  const n = labels.length;
  const x = i => pad.l + (W - pad.l - pad.r) * (n === 1 ? 0.5 : i / (n - 1));
  const y = v => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  for (const m of marks) {
    const i = labels.indexOf(m.at);
    if (i < 0) continue;
    el.append(svg('line', { x1: x(i), x2: x(i), y1: pad.t, y2: H - pad.b, class: 'mark-line' }));
    el.append(svg('text', { x: x(i) + 3, y: pad.t + 10, class: 'tick mark-text' }, m.label));
  }
  series.forEach((s, j) => {
    const d = s.values.map((v, i) => (i ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1)).join(' ');
    el.append(svg('path', { d, fill: 'none', stroke: palette[j % palette.length], 'stroke-width': 2 }));
    (s.dots || []).forEach(i => el.append(svg('circle', { cx: x(i), cy: y(s.values[i]), r: 4, class: 'spike-dot' },
      svg('title', {}, `${labels[i]}: ${s.values[i]}（突增）`))));
  });
  return h('figure', { class: 'figure' }, el, series.length > 1 ? legend(series) : null);
}

export function sparkline(values) {
  const W = 100, H = 24, max = Math.max(1, ...values);
  const n = values.length;
  const d = values.map((v, i) => (i ? 'L' : 'M') + (n === 1 ? 50 : (W * i / (n - 1))).toFixed(1) + ' ' + (H - 2 - (H - 4) * v / max).toFixed(1)).join(' ');
  const el = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'spark', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
  el.append(svg('path', { d, fill: 'none', stroke: palette[0], 'stroke-width': 1.5 }));
  return el;
}

// quadrant plots tags by frequency (x, log scale) and mean severity (y),
// split at the median count and the severity threshold, so 高频低危 and
// 低频高危 sit in opposite corners.
export function quadrant(tags, { medianCount, threshold, onPick, width = fitWidth(0.5) } = {}) {
  const W = width, H = Math.round(Math.min(380, Math.max(260, width * 0.7))), pad = { l: 16, r: 16, t: 26, b: 24 };
  const counts = tags.map(t => t.count);
  const lo = Math.max(1, Math.min(medianCount, ...counts) * 0.8), hi = Math.max(lo * 2, ...counts) * 1.15;
  const maxS = Math.max(threshold * 2, ...tags.map(t => t.severity)) * 1.08;
  const x = c => pad.l + (W - pad.l - pad.r) * Math.log(Math.max(c, lo) / lo) / Math.log(hi / lo);
  const y = s => pad.t + (H - pad.t - pad.b) * (1 - s / maxS);
  const el = frame(W, H, '频率 × 严重度');
  const mx = x(medianCount), my = y(threshold);
  const zones = [
    ['低频高危', pad.l, pad.t, mx - pad.l, my - pad.t, 'q-lh', 'start'],
    ['高频高危', mx, pad.t, W - pad.r - mx, my - pad.t, 'q-hh', 'end'],
    ['低频低危', pad.l, my, mx - pad.l, H - pad.b - my, 'q-ll', 'start'],
    ['高频低危', mx, my, W - pad.r - mx, H - pad.b - my, 'q-hl', 'end'],
  ];
  for (const [name, zx, zy, zw, zh, cls, anchor] of zones) {
    el.append(svg('rect', { x: zx, y: zy, width: Math.max(0, zw), height: Math.max(0, zh), class: 'zone ' + cls }));
    el.append(svg('text', { x: anchor === 'start' ? zx + 6 : zx + zw - 6, y: zy + zh - 8, 'text-anchor': anchor, class: 'zone-label' }, name));
  }
  el.append(svg('text', { x: W - pad.r, y: H - 6, class: 'tick', 'text-anchor': 'end' }, '条数（对数）→'));
  el.append(svg('text', { x: pad.l, y: pad.t - 8, class: 'tick' }, '↑ 平均严重度'));
  for (const t of tags) {
    const cx = x(t.count), cy = y(t.severity), left = cx > W * 0.7;
    const g = svg('g', { class: 'dot', tabindex: 0 });
    g.append(svg('circle', { cx, cy, r: 5, class: 'dot-' + t.quadrant }));
    g.append(svg('text', { x: left ? cx - 8 : cx + 8, y: cy + 4, 'text-anchor': left ? 'end' : 'start', class: 'dot-label' }, t.tag));
    g.append(svg('title', {}, `${t.tag}：${t.count} 条，严重度 ${t.severity.toFixed(2)}，${t.quadrant}`));
    if (onPick) g.addEventListener('click', () => onPick(t));
    el.append(g);
  }
  return h('figure', { class: 'figure' }, el);
}

// beforeAfter compares a measure's two windows: volume and negative share.
export function beforeAfter(effect) {
  if (!effect || !effect.before || !effect.after) return h('p', { class: 'muted' }, '尚无前后对比数据');
  const b = effect.before, a = effect.after;
  const maxC = Math.max(1, b.count, a.count);
  const row = (label, v, max, fmt, cls) => h('div', { class: 'ba-row' },
    h('span', { class: 'ba-label' }, label),
    h('span', { class: 'ba-bar' }, barOf(v / max, cls)),
    h('span', { class: 'ba-val' }, fmt(v)));
  const n = v => String(v);
  const p = v => (v * 100).toFixed(0) + '%';
  return h('div', { class: 'ba' },
    h('div', { class: 'ba-head' }, `措施日 ${effect.split_date} 前后各 ${effect.window_days} 天`),
    row('之前 条数', b.count, maxC, n, 'before'), row('之后 条数', a.count, maxC, n, 'after'),
    row('之前 负面占比', b.negative_share, 1, p, 'before'), row('之后 负面占比', a.negative_share, 1, p, 'after'));
}

function barOf(f, cls) {
  const el = svg('svg', { viewBox: '0 0 100 10', preserveAspectRatio: 'none', class: 'bar-svg' });
  el.append(svg('rect', { x: 0, y: 0, width: 100, height: 10, class: 'bar-bg' }));
  el.append(svg('rect', { x: 0, y: 0, width: Math.max(0, Math.min(1, f)) * 100, height: 10, class: 'bar-' + cls }));
  return el;
}

export function progress(done, total) {
  const f = total > 0 ? done / total : 0;
  return h('span', { class: 'progress' }, barOf(f, 'after'), h('span', {}, total > 0 ? `${done}/${total}（${Math.round(f * 100)}%）` : String(done || 0)));
}
