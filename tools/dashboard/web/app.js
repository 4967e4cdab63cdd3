// SPDX-License-Identifier: MIT
// The Tessera dashboard page: polls the dashboard server's JSON API (tools/dashboard/
// dashboard.c; docs/MANAGEMENT.md "Dashboard"), draws the VM table, three uPlot charts, an
// xterm.js console per VM and the hypervisor's log as a timeline.
'use strict';

const POINTS = 120; // chart history: two minutes of one-second samples
const dash = {
  vms: [],            // names, in config order
  times: [],          // sample times (s) for the charts
  traps: {}, irqs: {}, // name -> per-second rates, aligned with times
  cpu: {},            // name -> CPU time in % of one CPU, aligned with times
  exits: {},          // exit class -> per-second rate over all vCPUs, aligned with times
  charts: {},
  consoles: {},       // name -> {term, next}
  logSeen: -1,
  lastState: null,
};
window.tesseraDash = dash; // for the browser test and the curious

function api(path, opts) {
  return fetch(path, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, opts || {}));
}

function hexOf(text) {
  return Array.from(new TextEncoder().encode(text), b => b.toString(16).padStart(2, '0')).join('');
}

function bytesOf(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

function duration(ms) {
  if (ms == null || ms === 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return (ms / 1000).toFixed(1) + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's';
  return Math.floor(s / 3600) + 'h' + String(Math.floor(s % 3600 / 60)).padStart(2, '0') + 'm';
}

function rate(v) { return v == null ? '-' : Math.round(v).toString(); }

function lastExit(vm) {
  const parts = [];
  if (vm.stop) parts.push(vm.stop);
  if (vm.exit && (vm.exit.reason || vm.exit.code)) parts.push('exit ' + vm.exit.reason + '/' + vm.exit.code);
  return parts.length ? parts.join(', ') : '-';
}

async function action(name, op) {
  const r = await api(`api/action?vm=${encodeURIComponent(name)}&op=${op}`, { method: 'POST' });
  const j = await r.json().catch(() => ({ ok: false, message: r.statusText }));
  const row = document.querySelector(`tr[data-vm="${name}"] .result`);
  if (row) row.textContent = j.ok ? '' : (j.message || j.error || 'failed');
  poll();
}

// Snapshot: a download of the VM's state file (docs/SNAPSHOT.md); the VM pauses meanwhile.
function snapshot(name) {
  const a = document.createElement('a');
  a.href = `api/snapshot?vm=${encodeURIComponent(name)}`;
  a.download = name + '.snap';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

// Restore (a snapshot into the stopped VM) or update (a signed bundle, docs/SECURITY.md):
// the chosen file is the request body; the answer is the hypervisor's verdict.
async function upload(name, kind, file) {
  const row = document.querySelector(`tr[data-vm="${name}"] .result`);
  if (row) row.textContent = `${kind}: sending ${file.size} bytes…`;
  const r = await api(`api/${kind}?vm=${encodeURIComponent(name)}`, {
    method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } });
  const text = await r.text();
  let j;
  try { j = JSON.parse(text); } catch (e) { j = { ok: false, message: text || r.statusText }; }
  if (row) row.textContent = `${kind}: ${j.message || (j.ok ? 'ok' : 'failed')}`;
  poll();
}

function fileButton(name, kind) {
  const b = document.createElement('button');
  const input = document.createElement('input');
  input.type = 'file';
  input.hidden = true;
  input.className = 'file-' + kind;
  input.addEventListener('change', () => {
    if (input.files.length) upload(name, kind, input.files[0]);
    input.value = '';
  });
  b.textContent = kind + '…';
  b.dataset.op = kind;
  b.addEventListener('click', () => input.click());
  return [b, input];
}

function buildRow(vm) {
  const tr = document.createElement('tr');
  tr.dataset.vm = vm.name;
  tr.innerHTML = '<td class="name"></td><td><span class="state"></span></td><td class="cpus"></td>' +
    '<td class="mem"></td><td class="up"></td><td class="restarts"></td><td class="exit"></td>' +
    '<td class="traps"></td><td class="irqs"></td><td class="ops"></td>';
  tr.querySelector('.name').textContent = vm.name;
  const ops = tr.querySelector('.ops');
  for (const op of ['pause', 'resume', 'restart', 'stop', 'start']) {
    const b = document.createElement('button');
    b.textContent = op;
    b.dataset.op = op;
    b.addEventListener('click', () => action(vm.name, op));
    ops.appendChild(b);
  }
  const snap = document.createElement('button');
  snap.textContent = 'snapshot';
  snap.dataset.op = 'snapshot';
  snap.addEventListener('click', () => snapshot(vm.name));
  ops.appendChild(snap);
  for (const kind of ['restore', 'update']) ops.append(...fileButton(vm.name, kind));
  const res = document.createElement('span');
  res.className = 'result';
  ops.appendChild(res);
  return tr;
}

function updateRow(tr, vm) {
  const st = tr.querySelector('.state');
  st.textContent = vm.state;
  st.className = 'state ' + vm.state;
  tr.querySelector('.cpus').textContent = (vm.cpus || []).join(',');
  tr.querySelector('.mem').textContent = vm.mem_mib + ' MiB';
  tr.querySelector('.up').textContent = duration(vm.uptime_ms);
  tr.querySelector('.restarts').textContent = vm.restarts;
  tr.querySelector('.exit').textContent = lastExit(vm);
  tr.querySelector('.traps').textContent = rate(vm.traps_per_s);
  tr.querySelector('.irqs').textContent = rate(vm.irqs_per_s);
  const can = { pause: vm.state === 'running', resume: vm.state === 'paused',
    restart: vm.state !== 'resetting', stop: vm.state === 'running' || vm.state === 'paused',
    start: vm.state === 'stopped', snapshot: vm.state === 'running' || vm.state === 'paused',
    restore: vm.state === 'stopped', update: vm.state !== 'resetting' };
  for (const b of tr.querySelectorAll('button')) b.disabled = !can[b.dataset.op];
}

// Exit classes of the stats JSON (`exits` and `mmio` arrays: docs/MANAGEMENT.md "stats").
const EXIT_CLASSES = [
  ['HVC', 'exits', ['hvc_tessera', 'hvc_psci', 'hvc_arch', 'hvc_other', 'smc']],
  ['system register', 'exits', ['sysreg']],
  ['WFx', 'exits', ['wfx']],
  ['MMIO', 'mmio', ['gicd', 'gicr', 'uart', 'virtio']],
  ['abort', 'mmio', ['other', 'iabt']],
  ['IRQ', 'exits', ['irq']],
];

function classRate(stats, arr, keys) {
  let sum = 0;
  for (const e of (stats && stats[arr]) || []) {
    for (const k of keys) sum += e[k + '_per_s'] || 0;
  }
  return sum;
}

function makeChart(id, title, labels, unit) {
  const opts = {
    width: 520, height: 220, title,
    scales: { x: { time: false } },
    axes: [{ label: 'seconds' }, { label: unit || 'per second' }],
    series: [{ label: 'time' }].concat((labels || dash.vms).map((n, i) => ({
      label: n, stroke: ['#2a6fdb', '#d9480f', '#2b8a3e', '#ae3ec9', '#e67700', '#0c8599', '#5c940d', '#c2255c'][i % 8],
      width: 2,
    }))),
  };
  return new uPlot(opts, [[]].concat((labels || dash.vms).map(() => [])), document.getElementById(id));
}

function buildConsole(name) {
  const box = document.createElement('div');
  box.className = 'console';
  box.dataset.vm = name;
  box.innerHTML = '<h3></h3><div class="term"></div>';
  box.querySelector('h3').textContent = name;
  document.getElementById('consoles').appendChild(box);
  const term = new Terminal({ cols: 80, rows: 14, convertEol: true, fontSize: 12, scrollback: 1000 });
  term.open(box.querySelector('.term'));
  const c = { term, next: 0, busy: false, text: '', typed: '', sending: false };
  term.onData(data => { c.typed += data; sendInput(name, c); });
  dash.consoles[name] = c;
}

// Typed input goes out in order: one request at a time, each with everything typed meanwhile
// (requests in flight together could reach the hypervisor in any order).
async function sendInput(name, c) {
  if (c.sending) return;
  c.sending = true;
  while (c.typed.length) {
    const chunk = c.typed.slice(0, 256);
    c.typed = c.typed.slice(chunk.length);
    try {
      await api(`api/input?vm=${encodeURIComponent(name)}&hex=${hexOf(chunk)}`, { method: 'POST' });
    } catch (e) { /* dropped, like a key typed to a console that went away */ }
  }
  c.sending = false;
}

async function pollConsole(name) {
  const c = dash.consoles[name];
  if (!c || c.busy) return;
  c.busy = true;
  try {
    for (let round = 0; round < 8; round++) {
      const r = await api(`api/console?vm=${encodeURIComponent(name)}&from=${c.next}`);
      if (!r.ok) break;
      const j = await r.json();
      if (j.lost > 0 && c.next > 0) c.term.write(`\r\n[${j.lost} bytes dropped]\r\n`);
      if (j.hex.length) {
        const bytes = bytesOf(j.hex);
        c.term.write(bytes);
        c.text += new TextDecoder().decode(bytes); // what the test reads
        if (c.text.length > 65536) c.text = c.text.slice(-32768);
      }
      c.next = j.next;
      if (j.next >= j.end) break;
    }
  } catch (e) { /* the next round tries again */ }
  c.busy = false;
}

// CPU time, in % of one CPU: a vCPU on a shared CPU reports what its CPU's policy charged
// it (stats "vcpu" lines, used_us per second); a vCPU on a CPU of its own holds that CPU
// whenever its VM runs (its WFI is not trapped, for latency), so it counts as 100 %.
function cpuShare(state, vm) {
  const mine = ((state.stats && state.stats.vcpus) || []).filter(e => String(e.vcpu).startsWith(vm.name + '.'));
  if (mine.length) return mine.reduce((sum, e) => sum + (e.used_us_per_s || 0) / 1e4, 0);
  return vm.state === 'running' ? (vm.cpus || []).length * 100 : 0;
}

function updateCharts(state) {
  const t = state.list.uptime_ms / 1000;
  if (dash.times.length && t <= dash.times[dash.times.length - 1]) return;
  dash.times.push(t);
  for (const vm of state.list.vms) {
    (dash.traps[vm.name] = dash.traps[vm.name] || []).push(vm.traps_per_s);
    (dash.irqs[vm.name] = dash.irqs[vm.name] || []).push(vm.irqs_per_s);
    (dash.cpu[vm.name] = dash.cpu[vm.name] || []).push(cpuShare(state, vm));
  }
  for (const [name, arr, keys] of EXIT_CLASSES) {
    (dash.exits[name] = dash.exits[name] || []).push(classRate(state.stats, arr, keys));
  }
  if (dash.times.length > POINTS) {
    dash.times.shift();
    for (const n of dash.vms) { dash.traps[n].shift(); dash.irqs[n].shift(); dash.cpu[n].shift(); }
    for (const [n] of EXIT_CLASSES) dash.exits[n].shift();
  }
  dash.charts.cpu.setData([dash.times].concat(dash.vms.map(n => dash.cpu[n])));
  dash.charts.traps.setData([dash.times].concat(dash.vms.map(n => dash.traps[n])));
  dash.charts.irqs.setData([dash.times].concat(dash.vms.map(n => dash.irqs[n])));
  dash.charts.exits.setData([dash.times].concat(EXIT_CLASSES.map(([n]) => dash.exits[n])));
}

function updateTimeline(log) {
  const ol = document.getElementById('timeline');
  for (const e of log) {
    if (e.seq <= dash.logSeen) continue;
    dash.logSeen = e.seq;
    const li = document.createElement('li');
    li.className = e.level;
    li.value = e.seq;
    li.textContent = `[${(e.time_us / 1e6).toFixed(3)}] ${e.level.padEnd(5)} ${e.text}`;
    ol.appendChild(li);
  }
  ol.scrollTop = ol.scrollHeight;
}

function setup(state) {
  dash.vms = state.list.vms.map(v => v.name);
  const body = document.querySelector('#vms tbody');
  for (const vm of state.list.vms) body.appendChild(buildRow(vm));
  dash.charts.cpu = makeChart('chart-cpu', 'CPU time, % of one CPU', null, '% of a CPU');
  dash.charts.traps = makeChart('chart-traps', 'traps/s');
  dash.charts.irqs = makeChart('chart-irqs', 'IRQs/s');
  dash.charts.exits = makeChart('chart-exits', 'exits/s', EXIT_CLASSES.map(([n]) => n));
  for (const n of dash.vms) buildConsole(n);
}

async function poll() {
  let state;
  try {
    const r = await api('api/state');
    state = await r.json();
  } catch (e) {
    state = { connected: false, log: [] };
  }
  const conn = document.getElementById('conn');
  conn.textContent = state.connected ? 'connected' : 'no answer from the hypervisor';
  conn.className = 'conn' + (state.connected ? ' ok' : '');
  dash.lastState = state;
  if (state.connected) {
    if (!dash.vms.length) setup(state);
    for (const vm of state.list.vms) {
      const tr = document.querySelector(`tr[data-vm="${vm.name}"]`);
      if (tr) updateRow(tr, vm);
    }
    const s = state.stats;
    document.getElementById('summary').textContent =
      `up ${duration(s.uptime_ms)} · ${s.running} of ${s.vms} VMs running · ${s.free_pages} free hypervisor pages`;
    updateCharts(state);
  }
  updateTimeline(state.log || []);
}

poll();
setInterval(poll, 1000);
setInterval(() => { for (const n of dash.vms) pollConsole(n); }, 300);
