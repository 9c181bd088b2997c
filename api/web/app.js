// Mindprint's web page: analyse a text, search and edit the copy library.
// Plain script, no build step, nothing loaded from elsewhere. The pure
// functions come first (byte offsets, spans); the page wiring runs only in a
// browser, so the functions can be checked outside one.
'use strict';

// The values the API accepts; web_test.go checks them against the server's.
const LANGUAGES = ['en', 'fi', 'lv', 'pl'];
const LANGUAGE_NAMES = {en: 'English', fi: 'Finnish', lv: 'Latvian', pl: 'Polish'};
const TRAITS = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'];
const POLES = ['high', 'low'];
const MINDSETS = ['fixed', 'growth', 'dual', 'any'];
const KINDS = ['cta', 'headline', 'subject_line', 'body', 'banner'];
const TOUCHPOINTS = ['landing_page', 'email', 'onsite', 'push', 'ad'];
const INDUSTRIES = ['innovation', 'travel', 'creative', 'careers', 'finance', 'self-improvement', 'fashion',
  'nightlife', 'fitness', 'charity', 'wellness', 'lifestyle', 'insurance', 'healthcare', 'mental-wellbeing', 'general'];

const FLAG_NOTES = {
  short_text: 'Short text: the scores rest on few words.',
  low_coverage: 'Few words matched the lexicon: read the scores as hints.',
  repetitive: 'The text repeats itself; repeats count less.',
  unsupported_language: 'No lexicon for this language: nothing was scored.',
  undetermined_language: 'The language could not be told apart; try setting it.',
  truncated: 'The text was cut at the size limit.',
};

// ---- UTF-8 byte offsets and JavaScript string indexes ----
//
// The API gives evidence and highlights as byte offsets into the UTF-8 text
// it received. JavaScript strings count UTF-16 code units, so "ä" is 2 bytes
// but 1 unit and "🙂" is 4 bytes but 2 units. byteOffsetTable walks the text
// once, code point by code point, adding each one's UTF-8 length (1-4
// bytes; a lone surrogate counts 3, as it is sent as U+FFFD) to the byte
// position and its UTF-16 length (1-2) to the index, and records the index
// at each byte position that starts a character. An offset inside a
// character has no index (-1) and its span is skipped, never cut.

function utf8Length(codePoint) {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

// byteOffsetTable returns an Int32Array t with t[byteOffset] = string index
// for every character start and for the end of text, and -1 elsewhere.
function byteOffsetTable(text) {
  let bytes = 0;
  for (const ch of text) bytes += utf8Length(ch.codePointAt(0));
  const table = new Int32Array(bytes + 1).fill(-1);
  let b = 0;
  let i = 0;
  for (const ch of text) {
    table[b] = i;
    b += utf8Length(ch.codePointAt(0));
    i += ch.length;
  }
  table[b] = i;
  return table;
}

// toIndexes maps a byte span [start, end) to string indexes [from, to), or
// null when it does not fall on character boundaries inside the text.
function toIndexes(table, start, end) {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > table.length - 1 || start >= end) {
    return null;
  }
  const from = table[start];
  const to = table[end];
  if (from < 0 || to < 0) return null;
  return [from, to];
}

// evidenceSpans gathers the evidence of an analysis result as string index
// spans: [{from, to, label, kind, pole, entry, weight, negated, text}].
function evidenceSpans(text, result) {
  const table = byteOffsetTable(text);
  const spans = [];
  const add = (kind, ev) => {
    const ix = toIndexes(table, ev.start, ev.end);
    if (!ix) return;
    spans.push({from: ix[0], to: ix[1], kind, pole: ev.pole, entry: ev.entry, weight: ev.weight,
      negated: !!ev.negated, text: ev.text});
  };
  for (const t of TRAITS) {
    const ts = result.traits && result.traits[t];
    for (const ev of (ts && ts.evidence) || []) add(t, ev);
  }
  for (const ev of (result.mindset && result.mindset.evidence) || []) add('mindset', ev);
  spans.sort((a, b) => a.from - b.from || b.to - a.to);
  return spans;
}

