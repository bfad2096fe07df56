// pigeon-streams gallery: plain JavaScript over the engine's JSON API (no build step).
'use strict';

const $ = (sel) => document.querySelector(sel);
const state = { user: null, reference: null, upload: null, waitingFor: null, seen: new Set() };

async function api(path, options) {
  const r = await fetch(path, options);
  const type = r.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await r.json() : await r.text();
  if (!r.ok) throw new Error((body && body.error) || ('HTTP ' + r.status));
  return body;
}

function status(text, error) {
  const s = $('#status');
  s.textContent = text;
  s.className = 'status' + (error ? ' error' : '');
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  });
  children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return e;
}

const enc = encodeURIComponent;

// --- who ---------------------------------------------------------------------------------
async function openUser(id) {
  id = (id || '').trim();
  if (!id) { status('type a user id, or take a new one', true); return; }
  state.user = id;
  localStorage.setItem('pigeon-user', id);
  $('#user').value = id;
  history.replaceState(null, '', '?user=' + enc(id));
  state.seen.clear();
  await Promise.all([loadHistory(), loadImages()]);
  updateMake();
}

async function loadHistory() {
  const h = await api('/api/users/' + enc(state.user) + '/history');
  const strip = $('#history');
  strip.replaceChildren();
  if (!h.positives.length) {
    $('#history-note').textContent = 'No history yet: like a few catalog stickers or generated ones; a new user gets the reference as it is (COLD_START).';
  } else {
    $('#history-note').textContent = h.positives.length + ' liked items make your style:';
  }
  h.positives.forEach((i) => {
    strip.append(el('img', { src: '/api/catalog/image.png?id=' + enc(i.itemId), title: i.itemId + ' (' + i.action + ')' }));
  });
}

// --- reference ---------------------------------------------------------------------------
let searchTimer = null;
async function search(q) {
  const items = await api('/api/catalog?limit=60&q=' + enc(q || ''));
  const grid = $('#catalog');
  grid.replaceChildren();
  items.forEach((it) => {
    const card = el('div', { class: 'catalog-item', title: it.caption + ' · ' + it.style, 'data-item': it.itemId,
      onclick: () => pick(it, card) }, el('img', { src: it.png, alt: it.caption }));
    if (state.reference === it.itemId) card.classList.add('picked');
    grid.append(card);
  });
  if (!items.length) grid.append(el('div', { class: 'muted' }, 'nothing matches "' + q + '"'));
}

function pick(item, card) {
  state.reference = item.itemId;
  state.upload = null;
  document.querySelectorAll('.catalog-item.picked').forEach((c) => c.classList.remove('picked'));
  card.classList.add('picked');
  $('#picked').textContent = 'reference: ' + item.caption + ' (' + item.style + ')';
  updateMake();
}

function readUpload(file) {
  if (!file) return;
  if (file.size > 256 * 1024) { status('that PNG is over 256 KiB', true); return; }
  const reader = new FileReader();
  reader.onload = () => {
    state.upload = reader.result; // a data: URL; the API takes it as it is
    state.reference = null;
    document.querySelectorAll('.catalog-item.picked').forEach((c) => c.classList.remove('picked'));
    $('#picked').replaceChildren('reference: ', el('img', { src: reader.result, style: 'height:28px;vertical-align:middle' }), ' ' + file.name);
    updateMake();
  };
  reader.readAsDataURL(file);
}

function updateMake() {
  $('#make').disabled = !(state.user && (state.reference || state.upload));
}

