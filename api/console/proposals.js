// proposals.js: the queue of tag proposals. Each can be accepted after
// editing its name and keywords, or rejected; j/k move between them, a
// accepts, r rejects, e edits the name. Each shows how many items the
// decision labels.
import { api } from './api.js';
import { h, mount, badge, num, pct, flash, feedbackText, when, refresh } from './dom.js';

// proposalEditor is one proposal's form; theme.js uses it too.
export function proposalEditor(p, done) {
  if (p.status !== 'proposed') {
    return h('div', { class: 'proposal decided' },
      h('strong', {}, p.name), ' ', badge(p.status === 'accepted' ? '已接受' : '已拒绝', p.status),
      p.tag ? h('span', {}, ' → 标签 ', h('a', { href: '#/tags/' + encodeURIComponent(p.tag) }, p.tag)) : null,
      p.decided_at ? h('span', { class: 'muted small' }, ' ', when(p.decided_at)) : null);
  }
  const name = h('input', { name: 'name', value: p.name, maxlength: 50, 'aria-label': '标签名' });
  const keywords = h('input', { name: 'keywords', value: (p.keywords || []).join('，'), 'aria-label': '关键词' });
  const decide = async verdict => {
    try {
      if (verdict === 'accept') {
        const kw = keywords.value.split(/[,，、\s]+/).map(s => s.trim()).filter(Boolean);
        const res = await api(`/v1/proposals/${p.id}/accept`, { method: 'POST', body: { name: name.value.trim(), keywords: kw } });
        flash(`已接受：新标签“${res.tag}”，${p.support} 条已打上`);
      } else {
        await api(`/v1/proposals/${p.id}/reject`, { method: 'POST' });
        flash(`已拒绝“${p.name}”，这个主题不会再被提议`);
      }
      done && done(verdict);
    } catch (err) { flash(err.message, 'error'); }
  };
  return h('form', {
    class: 'proposal', dataset: { proposal: String(p.id) },
    onsubmit: e => { e.preventDefault(); decide('accept'); },
  },
  h('div', { class: 'impact' }, '影响 ', h('strong', {}, num(p.support)), ' 条',
    h('span', { class: 'muted small' }, `（现有标签覆盖 ${pct(p.coverage)}）`)),
  h('label', {}, '标签名 ', name),
  h('label', {}, '关键词 ', keywords),
  h('div', { class: 'row' },
    h('button', { type: 'submit', class: 'accept' }, '接受 (a)'),
    h('button', { type: 'button', class: 'reject', onclick: () => decide('reject') }, '拒绝 (r)'),
    h('a', { href: '#/themes/' + p.theme_id }, '看主题 →')));
}

export default async function proposals(root) {
  const data = await api('/v1/proposals');
  const list = data.proposals || [];
  let at = 0;
  const cards = list.map(p => h('div', { class: 'card proposal-card', dataset: { id: String(p.id) } },
    h('h2', {}, p.name),
    proposalEditor(p, refresh),
    h('ul', { class: 'items compact', dataset: { examples: String(p.id) } })));
  mount(root, h('h1', {}, '待审提议 ', badge(String(list.length))),
    h('p', { class: 'muted small' }, '快捷键：j / k 上下切换，a 接受，r 拒绝，e 编辑名称。接受后，主题中的条目会打上新标签，并作为下一次训练的数据。'),
    list.length ? cards : h('p', { class: 'muted' }, '没有待审的提议。'));

  const select = i => {
    at = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach((c, j) => c.classList.toggle('selected', j === at));
    if (cards[at]) cards[at].scrollIntoView({ block: 'nearest' });
  };
  select(0);
  // Examples load after the queue shows, three per proposal.
  list.forEach(async (p, i) => {
    const ul = cards[i].querySelector('ul');
    for (const id of (p.examples || []).slice(0, 3)) {
      try {
        const it = await api('/v1/feedback/' + id);
        ul.append(h('li', { class: 'item' }, h('a', { href: '#/items/' + it.id }, '#' + it.id), ' ', feedbackText(it)));
      } catch { /* an example deleted since is simply not shown */ }
    }
  });
  const onKey = e => {
    if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    const card = cards[at];
    if (e.key === 'j') select(at + 1);
    else if (e.key === 'k') select(at - 1);
    else if (e.key === 'a' && card) card.querySelector('button.accept').click();
    else if (e.key === 'r' && card) card.querySelector('button.reject').click();
    else if (e.key === 'e' && card) { e.preventDefault(); card.querySelector('input[name=name]').focus(); }
    else return;
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