// segments cuts text at every span boundary: [{text, spans}] in order, each
// piece with the spans covering it (none for plain text).
function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const s of spans) {
    cuts.add(s.from);
    cuts.add(s.to);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const from = points[k];
    const to = points[k + 1];
    out.push({text: text.slice(from, to), spans: spans.filter((s) => s.from <= from && s.to >= to)});
  }
  return out;
}

// ---- the page ----

const KEY_STORE = 'mindprint.apiKey';

function $(id) {
  return document.getElementById(id);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function fmt(n, digits = 2) {
  return (n > 0 ? '+' : '') + Number(n).toFixed(digits);
}

function ordinal(n) {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

// api sends one request with the stored key and reads the answer.
async function api(method, path, opts = {}) {
  const headers = Object.assign({}, opts.headers);
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) headers.Authorization = 'Bearer ' + key;
  let body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  let resp;
  try {
    resp = await fetch(path, {method, headers, body, cache: 'no-store'});
  } catch (err) {
    return {status: 0, ok: false, headers: new Headers(), data: {title: 'Network error', detail: String(err)}};
  }
  let data = null;
  if (resp.status !== 204 && resp.status !== 304) {
    const ct = resp.headers.get('Content-Type') || '';
    data = ct.includes('json') ? await resp.json().catch(() => null) : await resp.text();
  }
  return {status: resp.status, ok: resp.ok, headers: resp.headers, data};
}

// problemNode explains an error answer, each bad field on its own line.
function problemNode(r) {
  const p = (r.data && typeof r.data === 'object') ? r.data : {title: 'Error ' + r.status, detail: String(r.data || '')};
  const box = el('div', {});
  let hint = '';
  if (r.status === 401) hint = ' Enter an API key at the top right.';
  if (r.status === 403) hint = ' Ask for a key with that scope.';
  box.append(el('strong', {text: (p.title || 'Error') + (r.status ? ' (' + r.status + ')' : '')}),
    ' ', (p.detail || '') + hint);
  if (Array.isArray(p.errors) && p.errors.length) {
    box.append(el('ul', {}, ...p.errors.map((e) => el('li', {}, el('code', {text: e.field}), ' ', e.detail))));
  }
  return box;
}

function show(node, content) {
  node.replaceChildren(...(Array.isArray(content) ? content : [content]));
  node.hidden = false;
}

function hide(node) {
  node.hidden = true;
  node.replaceChildren();
}

function fillSelects() {
  const lists = {languages: LANGUAGES, traits: TRAITS, poles: POLES, mindsets: MINDSETS, kinds: KINDS,
    touchpoints: TOUCHPOINTS, industries: INDUSTRIES};
  for (const sel of document.querySelectorAll('select[data-options]')) {
    const any = sel.dataset.any;
    if (any) sel.append(el('option', {value: '', text: any}));
    for (const v of lists[sel.dataset.options]) {
      const name = sel.dataset.options === 'languages' ? LANGUAGE_NAMES[v] + ' (' + v + ')' : v.replace(/_/g, ' ');
      sel.append(el('option', {value: v, text: name}));
    }
  }
}

// ---- API key ----

function showKeyState() {
  const has = !!sessionStorage.getItem(KEY_STORE);
  $('key-state').textContent = has ? 'key set for this tab' : 'no key';
  $('api-key').value = '';
}

function initKey() {
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = $('api-key').value.trim();
    if (v) sessionStorage.setItem(KEY_STORE, v);
    showKeyState();
  });
  $('key-forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORE);
    showKeyState();
  });
  showKeyState();
}

// ---- tabs ----

function selectTab(name) {
  for (const t of ['analyze', 'copy']) {
    const on = t === name;
    $('tab-' + t).setAttribute('aria-selected', String(on));
    $('panel-' + t).hidden = !on;
  }
  if (name === 'copy' && !$('hits').childElementCount) search(false);
}

// ---- analyze ----

const KIND_LABEL = {mindset: 'mindset'};

