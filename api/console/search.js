// search.js: a query box, facets to narrow by, results with the matched
// words marked (rune offsets from the API), and paging by cursor.
import { api, query } from './api.js';
import { h, mount, num, marked, badge, sentimentName, severityName, tagChips, day } from './dom.js';

const filters = ['tag', 'source', 'sentiment', 'severity', 'theme'];
const facetNames = { tag: '标签', source: '渠道', sentiment: '情感', severity: '严重度', theme: '主题' };

export default async function search(root, _, params) {
  const state = { q: params.get('q') || '' };
  for (const f of filters) state[f] = params.get(f) || '';
  const box = h('input', { type: 'search', name: 'q', value: state.q, placeholder: '搜索反馈，如：积分 清零、"退款"、-好评、tag:物流配送', 'aria-label': '搜索' });
  const form = h('form', {
    class: 'searchbar', onsubmit: e => {
      e.preventDefault();
      go({ ...state, q: box.value.trim() });
    },
  }, box, h('button', { type: 'submit' }, '搜索'));
  const active = filters.filter(f => state[f]).map(f =>
    h('a', { class: 'chip removable', href: '#/search' + query({ ...state, [f]: '' }), title: '去掉这个条件' }, `${facetNames[f]}：${f === 'sentiment' ? sentimentName(state[f]) : state[f]} ×`));
  const results = h('div', { class: 'results' });
  const facets = h('aside', { class: 'facets' });
  mount(root, h('h1', {}, '搜索'), form, active.length ? h('p', { class: 'chips' }, active) : null,
    h('div', { class: 'search-layout' }, facets, results));

  // q is always sent, even empty: its presence makes the index answer
  // (newest first, with facets) instead of the plain stored list.
  const first = await api(searchURL(state));
  results.append(h('p', { class: 'muted', id: 'result-count' }, first.total !== undefined ? `共 ${num(first.total)} 条` : ''));
  const list = h('ul', { class: 'items' });
  results.append(list);
  showPage(first, list, results, state);
  const wide = window.matchMedia('(min-width: 761px)').matches;
  for (const [name, counts] of Object.entries(first.facets || {})) {
    if (!counts.length) continue;
    facets.append(h('details', { class: 'facet', open: wide }, h('summary', {}, facetNames[name] || name),
      h('ul', {}, counts.slice(0, 10).map(c => h('li', {},
        h('a', { href: '#/search' + query({ ...state, [name]: c.value }), class: state[name] === c.value ? 'active' : '' },
          name === 'sentiment' ? sentimentName(c.value) : name === 'severity' ? severityName(c.value) : c.value),
        h('span', { class: 'muted' }, ' ' + num(c.count)))))));
  }
}

function searchURL(state, cursor) {
  const rest = query({ ...state, q: '', limit: 20, cursor });
  return '/v1/feedback?q=' + encodeURIComponent(state.q) + (rest ? '&' + rest.slice(1) : '');
}

function go(state) { location.hash = '#/search' + query(state); }

function showPage(page, list, results, state) {
  for (const it of page.items || []) list.append(resultItem(it));
  if (!page.items || !page.items.length) list.append(h('li', { class: 'muted' }, '没有找到匹配的反馈。'));
  if (page.next_cursor) {
    const more = h('button', {
      type: 'button', class: 'ghost more', onclick: async () => {
        more.remove();
        const next = await api(searchURL(state, page.next_cursor));
        showPage(next, list, results, state);
      },
    }, '更多');
    results.append(more);
  }
}

export function resultItem(it) {
  const a = it.analysis || {};
  // Matched words and angry words both show, each in its own colour.
  const spans = [...(it.highlights || []).map(s => ({ ...s, cls: 'hl' })), ...(a.angry_words || []).map(s => ({ ...s, cls: 'angry' }))];
  return h('li', { class: 'item', dataset: { id: String(it.id) } },
    h('div', { class: 'item-head' },
      h('a', { href: '#/items/' + it.id, class: 'item-link' }, '#' + it.id), ' ',
      h('span', { class: 'muted small' }, it.source, ' · ', day(it.created_at)), ' ',
      a.sentiment ? badge(sentimentName(a.sentiment.label), 's-' + a.sentiment.label) : null, ' ',
      a.severity ? badge('严重度 ' + severityName(a.severity), 'sev-' + a.severity) : null),
    marked(it.text, spans),
    (a.tags || []).length ? h('div', {}, tagChips(a.tags)) : null);
}

