// api.js talks to the voclens API with the key the analyst entered, kept in
// sessionStorage (or localStorage when they asked us to remember it). A
// server in loopback open mode needs no key at all.

const KEY = 'voclens.key';

export function getKey() {
  return sessionStorage.getItem(KEY) || localStorage.getItem(KEY) || '';
}

export function setKey(key, remember) {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
  if (key) (remember ? localStorage : sessionStorage).setItem(KEY, key);
}

export class APIError extends Error {
  constructor(status, code, message) {
    super(message || code || ('HTTP ' + status));
    this.status = status;
    this.code = code;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(fn) { onUnauthorized = fn; }

// api('/v1/x', {method, body, form}) returns the decoded JSON answer or
// throws an APIError carrying the server's message.
export async function api(path, opts = {}) {
  const headers = {};
  const key = getKey();
  if (key) headers.Authorization = 'Bearer ' + key;
  let body;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(path, { method: opts.method || 'GET', headers, body });
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const e = data && data.error;
    const err = new APIError(res.status, e && e.code, e && e.message);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return data;
}

// query builds "?a=1&b=2" from the non-empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// missing tells an endpoint that is not on this server (404 no route) from
// a real error, so a page can say which part is not available yet.
export const missing = err => err instanceof APIError && err.status === 404 && /no route/.test(err.message);
