// SPDX-License-Identifier: MIT
// Browser half of tests/system/dashboard.sh: drives Debian's headless Chromium (through
// playwright-core, pinned in tools/dashboard/web/package-lock.json) against a running
// dashboard. Usage: node dashboard_browser.js URL OUT_DIR. Prints "PASS: system/dashboard_X"
// or "FAIL: system/dashboard_X (why)" per check; exits 1 if any failed.
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');

const [url, outDir] = process.argv.slice(2);
let failed = false;
const pass = name => console.log(`PASS: system/dashboard_${name}`);
const fail = (name, why) => { console.log(`FAIL: system/dashboard_${name} (${why})`); failed = true; };

async function check(name, fn) {
  try {
    const why = await fn();
    if (why) fail(name, why); else pass(name);
  } catch (e) {
    fail(name, String(e.message || e).split('\n')[0]);
  }
}

// A screenshot is non-blank if it is big enough and has many colours (decoded by Chromium).
async function imageStats(page, file) {
  const data = require('fs').readFileSync(file).toString('base64');
  return page.evaluate(async src => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let nonWhite = 0;
    for (let i = 0; i < px.length; i += 4) {
      colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      if (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240) nonWhite++;
    }
    return { width: c.width, height: c.height, colours: colours.size, dark: nonWhite / (px.length / 4) };
  }, 'data:image/png;base64,' + data);
}