function traitRow(name, ts) {
  const score = ts.score || 0;
  const bar = el('div', {class: 'bar', title: 'score ' + fmt(score) + ' (-1 low pole .. +1 high pole)'});
  const fill = el('div', {class: 'fill t-' + name});
  const w = Math.min(Math.abs(score), 1) * 50;
  fill.style.width = w + '%';
  fill.style.left = (score >= 0 ? 50 : 50 - w) + '%';
  bar.append(el('div', {class: 'mid'}), fill);
  const pct = ts.percentile === null || ts.percentile === undefined ? 'no norms' : ordinal(ts.percentile) + ' percentile';
  const n = ts.evidence_count !== undefined ? ts.evidence_count : (ts.evidence || []).length;
  return el('div', {class: 'trait'},
    el('div', {class: 'tname'}, el('span', {class: 'dot t-' + name}), name),
    bar,
    el('div', {class: 'tnums'}, fmt(score), ' · ', pct, ' · confidence ', Number(ts.confidence || 0).toFixed(2),
      ' · ', n + (n === 1 ? ' word' : ' words')));
}

function renderAnalysis(text, res) {
  const lang = res.language || {};
  $('summary').replaceChildren(
    el('strong', {text: LANGUAGE_NAMES[lang.code] || lang.code || 'und'}),
    ' (' + (lang.source === 'hint' ? 'as given' : 'detected, confidence ' + Number(lang.confidence || 0).toFixed(2)) + ')',
    ' · ' + (res.words || 0) + ' words · lexicon ' + (res.lexicon_version || ''));
  $('traits').replaceChildren(...TRAITS.map((t) => traitRow(t, (res.traits && res.traits[t]) || {})));

  const m = res.mindset || {};
  const mbar = el('div', {class: 'bar mbar', title: 'score ' + fmt(m.score || 0) + ' (-1 fixed .. +1 growth)'});
  const mfill = el('div', {class: 'fill ' + ((m.score || 0) < 0 ? 'm-fixed' : 'm-growth')});
  const mw = Math.min(Math.abs(m.score || 0), 1) * 50;
  mfill.style.width = mw + '%';
  mfill.style.left = ((m.score || 0) >= 0 ? 50 : 50 - mw) + '%';
  mbar.append(el('div', {class: 'mid'}), mfill);
  $('mindset').replaceChildren(
    el('div', {class: 'mrow'}, el('span', {class: 'badge m-' + (m.label || 'unknown'), text: m.label || 'unknown'}),
      el('span', {class: 'muted small', text: 'fixed'}), mbar, el('span', {class: 'muted small', text: 'growth'})),
    el('div', {class: 'tnums'}, 'score ' + fmt(m.score || 0) + ' · confidence ' + Number(m.confidence || 0).toFixed(2)));

  $('flags').replaceChildren(...(res.flags || []).map((f) =>
    el('li', {}, el('code', {text: f}), ' ', FLAG_NOTES[f] || '')));

  // Evidence, highlighted in the text as sent.
  const spans = evidenceSpans(text, res);
  const present = [...new Set(spans.map((s) => s.kind))];
  $('legend').replaceChildren(...present.map((k) => el('span', {class: 'chip t-' + k, text: KIND_LABEL[k] || k})));
  const out = $('evidence-text');
  out.replaceChildren();
  for (const seg of segments(text, spans)) {
    if (!seg.spans.length) {
      out.append(seg.text);
      continue;
    }
    const first = seg.spans[0];
    const title = seg.spans.map((s) => (s.kind === 'mindset' ? 'mindset ' : s.kind + ' ') + s.pole +
      ' · ' + s.entry + ' · weight ' + Number(s.weight).toFixed(2) + (s.negated ? ' · negated' : '')).join('\n');
    out.append(el('mark', {class: 't-' + first.kind + (seg.spans.length > 1 ? ' multi' : '') + (first.negated ? ' negated' : ''),
      title, text: seg.text}));
  }
  if (!spans.length) out.append(el('p', {class: 'muted', text: '(no lexicon words matched)'}));

  renderRecommendations(res.recommendations);
  $('analyze-result').hidden = false;
}