async function make() {
  const body = { userId: state.user };
  if (state.reference) body.referenceItemId = state.reference; else body.referenceImage = state.upload;
  $('#make').disabled = true;
  try {
    const r = await api('/api/requests', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    state.waitingFor = { id: r.id, since: Date.now() };
    status('request ' + r.id + ' sent to Kafka; the sticker appears below when the engine answers…');
  } catch (e) {
    status('refused: ' + e.message, true);
  } finally {
    updateMake();
  }
}

// --- stickers ----------------------------------------------------------------------------
async function loadImages() {
  if (!state.user) return;
  const images = await api('/api/users/' + enc(state.user) + '/images?limit=24');
  const grid = $('#images');
  const cards = images.map(card);
  grid.replaceChildren(...cards);
  if (!images.length) grid.append(el('div', { class: 'muted' }, 'no stickers yet'));
  if (state.waitingFor && images.some((i) => i.requestId === state.waitingFor.id)) {
    const secs = ((Date.now() - state.waitingFor.since) / 1000).toFixed(1);
    status('your sticker arrived after ' + secs + ' s');
    state.waitingFor = null;
  }
}

function card(img) {
  const react = async (action) => {
    try {
      await api('/api/reactions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: state.user, imageId: img.imageId, action }) });
      status(action.toLowerCase() + ' sent for ' + img.imageId);
      c.className = 'card reacted-' + action;
    } catch (e) { status('reaction refused: ' + e.message, true); }
  };
  const scores = img.personalization == null ? '' :
    ' · personalization ' + img.personalization.toFixed(2) + ' · alignment ' + img.semanticAlignment.toFixed(2);
  const c = el('div', { class: 'card' + (img.reaction ? ' reacted-' + img.reaction : ''), 'data-image': img.imageId, 'data-request': img.requestId },
    el('img', { class: 'sticker', src: img.png, alt: 'sticker ' + img.imageId }),
    el('div', { class: 'meta' }, img.modelVersion + (img.variant ? ' · ' + (img.experimentId ? img.experimentId + '/' : '') + img.variant : '') +
      ' · α_h ' + img.alphaH.toFixed(2) + ' · α_r ' + img.alphaR.toFixed(2) + scores),
    el('div', { class: 'actions' },
      el('button', { class: 'like', onclick: () => react('LIKE') }, 'Like'),
      el('button', { class: 'skip', onclick: () => react('SKIP') }, 'Skip')));
  return c;
}

// --- experiments -------------------------------------------------------------------------
async function loadExperiments() {
  const list = await api('/api/experiments');
  const box = $('#experiments');
  if (!list.length) { box.replaceChildren(el('div', { class: 'muted' }, 'no experiments (create one with `experiment create`)')); return; }
  const parts = [];
  for (const e of list) {
    let report;
    try { report = await api('/api/experiments/' + enc(e.id) + '/report'); } catch (err) { report = null; }
    parts.push(experiment(e, report));
  }
  box.replaceChildren(...parts);
}

function experiment(e, r) {
  const head = el('div', {}, el('strong', {}, e.id), ' ', el('span', { class: 'muted' }, e.status + ' · ' +
    e.variants.map((v) => v.name + ' ' + Math.round(v.weight * 100) + '%').join(' / ')));
  if (!r) return el('div', { class: 'experiment' }, head, el('div', { class: 'muted' }, 'no results yet'));
  const srm = r.sampleRatioMismatch
    ? el('div', { class: 'srm' }, 'SAMPLE RATIO MISMATCH: users ' + r.users.join(' / ') + ' do not fit the weights (p = ' + r.srmP.toExponential(1) + '); do not trust these results')
    : el('div', { class: 'muted' }, 'users ' + r.users.join(' / ') + ' · exposures ' + r.exposures.join(' / ') + ' · sample ratio ok');
  const rows = r.rows.map((x) => el('tr', {},
    el('td', {}, x.variant), el('td', {}, (x.judged ? '★ ' : '') + x.metric), el('td', {}, x.value.toFixed(3)), el('td', {}, x.control.toFixed(3)),
    el('td', {}, x.lift == null ? '–' : (100 * x.lift).toFixed(1) + '% [' + (100 * x.liftLow).toFixed(1) + ', ' + (100 * x.liftHigh).toFixed(1) + ']'),
    el('td', {}, x.adjustedP == null ? '–' : x.adjustedP.toFixed(4)), el('td', {}, x.decision)));
  const table = el('table', {}, el('tr', {}, ...['variant', 'metric', 'value', 'control', 'lift [95%]', 'p (always-valid, Holm)', 'decision'].map((h) => el('th', {}, h))), ...rows);
  return el('div', { class: 'experiment' }, head, srm, chart(r), table);
}

// like rate per variant with the 95% interval of each treatment's lift applied to the control
function chart(r) {
  const ns = 'http://www.w3.org/2000/svg';
  const likes = r.rows.filter((x) => x.metric === 'like_rate');
  const bars = [];
  if (likes.length) bars.push({ name: r.variants[0], value: likes[0].control, low: null, high: null });
  likes.forEach((x) => bars.push({ name: x.variant, value: x.value,
    low: x.liftLow == null ? null : x.control * (1 + x.liftLow), high: x.liftHigh == null ? null : x.control * (1 + x.liftHigh) }));
  const svg = document.createElementNS(ns, 'svg');
  const w = 460, h = 34 * Math.max(1, bars.length) + 20;
  svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('class', 'chart');
  const max = Math.max(0.05, ...bars.map((b) => Math.max(b.value, b.high || 0))) * 1.1;
  const x = (v) => 110 + (w - 130) * v / max;
  const add = (tag, attrs, text) => { const n = document.createElementNS(ns, tag); Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v)); if (text) n.textContent = text; svg.append(n); };
  bars.forEach((b, i) => {
    const y = 10 + i * 34;
    add('text', { x: 0, y: y + 15 }, b.name);
    add('rect', { x: 110, y, width: Math.max(1, x(b.value) - 110), height: 20, fill: i ? '#3b6cf6' : '#9aa6c4', rx: 3 });
    add('text', { x: x(b.value) + 4, y: y + 15 }, b.value.toFixed(3));
    if (b.low != null && b.high != null) add('line', { x1: x(Math.max(0, b.low)), x2: x(b.high), y1: y + 10, y2: y + 10, stroke: '#1d2330', 'stroke-width': 2 });
  });
  if (!bars.length) add('text', { x: 0, y: 20 }, 'no like rate yet');
  const wrap = el('div', { class: 'muted' }, 'like rate per variant (whisker: the 95% interval of the lift, on the control\'s scale)');
  wrap.append(el('br'), svg);
  return wrap;
}

