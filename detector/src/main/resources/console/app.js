// Normalcy web console: plain ES module, no build step. Every call to the detector carries the API key from
// sessionStorage in the X-API-Key header (EventSource cannot send headers, so the alert feed uses fetch-event-source).
// Values from alerts are always written as text (textContent), never as markup.
import { fetchEventSource } from './vendor/fetch-event-source/index.js';

const KEY = 'normalcy.apiKey';
const MAX_ALERTS = 200;
const COUNTS_EVERY_MS = 2000;
const $ = (id) => document.getElementById(id);
let feed = null;        // AbortController of the open alert stream
let countsTimer = null;
const charts = [];

class Fatal extends Error {}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function num(x, digits = 3) {
  return x === null || x === undefined ? '–' : Number(x).toPrecision(digits);
}

function setStatus(id, text, cls) {
  const s = $(id);
  s.textContent = text;
  s.className = 'status ' + (cls || '');
}

function message(id, text, isError) {
  $(id).textContent = text;
  $(id).className = 'message' + (isError ? ' err' : '');
}

async function api(method, path, body) {
  const headers = { 'X-API-Key': sessionStorage.getItem(KEY) || '', Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!r.ok) {
    const detail = json && json.errors ? ': ' + json.errors.map((e) => e.message).join('; ') : '';
    const err = new Error(`${method} ${path} → ${r.status} ${(json && json.message) || text}${detail}`);
    err.status = r.status;
    throw err;
  }
  return json;
}

// ---- alert feed ----

function explanation(a) {
  const rows = (a.topFeatures || []).map((c) => el('tr', {},
    el('td', {}, c.feature), el('td', { class: 'num' }, num(c.value, 4)),
    el('td', { class: 'num' }, num(c.logDensityTerm)), el('td', { class: 'num' }, num(c.typicalTerm)),
    el('td', { class: 'num' }, num(c.deficit)), el('td', {}, c.expected || '')));
  return el('table', { class: 'explanation' },
    el('thead', {}, el('tr', {}, ['feature', 'value', 'log-density term', 'typical term', 'deficit', 'expected']
      .map((h) => el('th', {}, h)))),
    el('tbody', {}, rows));
}

function alertItem(a) {
  const pValue = a.pValue ? `1 in ${Math.round(1 / a.pValue).toLocaleString('en')}` : 'n/a';
  const context = Object.entries(a.context || {}).map(([k, v]) => `${k}=${v}`).join(', ');
  return el('li', { class: 'alert ' + a.severity, 'data-alert-id': a.alertId },
    el('div', { class: 'head' },
      el('span', { class: 'sev' }, a.severity),
      el('span', {}, `${a.model} v${a.modelVersion}`),
      el('span', { class: 'entity' }, a.entity),
      el('span', {}, a.eventTime),
      el('span', {}, `log-density ${num(a.logDensity)} < ${num(a.threshold)} (${a.thresholdScope})`),
      el('span', {}, `p ${pValue}`),
      context ? el('span', {}, context) : null),
    explanation(a));
}

function openFeed() {
  if (feed) feed.abort();
  feed = new AbortController();
  const q = new URLSearchParams();
  if ($('filter-model').value) q.append('model', $('filter-model').value);
  q.append('minSeverity', $('filter-severity').value);
  if ($('filter-entity').value) q.append('entity', $('filter-entity').value);
  setStatus('feed-state', 'connecting');
  fetchEventSource('/alerts/stream?' + q, {
    headers: { 'X-API-Key': sessionStorage.getItem(KEY) || '' },
    signal: feed.signal,
    openWhenHidden: true,
    async onopen(r) {
      if (r.ok && (r.headers.get('content-type') || '').startsWith('text/event-stream')) {
        setStatus('feed-state', 'live', 'ok');
        return;
      }
      const body = await r.text();
      throw new Fatal(`alert stream → ${r.status} ${body}`);
    },
    onmessage(ev) {
      if (ev.event !== 'alert' || !ev.data) return;
      const list = $('alerts');
      list.prepend(alertItem(JSON.parse(ev.data)));
      while (list.children.length > MAX_ALERTS) list.lastChild.remove();
    },
    onclose() {
      // the detector closed the stream (restart, or this client fell behind): throwing makes the library reconnect
      throw new Error('stream closed');
    },
    onerror(err) {
      if (err instanceof Fatal) {
        setStatus('feed-state', err.message.slice(0, 120), 'err');
        throw err;
      }
      setStatus('feed-state', 'reconnecting');
      return 2000;
    },
  }).catch(() => { /* reported in the state badge */ });
}

// ---- models ----

