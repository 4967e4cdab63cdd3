// SPDX-License-Identifier: MIT
// Tessera trace viewer (trace.html): parses the Chrome JSON trace format (traceEvents with
// ph, ts, dur, pid, tid, name; "M" metadata naming processes and threads) and draws one
// track per (pid, tid): slices ("X") as boxes, instants ("i") as ticks, on a shared time
// axis in microseconds. #summary states what was drawn (the test reads it).
'use strict';

const LABEL_W = 190, ROW_H = 22, TOP = 24;
let tracks = [], t0 = 0, t1 = 1, viewFrom = 0, viewTo = 1;

function parse(json) {
  const ev = Array.isArray(json) ? json : json.traceEvents;
  const procs = {}, threads = {}, byKey = new Map();
  if (!Array.isArray(ev)) throw new Error('no traceEvents array');
  for (const e of ev) {
    if (e.ph === 'M' && e.name === 'process_name') procs[e.pid] = e.args.name;
    if (e.ph === 'M' && e.name === 'thread_name') threads[e.pid + '/' + e.tid] = e.args.name;
  }
  t0 = Infinity; t1 = -Infinity;
  for (const e of ev) {
    if (e.ph !== 'X' && e.ph !== 'i') continue;
    const key = e.pid + '/' + e.tid;
    if (!byKey.has(key)) byKey.set(key, { pid: e.pid, tid: e.tid, slices: [], marks: [] });
    const tr = byKey.get(key);
    if (e.ph === 'X') tr.slices.push({ ts: e.ts, dur: e.dur || 0, name: e.name });
    else tr.marks.push({ ts: e.ts, name: e.name });
    t0 = Math.min(t0, e.ts); t1 = Math.max(t1, e.ts + (e.dur || 0));
  }
  tracks = [...byKey.values()].sort((a, b) => a.pid - b.pid || a.tid - b.tid);
  for (const tr of tracks) {
    tr.label = (procs[tr.pid] || 'pid ' + tr.pid) + ': ' + (threads[tr.pid + '/' + tr.tid] || 'tid ' + tr.tid);
  }
  if (!tracks.length) { t0 = 0; t1 = 1; }
  viewFrom = t0; viewTo = t1;
}

function colour(name) {
  let h = 0;
  const kind = name.split(' ')[0];
  for (const c of kind) h = (h * 31 + c.charCodeAt(0)) % 360;
  return 'hsl(' + h + ',60%,55%)';
}

function draw() {
  const cv = document.getElementById('view'), g = cv.getContext('2d');
  cv.height = TOP + ROW_H * Math.max(tracks.length, 1) + 4;
  g.clearRect(0, 0, cv.width, cv.height);
  const w = cv.width - LABEL_W, span = Math.max(viewTo - viewFrom, 1e-6);
  const x = ts => LABEL_W + (ts - viewFrom) / span * w;
  g.font = '11px sans-serif';
  g.fillStyle = '#333';
  for (let i = 0; i <= 5; i++) {
    const ts = viewFrom + span * i / 5;
    g.fillText((ts / 1000).toFixed(3) + ' ms', LABEL_W + w * i / 5 - (i === 5 ? 70 : 0), 14);
  }
  let drawn = 0;
  tracks.forEach((tr, i) => {
    const y = TOP + i * ROW_H;
    g.fillStyle = i % 2 ? '#f4f4f4' : '#fff';
    g.fillRect(0, y, cv.width, ROW_H);
    g.fillStyle = '#000';
    g.fillText(tr.label.slice(0, 30), 4, y + 15);
    for (const s of tr.slices) {
      if (s.ts + s.dur < viewFrom || s.ts > viewTo) continue;
      const a = Math.max(x(s.ts), LABEL_W), b = Math.min(x(s.ts + s.dur), cv.width);
      g.fillStyle = colour(s.name);
      g.fillRect(a, y + 3, Math.max(b - a, 1), ROW_H - 6);
      if (b - a > 60) { g.fillStyle = '#000'; g.fillText(s.name.slice(0, (b - a) / 6), a + 2, y + 15); }
      drawn++;
    }
    g.fillStyle = '#c00';
    for (const m of tr.marks) {
      if (m.ts < viewFrom || m.ts > viewTo) continue;
      g.fillRect(x(m.ts), y + 1, 1, ROW_H - 2);
    }
  });
  const n = tracks.reduce((k, tr) => k + tr.slices.length, 0);
  const m = tracks.reduce((k, tr) => k + tr.marks.length, 0);
  document.getElementById('summary').textContent =
    'tracks=' + tracks.length + ' slices=' + n + ' instants=' + m + ' drawn=' + drawn +
    ' span_us=' + (t1 - t0).toFixed(3) + ' view_us=' + (viewTo - viewFrom).toFixed(3) + '\n' +
    tracks.map(tr => '  ' + tr.label + ': ' + tr.slices.length + ' slices').join('\n');
}

// The longest slice whose name starts with the focus text; the view: 100 us before it to
// 20 us after it, every track, so what ran on its CPU just before shows.
function zoomLongest() {
  const want = document.getElementById('focus').value;
  let best = null;
  for (const tr of tracks) {
    for (const s of tr.slices) {
      if (s.name.startsWith(want) && (!best || s.dur > best.s.dur)) best = { s, tr };
    }
  }
  const d = document.getElementById('detail');
  if (!best) { d.textContent = 'no slice named ' + want; return; }
  viewFrom = best.s.ts - 100; viewTo = best.s.ts + best.s.dur + 20;
  d.textContent = 'longest "' + want + '": ' + best.s.dur.toFixed(3) + ' us at ' +
    best.s.ts.toFixed(3) + ' us on ' + best.tr.label;
  draw();
}

function load(text) {
  try {
    parse(JSON.parse(text));
    draw();
  } catch (e) {
    document.getElementById('summary').textContent = 'error: ' + e.message;
  }
}

document.getElementById('file').addEventListener('change', ev => {
  const f = ev.target.files[0];
  if (f) f.text().then(load);
});
document.getElementById('zoom').addEventListener('click', zoomLongest);
document.getElementById('all').addEventListener('click', () => { viewFrom = t0; viewTo = t1; draw(); });
const params = new URLSearchParams(location.search);
if (params.get('trace')) {
  fetch(params.get('trace')).then(r => r.text()).then(text => {
    load(text);
    if (params.get('focus')) { document.getElementById('focus').value = params.get('focus'); zoomLongest(); }
  }).catch(e => { document.getElementById('summary').textContent = 'error: ' + e.message; });
}
