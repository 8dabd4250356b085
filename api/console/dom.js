// dom.js builds elements without ever parsing markup: every string becomes
// a text node, so feedback text that holds <script> or <img onerror> is
// shown as the characters it is and never runs.

// h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more]).
export function h(tag, attrs, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (['value', 'checked', 'disabled', 'selected'].includes(k) && !(el instanceof SVGElement)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function svg(tag, attrs, ...children) { return h('svg:' + tag, attrs, ...children); }

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// mount replaces the page's content.
export function mount(root, ...children) {
  root.replaceChildren();
  append(root, children);
}

// marked returns text with the spans [start, end) (rune offsets, as the API
// gives them) wrapped in <mark class=cls> (a span's own cls wins); where
// spans overlap, the earlier one wins.
export function marked(text, spans, cls = 'hl') {
  const runes = Array.from(text || '');
  const ranges = (spans || [])
    .map(s => [Math.max(0, s.start), Math.min(runes.length, s.end), s.cls || cls])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out = [];
  let at = 0;
  for (let [a, b, c] of ranges) {
    if (a < at) a = at;
    if (b <= a) continue;
    if (a > at) out.push(runes.slice(at, a).join(''));
    out.push(h('mark', { class: c }, runes.slice(a, b).join('')));
    at = b;
  }
  if (at < runes.length) out.push(runes.slice(at).join(''));
  return h('span', { class: 'text' }, out);
}

export const pct = x => (x === undefined || x === null || isNaN(x)) ? '–' : (x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0) + '%';
export const num = x => (x === undefined || x === null) ? '–' : Number(x).toLocaleString('zh-CN');
export const signedPct = x => (x > 0 ? '+' : '') + pct(x);
export const day = s => s ? String(s).slice(0, 10) : '';
export const when = s => s ? String(s).replace('T', ' ').slice(0, 16) : '';

const sentimentNames = { negative: '负面', neutral: '中性', positive: '正面', '': '未知' };
export const sentimentName = s => sentimentNames[s] ?? s;
const severityNames = { low: '低', medium: '中', high: '高', critical: '严重', '': '—' };
export const severityName = s => severityNames[s] ?? s;

export function badge(text, cls = '') { return h('span', { class: 'badge ' + cls }, text); }

// section is a titled card.
export function card(title, ...body) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, body);
}

export function table(head, rows, cls = '') {
  return h('div', { class: 'table-wrap' },
    h('table', { class: cls },
      h('thead', {}, h('tr', {}, head.map(x => h('th', {}, x)))),
      h('tbody', {}, rows)));
}

let flashTimer;
// flash shows a short message at the top of the page.
export function flash(msg, kind = 'ok') {
  const el = document.getElementById('flash');
  el.className = 'flash ' + kind;
  el.textContent = msg;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { el.className = ''; el.textContent = ''; }, kind === 'error' ? 8000 : 3000);
}

export function errorBox(err) {
  return h('div', { class: 'error-box' }, '出错了：', err && err.message ? err.message : String(err));
}

// feedbackText shows an item's text with its angry words marked.
export function feedbackText(item) {
  const a = item.analysis || {};
  return marked(item.text, a.angry_words, 'angry');
}

export function tagChips(tags, linkTo = t => '#/search?tag=' + encodeURIComponent(t)) {
  return h('span', { class: 'chips' }, (tags || []).map(t =>
    h('a', { class: 'chip', href: linkTo(t.tag ?? t) }, t.tag ?? t)));
}

export function link(href, ...children) { return h('a', { href }, ...children); }

export const enc = encodeURIComponent;

// refresh renders the current page again through the router, which first
// stops the old page's timers and key handlers.
export function refresh() { window.dispatchEvent(new Event('hashchange')); }