function recItem(r) {
  const v = r.variant || {};
  return el('li', {class: 'rec'},
    el('div', {class: 'rec-head'},
      el('span', {class: 'badge', text: (v.kind || '').replace(/_/g, ' ')}),
      r.role ? el('span', {class: 'badge role', text: r.role}) : null,
      el('span', {class: 'fit', text: 'fit ' + Number(r.fit || 0).toFixed(2)}),
      el('span', {class: 'muted small', text: v.id + ' · ' + (v.traits || []).join(', ') + ' · ' + v.mindset})),
    el('div', {class: 'rec-text', text: v.text}),
    el('ul', {class: 'reasons'}, ...(r.reasons || []).map((x) => el('li', {text: x}))));
}

function renderRecommendations(rec) {
  const box = $('strategy');
  if (!rec) {
    box.replaceChildren(el('p', {class: 'muted', text: 'No recommendations: the server has no copy library enabled.'}));
    $('recs').replaceChildren();
    return;
  }
  const s = rec.strategy || {};
  const parts = [el('p', {}, el('strong', {text: 'Strategy: '}), s.summary || '')];
  if (s.tone) parts.push(el('p', {class: 'small'}, el('strong', {text: 'Tone: '}), s.tone));
  if ((s.emphasise || []).length) parts.push(el('p', {class: 'small'}, el('strong', {text: 'Emphasise: '}), s.emphasise.join('; ')));
  if ((s.avoid || []).length) parts.push(el('p', {class: 'small'}, el('strong', {text: 'Avoid: '}), s.avoid.join('; ')));
  if (s.layout) parts.push(el('p', {class: 'small'}, el('strong', {text: 'Layout: '}), s.layout_note || s.layout));
  if (rec.fallback) parts.push(el('p', {class: 'note', text: 'Shown in ' + rec.fallback.to + ': ' + rec.fallback.reason}));
  for (const n of rec.notes || []) parts.push(el('p', {class: 'note', text: n}));
  box.replaceChildren(...parts);
  const items = (rec.recommendations || []).map(recItem);
  $('recs').replaceChildren(...(items.length ? items : [el('li', {class: 'muted', text: 'No copy matches these filters.'})]));
}

async function analyze(e) {
  e.preventDefault();
  const text = $('text').value;
  hide($('analyze-error'));
  if (!text.trim()) {
    show($('analyze-error'), el('div', {text: 'Paste a text first.'}));
    return;
  }
  const req = {text, recommend: {limit: 6}};
  if ($('lang').value) req.lang = $('lang').value;
  if ($('rec-industry').value) req.recommend.industry = $('rec-industry').value;
  if ($('rec-kind').value) req.recommend.kinds = [$('rec-kind').value];
  if ($('rec-touchpoint').value) req.recommend.touchpoint = $('rec-touchpoint').value;
  const btn = e.submitter || $('analyze-form').querySelector('button[type=submit]');
  btn.disabled = true;
  const r = await api('POST', '/v1/analyze', {json: req});
  btn.disabled = false;
  if (!r.ok) {
    show($('analyze-error'), problemNode(r));
    return;
  }
  // The offsets refer to exactly the text that was sent.
  renderAnalysis(text, r.data);
}

// ---- copy library ----

const FILTERS = ['lang', 'trait', 'pole', 'mindset', 'industry', 'kind', 'touchpoint'];
let nextCursor = '';

function searchParams() {
  const p = new URLSearchParams();
  const q = $('q').value.trim();
  if (q) p.set('q', q);
  for (const f of FILTERS) {
    const v = $('f-' + f).value;
    if (v) p.set(f, v);
  }
  return p;
}

function highlighted(text, highlights) {
  const table = byteOffsetTable(text);
  const spans = [];
  for (const h of highlights || []) {
    const ix = toIndexes(table, h.start, h.end);
    if (ix) spans.push({from: ix[0], to: ix[1]});
  }
  const node = el('div', {class: 'hit-text'});
  for (const seg of segments(text, spans)) node.append(seg.spans.length ? el('mark', {text: seg.text}) : seg.text);
  return node;
}