function thresholdTable(m) {
  const rows = [];
  for (const l of m.thresholds) {
    rows.push(el('tr', {}, el('td', {}, l.severity), el('td', { class: 'num' }, l.level),
      el('td', {}, 'global'), el('td', { class: 'num' }, num(l.global, 5)), el('td', { class: 'num' }, l.globalCount)));
    for (const [field, values] of Object.entries(l.perContext || {})) {
      for (const [value, t] of Object.entries(values)) {
        rows.push(el('tr', {}, el('td', {}, l.severity), el('td', { class: 'num' }, l.level),
          el('td', {}, `${field}=${value}`), el('td', { class: 'num' }, num(t, 5)), el('td', {}, '')));
      }
    }
    for (const [scope, t] of Object.entries(l.perCombination || {})) {
      rows.push(el('tr', {}, el('td', {}, l.severity), el('td', { class: 'num' }, l.level),
        el('td', {}, scope), el('td', { class: 'num' }, num(t, 5)), el('td', {}, '')));
    }
  }
  return el('table', { class: 'thresholds' },
    el('thead', {}, el('tr', {}, ['severity', 'quantile level', 'context', 'log-density threshold', 'samples']
      .map((h) => el('th', {}, h)))),
    el('tbody', {}, rows));
}

function chart(canvas, type, labels, datasets, title) {
  if (!window.Chart) return;
  charts.push(new window.Chart(canvas, {
    type, data: { labels, datasets },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { title: { display: true, text: title } } },
  }));
}

function modelCharts(m, box) {
  const colors = ['#e69f00', '#d55e00', '#8b0000', '#555'];
  const contexts = new Set();
  m.thresholds.forEach((l) => Object.entries(l.perContext || {})
    .forEach(([f, vs]) => Object.keys(vs).forEach((v) => contexts.add(`${f}=${v}`))));
  const labels = ['global', ...[...contexts].slice(0, 30)];
  const sets = m.thresholds.map((l, i) => ({ label: `${l.severity} (${l.level})`, backgroundColor: colors[i % 4],
    data: labels.map((c) => {
      if (c === 'global') return l.global;
      const [f, v] = c.split(/=(.*)/s);
      return (l.perContext[f] || {})[v] ?? null;
    }) }));
  const canvases = [el('canvas'), el('canvas'), el('canvas')];
  canvases.forEach((c) => box.append(el('div', { class: 'chart' }, c)));
  chart(canvases[0], 'bar', labels, sets, 'Calibrated thresholds per context (log-density)');
  const typical = m.typicalContributions || {};
  chart(canvases[1], 'bar', Object.keys(typical), [{ label: 'typical log-density term', backgroundColor: '#4477aa',
    data: Object.values(typical) }], 'Typical per-feature terms (normal data)');
  const p = m.provenance || {};
  const config = p.config || {};
  const curve = parsePairs(config.lossCurve, '/');
  if (curve.length > 0) {
    chart(canvases[2], 'line', curve.map((_, i) => i + 1), [
      { label: 'training NLL', borderColor: '#66aa55', data: curve.map((e) => e[0]), pointRadius: 0 },
      { label: 'validation NLL', borderColor: '#aa7744', data: curve.map((e) => e[1]), pointRadius: 0 }],
    'Training loss per epoch (flow space, nats/event)');
  } else {
    chart(canvases[2], 'bar', ['train', 'validation'], [{ label: 'NLL (nats/event)',
      backgroundColor: ['#66aa55', '#aa7744'], data: [p.trainNll, p.validationNll] }],
    'Final training loss (this model carries no per-epoch curve)');
  }
  const quantiles = parsePairs(config.heldOutQuantiles, ':');
  if (quantiles.length > 0) {
    const canvas = el('canvas');
    box.append(el('div', { class: 'chart' }, canvas));
    const lines = [{ label: 'held-out log-density', borderColor: '#4477aa', data: quantiles.map((e) => e[1]) }];
    m.thresholds.forEach((l, i) => lines.push({ label: `${l.severity} threshold (global)`, borderDash: [4, 4],
      borderColor: colors[i % 4], pointRadius: 0, data: quantiles.map(() => l.global) }));
    chart(canvas, 'line', quantiles.map((e) => e[0]), lines,
      'Calibration: held-out log-density quantiles (x: quantile level) and the thresholds');
  }
}

/** "a/b;c/d" (sep '/') or "level:value;..." (sep ':') from the model's provenance as [[number, number], ...]. */
function parsePairs(text, sep) {
  if (typeof text !== 'string' || text === '') return [];
  return text.split(';').map((e) => e.split(sep).map(Number)).filter((e) => e.length === 2 && e.every(Number.isFinite));
}

function modelCard(m) {
  const p = m.provenance || {};
  const retrain = el('button', { type: 'button', class: 'retrain', 'data-model': m.name }, 'Retrain');
  const out = el('span', { class: 'message' });
  retrain.addEventListener('click', async () => {
    try {
      const r = await api('POST', `/models/${encodeURIComponent(m.name)}/retrain`);
      out.textContent = `retrain requested: ${r.requestId}`;
      out.className = 'message';
    } catch (e) {
      out.textContent = e.message;
      out.className = 'message err';
    }
  });
  const chartBox = el('div', { class: 'charts' });
  const card = el('div', { class: 'model', 'data-model': m.name },
    el('h3', {}, `${m.name} v${m.version} `, el('span', { class: 'hint' },
      `${m.flowType}, ${m.features.length} features${m.pinned ? `, pinned (newest v${m.newestVersion})` : ''}`)),
    el('p', { class: 'hint' }, `trained ${m.createdAt}, loaded ${m.loadedAt}; ${p.recordCount ?? '?'} records`
      + ` (${p.skippedCount ?? 0} skipped), validation ${p.validationCount ?? '?'}; train NLL ${num(p.trainNll)},`
      + ` validation NLL ${num(p.validationNll)}; trainer ${p.trainerVersion || '?'} ${p.backend || ''}`),
    el('div', { class: 'row' }, retrain, out),
    thresholdTable(m), chartBox);
  modelCharts(m, chartBox);
  return card;
}