// --- instances ---------------------------------------------------------------------------
async function loadInstances() {
  try {
    const list = await api('/api/instances');
    $('#instances').textContent = list.map((i) => (i.host || '?') + ': ' + (i.modelVersion || 'starting') +
      (i.variantModels && i.variantModels.length ? ' (+ ' + i.variantModels.join(', ') + ')' : '')).join(' · ');
  } catch (e) { $('#instances').textContent = 'engine: ' + e.message; }
}

// --- wiring ------------------------------------------------------------------------------
$('#use-user').addEventListener('click', () => openUser($('#user').value));
$('#user').addEventListener('keydown', (e) => { if (e.key === 'Enter') openUser($('#user').value); });
$('#new-user').addEventListener('click', () => openUser('web-' + Math.random().toString(36).slice(2, 8)));
$('#search').addEventListener('input', (e) => { clearTimeout(searchTimer); searchTimer = setTimeout(() => search(e.target.value), 250); });
$('#upload').addEventListener('change', (e) => readUpload(e.target.files[0]));
$('#make').addEventListener('click', make);

const initial = new URLSearchParams(location.search).get('user') || localStorage.getItem('pigeon-user');
loadInstances();
search('');
loadExperiments();
if (initial) openUser(initial).catch((e) => status(e.message, true));
setInterval(() => { if (state.user) loadImages().catch(() => {}); }, 1500);
setInterval(() => { loadExperiments().catch(() => {}); loadInstances(); }, 15000);