function hitItem(h) {
  return el('li', {class: 'hit'},
    highlighted(h.text, h.highlights),
    el('div', {class: 'hit-meta'},
      el('span', {class: 'badge', text: h.lang}),
      el('span', {class: 'badge', text: h.kind.replace(/_/g, ' ')}),
      el('span', {class: 'badge m-' + h.mindset, text: h.mindset}),
      ...h.traits.map((t) => el('span', {class: 'chip t-' + t.split(':')[0], text: t})),
      el('span', {class: 'muted small', text: h.industries.join(', ') + ' · ' + h.touchpoint.replace(/_/g, ' ') +
        (h.tags.length ? ' · ' + h.tags.join(' ') : '') + ' · ' + h.id + ' v' + h.version}),
      el('button', {type: 'button', class: 'small-btn', text: 'Edit', onclick: () => openEditor(h.id)})));
}

function renderFacets(facets) {
  const box = $('facets');
  box.replaceChildren();
  for (const name of ['lang', 'trait', 'mindset', 'industry', 'kind', 'touchpoint']) {
    const counts = (facets && facets[name]) || {};
    const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (!entries.length) continue;
    box.append(el('h3', {text: name}));
    box.append(el('ul', {}, ...entries.map(([value, n]) => el('li', {},
      el('button', {type: 'button', class: 'facet', onclick: () => applyFacet(name, value)}, value.replace(/_/g, ' '),
        el('span', {class: 'count', text: String(n)}))))));
  }
}

function applyFacet(name, value) {
  if (name === 'trait') {
    const [trait, pole] = value.split(':');
    $('f-trait').value = trait;
    $('f-pole').value = pole || '';
  } else {
    $('f-' + name).value = value;
  }
  search(false);
}

async function search(more) {
  hide($('search-error'));
  const p = searchParams();
  if (more && nextCursor) p.set('cursor', nextCursor);
  const r = await api('GET', '/v1/copy' + (p.toString() ? '?' + p : ''));
  if (!r.ok) {
    show($('search-error'), problemNode(r));
    return;
  }
  const res = r.data;
  if (!more) $('hits').replaceChildren();
  $('hits').append(...res.hits.map(hitItem));
  $('search-total').textContent = res.total + (res.total === 1 ? ' variant matches' : ' variants match') +
    ' · showing ' + $('hits').childElementCount;
  renderFacets(res.facets);
  nextCursor = res.next_cursor || '';
  $('more').hidden = !nextCursor;
}

// ---- the editor ----

let editing = null; // {id, etag} of the variant in the form; null for a new one

function list(s) {
  return s.split(',').map((x) => x.trim()).filter((x) => x);
}

function formVariant() {
  const v = {
    lang: $('e-lang').value, kind: $('e-kind').value, text: $('e-text').value, mindset: $('e-mindset').value,
    touchpoint: $('e-touchpoint').value, traits: list($('e-traits').value), industries: list($('e-industries').value),
    tags: list($('e-tags').value),
  };
  const id = $('e-id').value.trim();
  if (id) v.id = id;
  return v;
}

function fillForm(v) {
  $('e-id').value = v.id || '';
  $('e-lang').value = v.lang || 'en';
  $('e-kind').value = v.kind || 'cta';
  $('e-mindset').value = v.mindset || 'growth';
  $('e-touchpoint').value = v.touchpoint || 'landing_page';
  $('e-text').value = v.text || '';
  $('e-traits').value = (v.traits || []).join(', ');
  $('e-industries').value = (v.industries || ['general']).join(', ');
  $('e-tags').value = (v.tags || []).join(', ');
}

function clearFieldMarks() {
  for (const n of document.querySelectorAll('#edit-form [data-field]')) n.classList.remove('invalid');
}

