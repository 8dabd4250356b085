// app.js routes the console's hash URLs (#/themes/3) to one module per
// page and asks for an API key when the server wants one.
import { getKey, setKey, whenUnauthorized } from './api.js';
import { h, mount, errorBox } from './dom.js';
import overview from './overview.js';
import themes from './themes.js';
import theme from './theme.js';
import proposals from './proposals.js';
import search from './search.js';
import item from './item.js';
import measures from './measures.js';
import taxonomy from './taxonomy.js';
import tag from './tag.js';
import modelsPage from './models.js';
import jobs from './jobs.js';
import importPage from './import.js';

const routes = [
  [/^\/$/, overview],
  [/^\/themes$/, themes],
  [/^\/themes\/(\d+)$/, theme],
  [/^\/proposals$/, proposals],
  [/^\/search$/, search],
  [/^\/items\/(\d+)$/, item],
  [/^\/measures$/, measures],
  [/^\/taxonomy$/, taxonomy],
  [/^\/tags\/(.+)$/, tag],
  [/^\/models$/, modelsPage],
  [/^\/jobs$/, jobs],
  [/^\/import$/, importPage],
];

const root = () => document.getElementById('app');
let cleanup = null;

// Each page module exports default async (root, params, query) and may
// return a function that stops its timers when the page is left.
async function render() {
  if (cleanup) { cleanup(); cleanup = null; }
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = hash.split('?');
  const params = new URLSearchParams(qs || '');
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').slice(1);
    a.classList.toggle('active', target === '/' ? path === '/' : path.startsWith(target));
  }
  for (const [re, page] of routes) {
    const m = path.match(re);
    if (!m) continue;
    mount(root(), h('p', { class: 'muted' }, '加载中…'));
    try {
      const c = await page(root(), m.slice(1).map(decodeURIComponent), params);
      if (typeof c === 'function') cleanup = c;
    } catch (err) {
      mount(root(), errorBox(err));
    }
    document.body.dataset.page = path.split('/')[1] || 'overview';
    document.body.dataset.ready = String(Date.now());
    return;
  }
  mount(root(), h('p', {}, '没有这个页面。'), h('a', { href: '#/' }, '回到概览'));
}

function keyDialog(reason) {
  if (document.getElementById('key-dialog')) return;
  const input = h('input', { type: 'password', id: 'key-input', placeholder: 'vl_…', autocomplete: 'off', value: getKey() });
  const remember = h('input', { type: 'checkbox', id: 'key-remember' });
  const close = () => dlg.remove();
  const dlg = h('div', { id: 'key-dialog', class: 'overlay' },
    h('form', {
      class: 'dialog', onsubmit: e => {
        e.preventDefault();
        setKey(input.value.trim(), remember.checked);
        close();
        render();
      },
    },
    h('h2', {}, 'API 密钥'),
    reason ? h('p', { class: 'muted' }, reason) : null,
    h('p', {}, '输入分析员（analyst）或管理员（admin）密钥。密钥只保存在本浏览器。'),
    input,
    h('label', { class: 'inline' }, remember, ' 在本机记住（关闭标签页后仍保留）'),
    h('div', { class: 'row' },
      h('button', { type: 'submit' }, '保存'),
      h('button', { type: 'button', class: 'ghost', onclick: () => { setKey('', false); close(); render(); } }, '清除密钥'),
      h('button', { type: 'button', class: 'ghost', onclick: close }, '取消'))));
  document.body.append(dlg);
  input.focus();
}

whenUnauthorized(err => keyDialog('服务器要求密钥：' + err.message));
document.getElementById('key-button').addEventListener('click', () => keyDialog(''));
window.addEventListener('hashchange', render);
render();