async function loadModels() {
  try {
    const models = await api('GET', '/models');
    charts.splice(0).forEach((c) => c.destroy());
    $('models').replaceChildren(...models.map(modelCard));
    const select = $('filter-model');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, 'all'),
      ...models.map((m) => el('option', { value: m.name }, m.name)));
    select.value = chosen;
  } catch (e) {
    $('models').replaceChildren(el('p', { class: 'message err' }, e.message));
  }
}

// ---- counts ----

function fillCounts(id, counts) {
  const rows = Object.entries(counts || {}).map(([k, v]) => el('tr', { 'data-key': k },
    el('td', {}, k), el('td', { class: 'num' }, v)));
  $(id).tBodies[0].replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { class: 'hint' }, 'none'))]));
}

async function loadCounts() {
  try {
    const c = await api('GET', '/console/api/counts');
    fillCounts('dlq-counts', c.deadLetters);
    fillCounts('parked-counts', c.parked);
    fillCounts('alert-counts', c.alerts);
  } catch (e) {
    setStatus('status', e.message.slice(0, 80), 'err');
  }
}

// ---- subscriptions ----

function subscriptionRow(s) {
  const del = el('button', { type: 'button', 'data-delete': s.subscriberId }, 'Delete');
  del.addEventListener('click', async () => {
    try {
      await api('DELETE', `/subscriptions/${encodeURIComponent(s.subscriberId)}`);
      message('sub-message', `deleted ${s.subscriberId}`);
      loadSubscriptions();
    } catch (e) {
      message('sub-message', e.message, true);
    }
  });
  const d = s.delivery || {};
  return el('tr', { 'data-subscription': s.subscriberId },
    el('td', {}, s.subscriberId), el('td', {}, (s.filter.models || []).join(', ') || 'all'),
    el('td', {}, s.filter.minSeverity), el('td', {}, s.filter.entityPattern || ''),
    el('td', {}, [d.kafkaTopic && `topic ${d.kafkaTopic}`, d.webhookUrl && `webhook ${d.webhookUrl}`]
      .filter(Boolean).join('; ')),
    el('td', {}, s.enabled ? 'yes' : 'no'), el('td', {}, del));
}

async function loadSubscriptions() {
  try {
    const subs = await api('GET', '/subscriptions');
    $('subscriptions').tBodies[0].replaceChildren(...subs.map(subscriptionRow));
  } catch (e) {
    message('sub-message', e.status === 403 ? 'subscriptions need an admin key' : e.message, true);
  }
}

async function createSubscription(ev) {
  ev.preventDefault();
  const models = $('sub-models').value.split(',').map((s) => s.trim()).filter(Boolean);
  const body = {
    subscriberId: $('sub-id').value.trim(),
    filter: { models, minSeverity: $('sub-severity').value, entityPattern: $('sub-entity').value || null },
    delivery: { kafkaTopic: $('sub-topic').value || null, webhookUrl: $('sub-webhook').value || null },
    enabled: true,
  };
  try {
    const r = await api('POST', '/subscriptions', body);
    const secret = r.signingSecret ? ` — webhook signing secret (shown once): ${r.signingSecret}` : '';
    message('sub-message', `saved ${r.subscriberId}${secret}`);
    loadSubscriptions();
  } catch (e) {
    message('sub-message', e.message, true);
  }
}

// ---- start ----

async function connect() {
  if (!sessionStorage.getItem(KEY)) {
    setStatus('status', 'enter an API key');
    return;
  }
  try {
    await api('GET', '/console/api/counts');
    setStatus('status', 'connected', 'ok');
  } catch (e) {
    setStatus('status', e.status === 401 ? 'key refused (401)' : e.message.slice(0, 80), 'err');
    return;
  }
  openFeed();
  loadModels();
  loadCounts();
  loadSubscriptions();
  clearInterval(countsTimer);
  countsTimer = setInterval(loadCounts, COUNTS_EVERY_MS);
}

$('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(KEY, $('api-key').value.trim());
  $('api-key').value = '';
  connect();
});
$('key-forget').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  if (feed) feed.abort();
  clearInterval(countsTimer);
  setStatus('status', 'not connected');
  setStatus('feed-state', 'closed');
});
$('filter-form').addEventListener('submit', (ev) => { ev.preventDefault(); openFeed(); });
$('feed-clear').addEventListener('click', () => $('alerts').replaceChildren());
$('models-refresh').addEventListener('click', loadModels);
$('subs-refresh').addEventListener('click', loadSubscriptions);
$('sub-form').addEventListener('submit', createSubscription);
connect();