function markFields(r) {
  for (const e of (r.data && r.data.errors) || []) {
    const root = String(e.field).split(/[[.]/)[0];
    const n = document.querySelector('#edit-form [data-field="' + CSS.escape(root) + '"]');
    if (n) n.classList.add('invalid');
  }
}

function setEditing(v, etag) {
  editing = v ? {id: v.id, etag} : null;
  $('editor-title').textContent = v ? 'Edit variant ' + v.id : 'New variant';
  $('e-id').readOnly = !!v;
  $('e-delete').hidden = !v;
  $('e-reload').hidden = true;
  $('e-version').textContent = v ? 'version ' + v.version + ' · updated ' + v.updated : '';
}

function message(kind, content) {
  const box = $('editor-message');
  box.className = 'alert' + (kind === 'ok' ? ' ok' : '');
  show(box, content);
}

async function openEditor(id) {
  clearFieldMarks();
  hide($('editor-message'));
  $('editor').hidden = false;
  if (!id) {
    setEditing(null);
    fillForm({lang: $('f-lang').value || 'en', industries: ['general']});
    $('editor').scrollIntoView({behavior: 'smooth'});
    return;
  }
  const r = await api('GET', '/v1/copy/' + encodeURIComponent(id));
  if (!r.ok) {
    message('error', problemNode(r));
    return;
  }
  setEditing(r.data, r.headers.get('ETag'));
  fillForm(r.data);
  $('editor').scrollIntoView({behavior: 'smooth'});
}

async function save(e) {
  e.preventDefault();
  clearFieldMarks();
  hide($('editor-message'));
  const v = formVariant();
  let r;
  if (editing) {
    delete v.id;
    r = await api('PUT', '/v1/copy/' + encodeURIComponent(editing.id), {json: v, headers: {'If-Match': editing.etag}});
  } else {
    r = await api('POST', '/v1/copy', {json: v});
  }
  if (r.status === 412) {
    const current = (r.headers.get('ETag') || '').replace(/"/g, '');
    message('error', el('div', {},
      el('strong', {text: 'Not saved: someone else changed this variant after you opened it'}),
      (current ? ' (it is now at version ' + current + ').' : '.'),
      ' Your edits are still in the form. Reload the saved version to see their change, then apply yours again.'));
    $('e-reload').hidden = false;
    return;
  }
  if (!r.ok) {
    markFields(r);
    message('error', problemNode(r));
    return;
  }
  setEditing(r.data, r.headers.get('ETag'));
  fillForm(r.data);
  message('ok', el('div', {text: (r.status === 201 ? 'Created' : 'Saved') + ': ' + r.data.id + ', version ' + r.data.version + '.'}));
  search(false);
}

async function remove() {
  if (!editing || !window.confirm('Delete ' + editing.id + '?')) return;
  const r = await api('DELETE', '/v1/copy/' + encodeURIComponent(editing.id), {headers: {'If-Match': editing.etag}});
  if (r.status === 412) {
    message('error', el('div', {text: 'Not deleted: someone else changed this variant after you opened it. Reload it and decide again.'}));
    $('e-reload').hidden = false;
    return;
  }
  if (!r.ok) {
    message('error', problemNode(r));
    return;
  }
  $('editor').hidden = true;
  editing = null;
  search(false);
}

function init() {
  fillSelects();
  initKey();
  $('tab-analyze').addEventListener('click', () => selectTab('analyze'));
  $('tab-copy').addEventListener('click', () => selectTab('copy'));
  $('analyze-form').addEventListener('submit', analyze);
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search(false);
  });
  for (const f of FILTERS) $('f-' + f).addEventListener('change', () => search(false));
  $('clear-filters').addEventListener('click', () => {
    $('q').value = '';
    for (const f of FILTERS) $('f-' + f).value = '';
    search(false);
  });
  $('more').addEventListener('click', () => search(true));
  $('new-variant').addEventListener('click', () => openEditor(''));
  $('edit-form').addEventListener('submit', save);
  $('e-delete').addEventListener('click', remove);
  $('e-reload').addEventListener('click', () => editing && openEditor(editing.id));
  $('e-close').addEventListener('click', () => {
    $('editor').hidden = true;
  });
  if (location.hash === '#copy') selectTab('copy');
}

if (typeof document !== 'undefined') {
  document.addEventListener('DOMContentLoaded', init);
}
