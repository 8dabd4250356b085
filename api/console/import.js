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
    card('1. 选择文件', h('p', { class: 'muted small' }, 'CSV、JSONL 或 Excel（xlsx）；UTF-8、GB18030、UTF-16 会自动识别。需要管理员密钥。'), file),
    card('2. 选择列', previewBox),
    card('3. 进度', statusBox));
  return () => clearTimeout(timer);
}

// report shows the data-quality report as label: value pairs; nested
// values (lists of problems) as compact JSON text.
function report(r) {
  return h('dl', { class: 'report' }, Object.entries(r).flatMap(([k, v]) => [
    h('dt', {}, k), h('dd', {}, typeof v === 'number' ? num(v) : typeof v === 'string' ? v : JSON.stringify(v))]));
}
