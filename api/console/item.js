// item.js: one feedback item, its analysis, and confirm/reject buttons
// per tag (PUT /v1/feedback/{id}/tags), the human labels the model learns.
import { api } from './api.js';
import { h, mount, card, badge, feedbackText, flash, sentimentName, severityName, when, enc } from './dom.js';

export default async function item(root, [id]) {
  const [it, taxonomy] = await Promise.all([api('/v1/feedback/' + id), api('/v1/tags').catch(() => ({ tags: [] }))]);
  const a = it.analysis || {};
  const verdicts = h('div', { class: 'verdicts', id: 'verdicts' });
  const showVerdicts = labels => {
    verdicts.replaceChildren(h('h3', {}, '人工判定'), labels.length
      ? h('ul', {}, labels.map(l => h('li', { dataset: { tag: l.tag, verdict: l.verdict } },
        badge(l.verdict === 'confirm' ? '确认' : '否认', l.verdict), ' ', l.tag, ' ',
        h('span', { class: 'muted small' }, (l.source === 'weak' ? '（来自提议）' : ''), when(l.created_at)))))
      : h('p', { class: 'muted' }, '本页还没有判定。'));
  };
  const put = async (tag, verdict) => {
    try {
      const res = await api(`/v1/feedback/${it.id}/tags`, { method: 'PUT', body: { [verdict]: [tag] } });
      flash(verdict === 'confirm' ? `已确认“${tag}”` : `已否认“${tag}”`);
      showVerdicts(res.labels || []);
    } catch (err) { flash(err.message, 'error'); }
  };
  const tagRows = (a.tags || []).map(t => h('tr', { dataset: { tag: t.tag } },
    h('td', {}, h('a', { href: '#/tags/' + enc(t.tag) }, t.tag)),
    h('td', { class: 'n' }, t.score.toFixed(2)),
    h('td', {}, { rule: '规则', model: '模型', human: '人工' }[t.source] || t.source,
      t.evidence && t.evidence.length ? h('span', { class: 'muted small' }, '：' + t.evidence.join('、')) : null),
    h('td', { class: 'actions' },
      h('button', { type: 'button', class: 'small accept', onclick: () => put(t.tag, 'confirm') }, '确认'),
      h('button', { type: 'button', class: 'small reject', onclick: () => put(t.tag, 'reject') }, '否认'))));
  const present = new Set((a.tags || []).map(t => t.tag));
  const addSel = h('select', { 'aria-label': '补充标签' }, (taxonomy.tags || []).filter(t => !present.has(t.name)).map(t => h('option', { value: t.name }, t.name)));
  const add = h('form', { class: 'row', onsubmit: e => { e.preventDefault(); if (addSel.value) put(addSel.value, 'confirm'); } },
    h('label', {}, '漏掉的标签 ', addSel), h('button', { type: 'submit' }, '确认此标签'));

  mount(root,
    h('p', {}, h('a', { href: '#/search', onclick: e => { e.preventDefault(); history.back(); } }, '← 返回')),
    h('h1', {}, '反馈 #' + it.id),
    card(null,
      h('p', { class: 'muted small' }, it.source, ' · ', when(it.created_at), it.external_id ? ' · 外部编号 ' + it.external_id : '',
        it.duplicate_of ? h('span', {}, ' · 与 ', h('a', { href: '#/items/' + it.duplicate_of }, '#' + it.duplicate_of), ' 近似重复') : null),
      h('blockquote', { class: 'feedback', id: 'feedback-text' }, feedbackText(it)),
      h('p', {},
        a.sentiment ? badge(sentimentName(a.sentiment.label) + ' ' + a.sentiment.score.toFixed(2), 's-' + a.sentiment.label) : null, ' ',
        a.sentiment ? badge('愤怒 ' + a.sentiment.anger.toFixed(2)) : null, ' ',
        a.severity ? badge('严重度 ' + severityName(a.severity), 'sev-' + a.severity) : null, ' ',
        a.model_version ? h('span', { class: 'muted small' }, '模型 ' + a.model_version) : null),
      it.meta && Object.keys(it.meta).length ? h('p', { class: 'muted small' }, Object.entries(it.meta).map(([k, v]) => `${k}=${v}`).join('  ')) : null),
    card('标签', (a.tags || []).length
      ? h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, ['标签', '分数', '来源', ''].map(x => h('th', {}, x)))), h('tbody', {}, tagRows)))
      : h('p', { class: 'muted' }, '没有标签。'),
    add, verdicts));
  showVerdicts([]);
}
