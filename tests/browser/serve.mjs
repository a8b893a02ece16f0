// `gongkai serve` in headless Chromium, as an officer sees it:
//   node serve.mjs <gongkai-binary> <fixture-site>
//
// The fixture is copied to a temporary folder and served by the real binary. The page
// is opened under the site's base path; then files are edited on disk and nothing but
// the live-reload script may bring the change into the page:
//   - a title edit reloads the page by itself and shows the new title;
//   - a broken YAML front matter reloads it with the error banner: role="alert", visible,
//     naming file:line and 提示, styled by serve's stylesheet, passing axe (WCAG A/AA);
//   - the fix reloads it without the banner.
// Throughout, the strict Content-Security-Policy serve sends must block nothing (the
// reload script and the banner stylesheet are same-origin files) and no script errors.
//
// Exits 1 on any failure, printing what was expected.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PATIENCE = 60_000;
const POLICY = 'content/policies/dog.md';
const PAGE = 'portal/policies/1111111111-2018-00001/';

const [binary, fixture] = process.argv.slice(2);
if (!binary || !fixture || !fs.existsSync(binary)) {
  console.error('serve: usage: node serve.mjs <gongkai-binary> <fixture-site>');
  process.exit(2);
}

const failures = [];
const fail = (what) => { failures.push(what); console.log(`  ✗ ${what}`); };
const ok = (what) => console.log(`  ✓ ${what}`);

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-serve-'));
fs.cpSync(fixture, site, { recursive: true });
const server = spawn(binary, ['serve', '--root', site, '--port', '0', '--as-of', '2026-11-22'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
let terminal = '';
const origin = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`serve did not start:\n${terminal}`)), PATIENCE);
  server.stderr.on('data', (chunk) => {
    terminal += chunk.toString('utf8');
    const m = terminal.match(/预览地址：(http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
  server.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${terminal}`)));
});

const edit = (from, to) => {
  const file = path.join(site, POLICY);
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${POLICY} has no ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
};

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
try {
  const page = await browser.newPage();
  const blocked = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) blocked.push(m.text());
  });
  page.on('pageerror', (e) => blocked.push(`script error: ${e.message}`));
  // The preview is reached at the site's base path (base_url …/portal/).
  const events = page.waitForRequest((r) => r.url().endsWith('/__gongkai/events'), { timeout: PATIENCE });
  const response = await page.goto(`${origin}/${PAGE}`);
  const csp = response.headers()['content-security-policy'] || '';
  if (!csp.includes("default-src 'self'")) fail(`strict CSP header on the page (got "${csp}")`);
  await events;
  ok('the page opened its live-reload stream under the strict CSP');

  console.log('- a title edit reloads the page by itself');
  edit('暂行办法的通知', '暂行办法（浏览器测试）的通知');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('浏览器测试'),
    null, { timeout: PATIENCE, polling: 100 }).then(() => ok('new title shown without a manual reload'),
    () => fail('the page did not reload with the new title'));

  console.log('- a broken file shows the banner over the last good page');
  edit('issued: 2018-03-01', 'issued: [2018-03-01');
  const banner = page.locator('[role="alert"]');
  await banner.waitFor({ state: 'visible', timeout: PATIENCE }).then(() => ok('banner visible'),
    () => fail('no visible role="alert" banner after the broken edit'));
  if (await banner.count()) {
    const text = await banner.innerText();
    if (!text.includes(`${POLICY}:9`)) fail(`banner names ${POLICY}:9 (got: ${text.slice(0, 200)})`);
    if (!text.includes('提示')) fail('banner carries the 提示');
    const border = await banner.evaluate((el) => getComputedStyle(el).borderTopColor);
    if (border !== 'rgb(164, 0, 15)') fail(`banner styled by /__gongkai/serve.css (border ${border})`);
    if (!(await page.locator('h1').innerText()).includes('浏览器测试')) fail('last good page kept below the banner');
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run('[role="alert"]', {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }));
    for (const v of result.violations) fail(`axe ${v.id} on the banner: ${v.help}`);
    if (!result.violations.length) ok('banner names file:line and 提示, styled, passes axe');
  }

  console.log('- the fix reloads the page without the banner');
  edit('issued: [2018-03-01', 'issued: 2018-03-01');
  await page.waitForFunction(() => !document.querySelector('[role="alert"]'), null,
    { timeout: PATIENCE, polling: 100 }).then(() => ok('banner gone after the fix'),
    () => fail('the banner stayed after the fix'));

  if (blocked.length) for (const b of blocked) fail(`blocked or failed: ${b}`);
  else ok('nothing blocked by the CSP, no script errors');
} finally {
  await browser.close();
  server.kill();
  fs.rmSync(site, { recursive: true, force: true });
}
if (failures.length) {
  console.log(`serve: ${failures.length} failure(s)`);
  process.exit(1);
}
console.log('serve: all checks passed');
