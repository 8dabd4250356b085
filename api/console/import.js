// import.js: upload a CSV, JSONL or Excel file, look at its first rows,
// choose the text, id and time columns, and watch the import's progress
// and its data-quality report.
import { api, missing } from './api.js';
import { h, mount, card, flash, table, errorBox, num } from './dom.js';
import { progress } from './chart.js';

export default async function importPage(root) {
  let timer = null;
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.tsv,.jsonl,.json,.xlsx', 'aria-label': '文件' });
  const previewBox = h('div', {});
  const statusBox = h('div', { id: 'import-status' });

  file.addEventListener('change', async () => {
    if (!file.files.length) return;
    const form = new FormData();
    form.append('file', file.files[0]);
    previewBox.replaceChildren(h('p', { class: 'muted' }, '读取中…'));
    try {
      const p = await api('/v1/imports/preview', { method: 'POST', form });
      previewBox.replaceChildren(columnsForm(p));
    } catch (err) {
      previewBox.replaceChildren(missing(err) ? h('p', { class: 'muted' }, '本服务器还没有导入接口（/v1/imports）；请用命令行 voclens import。') : errorBox(err));
    }
  });

  function columnsForm(p) {
    const cols = p.columns || [];
    const guess = re => cols.find(c => re.test(c)) || '';
    const pick = (name, label, re, optional) => h('label', {}, label + ' ',
      h('select', { name }, optional ? h('option', { value: '' }, '（无）') : null,
        cols.map(c => h('option', { value: c, selected: c === guess(re) }, c))));
    const sheet = p.sheets && p.sheets.length > 1
      ? h('label', {}, '工作表 ', h('select', { name: 'sheet' }, p.sheets.map(s => h('option', { value: s }, s)))) : null;
    const source = h('input', { name: 'source', placeholder: '如 app_review', 'aria-label': '渠道' });
    return h('form', {
      class: 'import-form', onsubmit: async e => {
        e.preventDefault();
        const form = new FormData(e.target);
        for (const [k, v] of [...form.entries()]) if (v === '') form.delete(k); // absent, not empty
        form.append('file', file.files[0]);
        try {
          const res = await api('/v1/imports', { method: 'POST', form });
          follow(res.import.id);
        } catch (err) { flash(err.message, 'error'); }
      },
    },
    h('p', { class: 'muted small' }, `格式 ${p.format}，编码 ${p.encoding}，${cols.length} 列。前几行：`),
    table(cols, (p.rows || []).slice(0, 5).map(r => h('tr', {}, r.map(v => h('td', { class: 'cell' }, v))))),
    h('div', { class: 'row' },
      pick('text_col', '文本列', /text|review|content|内容|评价|反馈/i, false),
      pick('id_col', '编号列', /^id$|_id|编号/i, true),
      pick('time_col', '时间列', /time|date|时间|日期/i, true),
      h('label', {}, '渠道 ', source), sheet),
    h('button', { type: 'submit' }, '开始导入'));
  }

  async function follow(id) {
    clearTimeout(timer);
    try {
      const { import: im } = await api('/v1/imports/' + encodeURIComponent(id));
      statusBox.replaceChildren(
        h('p', {}, `导入 ${im.id}：`, { running: '进行中', done: '完成', failed: '失败' }[im.status] || im.status),
        progress(im.done || 0, im.total || 0),
        im.report ? report(im.report) : null);
      if (im.status === 'running') timer = setTimeout(() => follow(id), 700);
    } catch (err) { statusBox.replaceChildren(errorBox(err)); }
  }

  mount(root, h('h1', {}, '导入'),
    card('1. 选择文件', h('p', { class: 'muted small' }, 'CSV、JSONL 或 Excel（xlsx）；UTF-8、GB18030、UTF-16 会自动识别。需要分析员密钥。'), file),
    card('2. 选择列', previewBox),
    card('3. 进度', statusBox));
  return () => clearTimeout(timer);
}

// report shows the data-quality report: counts, why rows were skipped,
// how full each column is, and the first rows that need a look.
function report(r) {
  const skipped = Object.entries(r.skipped || {});
  const rows = [...(r.skipped_rows || []).map(x => ({ ...x, what: '跳过' })), ...(r.unrouted_rows || []).map(x => ({ ...x, what: '无负责人' }))];
  return h('div', { class: 'report' },
    h('div', { class: 'kpis' },
      kpi('读取行数', num(r.rows)), kpi('新导入', num(r.imported)), kpi('已存在', num(r.existing)),
      kpi('跳过', num(skipped.reduce((s, [, n]) => s + n, 0))), kpi('近似重复已关联', num(r.linked)), kpi('严重但无负责人', num(r.unrouted))),
    h('p', { class: 'muted small' }, `${r.format}，${r.encoding}${r.sheet ? '，工作表 ' + r.sheet : ''}，用时 ${(r.seconds ?? 0).toFixed(1)} 秒`),
    skipped.length ? h('p', {}, '跳过原因：', skipped.map(([k, n]) => `${k} ${n}`).join('；')) : null,
    (r.fill_rate || []).length ? table(['列', '非空', '填充率'], r.fill_rate.map(f => h('tr', {},
      h('td', {}, f.column), h('td', { class: 'n' }, num(f.filled)), h('td', { class: 'n' }, (f.rate * 100).toFixed(0) + '%')))) : null,
    rows.length ? table(['行', '情况', '原因', '说明'], rows.slice(0, 20).map(x => h('tr', {},
      h('td', { class: 'n' }, x.row), h('td', {}, x.what), h('td', {}, x.reason || (x.tags || []).join('、')), h('td', { class: 'cell' }, x.detail || '')))) : null);
}

function kpi(label, value) {
  return h('div', { class: 'kpi' }, h('div', { class: 'kpi-v' }, value), h('div', { class: 'kpi-l' }, label));
}