const stateOf = (page, vm) => page.locator(`tr[data-vm="${vm}"] .state`).textContent();

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));

  await check('page_loads', async () => {
    await page.goto(url);
    await page.waitForSelector('tr[data-vm="reader"]', { timeout: 15000 });
    await page.waitForSelector('tr[data-vm="ticker"]', { timeout: 5000 });
    const text = await page.innerText('body');
    if (!text.includes('reader') || !text.includes('ticker')) return 'VM names not on the page';
    if ((await stateOf(page, 'ticker')) !== 'running') return 'ticker not shown running';
    return null;
  });

  await check('chart_has_data', async () => {
    await page.waitForFunction(() => {
      const d = window.tesseraDash;
      const t = d.traps.ticker || [];
      const c = d.cpu.ticker || [];
      return d.times.length >= 3 && t.length && t[t.length - 1] > 0 && c[c.length - 1] === 100;
    }, null, { timeout: 15000 });
    return null;
  });
  const overview = path.join(outDir, 'overview.png');
  await page.screenshot({ path: overview, fullPage: true });

  await check('pause_button', async () => {
    await page.click('tr[data-vm="ticker"] button[data-op="pause"]');
    await page.waitForFunction(() =>
      document.querySelector('tr[data-vm="ticker"] .state').textContent === 'paused', null, { timeout: 10000 });
    // The chart follows: the paused VM's trap rate drops to 0, its neighbour's does not.
    await page.waitForFunction(() => {
      const d = window.tesseraDash;
      const t = d.traps.ticker, r = d.traps.reader;
      return t[t.length - 1] === 0 && r[r.length - 1] > 0;
    }, null, { timeout: 10000 });
    // And the CPU-time chart: the paused VM's share is 0, its neighbour's (a CPU of its own) 100 %.
    await page.waitForFunction(() => {
      const d = window.tesseraDash;
      const t = d.cpu.ticker, r = d.cpu.reader;
      return t[t.length - 1] === 0 && r[r.length - 1] === 100;
    }, null, { timeout: 10000 });
    return null;
  });

  await check('console_echo', async () => {
    // Wait for the history (what reader printed before the page was opened).
    await page.waitForFunction(() => (window.tesseraDash.consoles.reader || {}).text.includes('console_reader: ready'),
      null, { timeout: 10000 });
    await page.click('.console[data-vm="reader"] .term');
    // END first: the guest's count starts from here, whatever was typed before.
    await page.keyboard.type('END');
    await page.keyboard.press('Control+J');
    await page.waitForFunction(() => /console_reader: lines=/.test(window.tesseraDash.consoles.reader.text),
      null, { timeout: 10000 });
    await page.keyboard.type('typed in a browser');
    await page.keyboard.press('Control+J'); // a line feed: console_reader counts lines
    await page.keyboard.type('END');
    await page.keyboard.press('Control+J');
    const want = 'TEST console_reader: lines=1 bytes=19 sum=' + process.env.WANT_SUM;
    await page.waitForFunction(w => window.tesseraDash.consoles.reader.text.includes(w), want, { timeout: 10000 });
    // And it is on the terminal itself (xterm's buffer), not only in our copy.
    const shown = await page.evaluate(w => {
      const b = window.tesseraDash.consoles.reader.term.buffer.active;
      for (let i = 0; i < b.length; i++) {
        const l = b.getLine(i);
        if (l && l.translateToString(true).includes(w)) return true;
      }
      return false;
    }, want);
    return shown ? null : 'not in the terminal buffer';
  });

  await check('timeline', async () => {
    await page.waitForFunction(() => document.getElementById('timeline').innerText.includes("VM 1 'ticker' paused"),
      null, { timeout: 10000 });
    const warn = await page.locator('#timeline li.warn').count();
    return warn > 0 ? null : 'no warning (crasher) in the timeline';
  });

  await page.waitForTimeout(1200);
  const after = path.join(outDir, 'after_pause.png');
  await page.screenshot({ path: after, fullPage: true });
  await page.locator('.console[data-vm="reader"]').screenshot({ path: path.join(outDir, 'console_reader.png') });

  await check('resume_button', async () => {
    await page.click('tr[data-vm="ticker"] button[data-op="resume"]');
    await page.waitForFunction(() =>
      document.querySelector('tr[data-vm="ticker"] .state').textContent === 'running', null, { timeout: 10000 });
    return null;
  });

  // Buttons follow the state: a stopped VM (crasher) can be started or restored, not
  // snapshotted; a running one (ticker) the other way round.
  await check('state_buttons', async () => {
    const en = async (vm, op) => !(await page.locator(`tr[data-vm="${vm}"] button[data-op="${op}"]`).isDisabled());
    const got = [await en('ticker', 'snapshot'), await en('ticker', 'restore'),
      await en('crasher', 'snapshot'), await en('crasher', 'restore'), await en('crasher', 'start')];
    return JSON.stringify(got) === '[true,false,false,true,true]' ? null : `enabled: ${got}`;
  });

  // Snapshot button: the browser downloads the VM's state file (TESSNAP magic).
  const snapFile = path.join(outDir, 'browser_ticker.snap');
  await check('snapshot_button', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
      page.click('tr[data-vm="ticker"] button[data-op="snapshot"]')]);
    await dl.saveAs(snapFile);
    const head = require('fs').readFileSync(snapFile).subarray(0, 8).toString('latin1');
    return dl.suggestedFilename() === 'ticker.snap' && head === 'TESSNAP\0' ? null
      : `file ${dl.suggestedFilename()}, magic ${JSON.stringify(head)}`;
  });

  // Restore button: stop ticker, choose the downloaded file: the VM runs again from it.
  await check('restore_button', async () => {
    await page.click('tr[data-vm="ticker"] button[data-op="stop"]');
    await page.waitForFunction(() =>
      document.querySelector('tr[data-vm="ticker"] .state').textContent === 'stopped', null, { timeout: 10000 });
    await page.setInputFiles('tr[data-vm="ticker"] input.file-restore', snapFile);
    await page.waitForFunction(() =>
      document.querySelector('tr[data-vm="ticker"] .result').textContent.startsWith('restore: ok restored ticker'),
      null, { timeout: 60000 });
    await page.waitForFunction(() =>
      document.querySelector('tr[data-vm="ticker"] .state').textContent === 'running', null, { timeout: 10000 });
    return null;
  });

  for (const [name, file] of [['screenshot_overview', overview], ['screenshot_after_pause', after]]) {
    await check(name, async () => {
      const s = await imageStats(page, file);
      if (s.width < 1000 || s.height < 800) return `too small: ${s.width}x${s.height}`;
      if (s.colours < 50 || s.dark < 0.05) return `blank: ${s.colours} colours, ${(s.dark * 100).toFixed(1)}% non-white`;
      return null;
    });
  }
  await check('no_page_errors', async () => (errors.length ? errors.join('; ') : null));
  await browser.close();
  process.exit(failed ? 1 : 0);
})().catch(e => { console.log(`FAIL: system/dashboard_browser (${e.message.split('\n')[0]})`); process.exit(1); });
