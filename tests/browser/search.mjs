// Browser test of the site search, in a real headless Chromium.
//
//   node tests/browser/search.mjs SITE_DIR        (or SITE_DIR=… node tests/browser/search.mjs)
//
// SITE_DIR is a built site (it must contain search.json and search/index.html). The test
// serves it itself on 127.0.0.1 under the sub-path /portal/, with a strict
// Content-Security-Policy, and takes its queries from the site's own search files, so it
// works on any site: the demo site, a fixture site or the large benchmark site.
//
// Checks: the JavaScript tokenizer and doc-list decoder against
// tests/browser/search-vectors.json (the same cases the Rust unit tests read); a phrase that occurs in one document's body finds that
// document first; a 发文字号 typed with [ ] finds the document written with 〔 〕; a 索引号
// finds its document; a title containing <script> shows as text and runs nothing; filters
// narrow the results; the page works from the keyboard, makes no request outside the site,
// violates no CSP, shows its form and a note without JavaScript, and passes axe-core.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const siteDir = path.resolve(process.argv[2] || process.env.SITE_DIR || '');
const PREFIX = '/portal/';

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed += 1;
    console.log(`ok - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok - ${name}${detail ? `\n    ${detail}` : ''}`);
  }
}

if (!fs.existsSync(path.join(siteDir, 'search.json'))) {
  console.error(`usage: node search.mjs SITE_DIR — no search.json in ${siteDir || '(none given)'}`);
  process.exit(2);
}

// ------------------------------------------------------------------ tokenizer, in node

const tokenizerSource = fs.readFileSync(
  path.join(here, '../../themes/default/static/js/search-tokenize.js'), 'utf8');
const sandbox = {};
sandbox.globalThis = sandbox;
sandbox.TextEncoder = TextEncoder;
vm.runInNewContext(tokenizerSource, sandbox);
const T = sandbox.gongkaiSearchTokenize;
const vectors = JSON.parse(fs.readFileSync(path.join(here, 'search-vectors.json'), 'utf8'));

function vectorMismatches(tok) {
  const bad = [];
  for (const c of vectors.tokenize) {
    const got = JSON.stringify(Array.from(tok.tokenize(c.input)));
    if (got !== JSON.stringify(c.tokens)) bad.push(`tokenize(${c.input}) = ${got}`);
  }
  for (const c of vectors.normalize_doc_no) {
    const got = tok.normalizeDocNo(c.input);
    if (got !== c.output) bad.push(`normalizeDocNo(${c.input}) = ${got}`);
  }
  for (const c of vectors.fnv1a) {
    const got = tok.fnv1a(c.input);
    if (got !== c.hash) bad.push(`fnv1a(${c.input}) = ${got}`);
  }
  // The product's doc-list decoder on lists encoded by hand (the Rust test checks that
  // the encoder writes exactly these strings).
  for (const c of vectors.doc_lists) {
    const want = c.ids || [...Array(c.count).keys()].filter((i) => !c.ids_all_but.includes(i));
    const bits = tok.decodeList(c.encoded, Math.ceil(c.count / 32), c.count);
    const got = [];
    for (let id = 0; id < bits.length * 32; id++) if (bits[id >>> 5] & (1 << (id & 31))) got.push(id);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      bad.push(`decodeList(${c.encoded}, count ${c.count}) = ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  }
  return bad;
}
{
  const bad = vectorMismatches(T);
  check('JS tokenizer and decoder match the shared vectors (node)', bad.length === 0, bad.join('; '));
}

// ------------------------------------------------------------------ reading the index

const readJSON = (rel) => JSON.parse(fs.readFileSync(path.join(siteDir, rel), 'utf8'));
const entry = readJSON('search.json');
const shardCache = new Map();
function shardFor(token) {
  if (entry.index) return entry.index;
  const file = T.isChar(token)
    ? `search/char-${T.fnv1a(token) % entry.char_shards}.json`
    : `search/index-${T.fnv1a(token) % entry.shards}.json`;
  if (!shardCache.has(file)) shardCache.set(file, readJSON(file));
  return shardCache.get(file);
}
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function decodeList(str) {
  const out = [];
  if (!str) return out;
  if (str[0] === '~') {
    const absent = new Set(decodeList(str.slice(1)));
    for (let id = 0; id < entry.count; id++) if (!absent.has(id)) out.push(id);
    return out;
  }
  if (str[0] === '!') {
    for (let k = 1; k < str.length; k++) {
      const v = ALPHA.indexOf(str[k]);
      for (let j = 0; j < 6; j++) if (v & (1 << j)) out.push((k - 1) * 6 + j);
    }
    return out;
  }
  let next = 0;
  let v = 0;
  for (const ch of str) {
    const d = ALPHA.indexOf(ch);
    v = v * 32 + (d & 31);
    if (d < 32) { next += v; out.push(next); next += 1; v = 0; }
  }
  return out;
}
// Doc ids holding `token` in any field.
function docsWith(token) {
  let v = shardFor(token)[token];
  if (v === undefined) return new Set();
  if (typeof v === 'string') v = [v];
  return new Set(v.flatMap(decodeList));
}
function record(id) {
  if (entry.meta) return entry.meta[id];
  const c = Math.floor(id / entry.meta_chunk);
  return readJSON(`search/meta-${c}.json`)[id - c * entry.meta_chunk];
}
function* records() {
  for (let id = 0; id < entry.count; id++) yield [id, record(id)];
}

// A phrase from one document's text that no other document holds all the bigrams of (so
// it is certainly unique), preferring one whose bigrams do occur elsewhere separately.
function findPhrase() {
  let fallback = null;
  for (const [id, rec] of records()) {
    const runs = (rec[7] || '').match(/[\u4e00-\u9fff]{6,}/g) || [];
    for (const run of runs) {
      for (let len = 6; len <= Math.min(10, run.length); len += 2) {
        for (let at = 0; at + len <= run.length; at += 3) {
          const phrase = run.slice(at, at + len);
          const sets = T.tokenize(phrase).map(docsWith);
          let all = sets[0];
          for (const s of sets.slice(1)) all = new Set([...all].filter((x) => s.has(x)));
          if (all.size !== 1 || !all.has(id)) continue;
          if (T.normalize(rec[1]).includes(T.normalize(phrase))) continue;
          const decoys = sets.every((s) => s.size > 1);
          if (decoys) return { phrase, id, url: rec[0] };
          if (!fallback) fallback = { phrase, id, url: rec[0] };
        }
      }
    }
    if (id > 3000) break;
  }
  return fallback;
}

// A title bigram shared by several documents: its results are title matches, newest
// first. Doc ids number documents oldest first, so that is the largest ids first.
function findSharedTitleWord() {
  for (const [, rec] of records()) {
    for (const t of T.tokenize(rec[1])) {
      if (!/^[\u4e00-\u9fff]{2}$/.test(t)) continue;
      let v = shardFor(t)[t];
      if (typeof v === 'string') v = [v];
      const title = decodeList((v && v[1]) || '');
      if (title.length >= 3) return { query: t, title };
    }
  }
  return null;
}

function findByDocNo() {
  for (const [id, rec] of records()) {
    const no = rec[2];
    if (no && no.includes('〔') && no.includes('〕')) {
      const exact = docsWith('#' + T.normalizeDocNo(no));
      return { query: no.replace('〔', '[').replace('〕', ']'), id, url: rec[0], alternatives: exact };
    }
  }
  return null;
}

function findCitation() {
  for (const [id, rec] of records()) {
    const m = (rec[7] || '').match(/[\u4e00-\u9fff]{2,}[〔\[【（(][0-9]{4}[〕\]】）)][0-9]+号/);
    if (!m) continue;
    // The agency code is the last few characters before the bracket; try from the shortest.
    const bracket = m[0].search(/[〔\[【（(]/);
    for (let len = 2; len <= Math.min(8, bracket); len++) {
      const query = m[0].slice(bracket - len);
      const hits = docsWith(T.docNoKey(query));
      if (hits.has(id) && hits.size <= 10) return { query, id, url: rec[0] };
    }
  }
  return null;
}

function findByIndexNo() {
  for (const [id, rec] of records()) {
    if (rec[3]) return { query: rec[3], id, url: rec[0], alternatives: docsWith('#' + T.normalizeDocNo(rec[3])) };
  }
  return null;
}

function findScriptTitle() {
  for (const [id, rec] of records()) {
    if (/<script/i.test(rec[1])) return { id, url: rec[0], title: rec[1] };
  }
  return null;
}

// A synthetic one-document index for the injection check, served under /xss/ next to the
// site's own search page and scripts, for sites that have no such title themselves.
const XSS_TITLE = '<script>window.__xss = 1</script><img src="x" onerror="window.__xss = 2">注入测试标题';
function xssIndex() {
  const index = {};
  for (const t of new Set([...T.tokenize(XSS_TITLE), ...Array.from(T.normalize(XSS_TITLE)).filter((c) => /[\u4e00-\u9fff]/.test(c))])) {
    index[t] = ['', 'A'];
  }
  return JSON.stringify({
    format: 'gongkai-search', version: 2, count: 1,
    kinds: [{ value: 'policy', label: '政策文件' }], statuses: ['现行有效'], years: [2024],
    facets: { width: 1, codes: ALPHA[0 + 1 * (1 + 2 * 1)] }, snippet_chars: 120,
    meta: [['xss-doc/', XSS_TITLE, '示测发〔2024〕1号', '', '<b>发文机关</b>', '2024-01-01', ['<i>kw</i>'], '<script>window.__xss = 3</script>正文']],
    shards: 1, index,
  });
}

// ------------------------------------------------------------------ the server

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.js': 'text/javascript',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.png': 'image/png',
};
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let rel;
    let body = null;
    if (url.pathname === '/xss/search.json') {
      body = Buffer.from(xssIndex());
      rel = 'search.json';
    } else if (url.pathname.startsWith('/xss/')) {
      rel = decodeURIComponent(url.pathname.slice('/xss/'.length));
    } else if (url.pathname.startsWith(PREFIX)) {
      rel = decodeURIComponent(url.pathname.slice(PREFIX.length));
    } else {
      res.writeHead(404).end();
      return;
    }
    if (!body) {
      let file = path.join(siteDir, rel);
      if (!file.startsWith(siteDir)) { res.writeHead(403).end(); return; }
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
      body = fs.readFileSync(file);
      rel = file;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(rel)] || 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ------------------------------------------------------------------ the browser

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const outside = [];
const cspErrors = [];
const pageErrors = [];
async function newPage(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('request', (r) => { if (!r.url().startsWith(origin)) outside.push(r.url()); });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}

async function results(page, prefix, query, extra = '') {
  await page.goto(`${origin}${prefix}search/?q=${encodeURIComponent(query)}${extra}`);
  await page.waitForSelector('#search-results[data-state="done"], #search-results[data-state="error"]', { state: 'attached', timeout: 30000 });
  return page.evaluate(() => ({
    state: document.getElementById('search-results').getAttribute('data-state'),
    status: document.getElementById('search-status').textContent,
    items: Array.from(document.querySelectorAll('#search-results > li')).map((li) => ({
      href: li.querySelector('a').getAttribute('href'),
      title: li.querySelector('a').textContent,
      marks: Array.from(li.querySelectorAll('mark')).map((m) => m.textContent),
      badge: (li.querySelector('.badge') || {}).textContent || '',
      text: li.textContent,
    })),
  }));
}

const expectedHref = (url) => `../${url}index.html`;

try {
  const page = await newPage();

  // The in-page tokenizer is the same file, but check it where it really runs.
  await page.goto(`${origin}${PREFIX}search/`);
  const inPage = await page.evaluate((v) => {
    const tok = window.gongkaiSearchTokenize;
    const bad = v.tokenize.filter((c) => JSON.stringify(tok.tokenize(c.input)) !== JSON.stringify(c.tokens))
      .map((c) => c.input);
    for (const c of v.doc_lists) {
      const want = c.ids || [...Array(c.count).keys()].filter((i) => !c.ids_all_but.includes(i));
      const bits = tok.decodeList(c.encoded, Math.ceil(c.count / 32), c.count);
      const got = [];
      for (let id = 0; id < bits.length * 32; id++) if (bits[id >>> 5] & (1 << (id & 31))) got.push(id);
      if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`decodeList(${c.encoded})`);
    }
    return bad;
  }, vectors);
  check('JS tokenizer and decoder match the shared vectors (Chromium)', inPage.length === 0, inPage.join('; '));
  const idle = await page.textContent('#search-status');
  check('empty query asks for a keyword', /请输入关键词/.test(idle), idle);

  const phrase = findPhrase();
  if (phrase) {
    const r = await results(page, PREFIX, phrase.phrase);
    check(`phrase from one body (“${phrase.phrase}”) finds its document first`,
      r.items[0] && r.items[0].href === expectedHref(phrase.url),
      `first: ${r.items[0] && r.items[0].href}, want ${expectedHref(phrase.url)}; ${r.status}`);
    check('the snippet highlights the phrase with <mark>',
      r.items[0] && r.items[0].marks.some((m) => T.normalize(m) === T.normalize(phrase.phrase)),
      JSON.stringify(r.items[0] && r.items[0].marks));
    check('the result count is announced in the live region', /找到.*\d+\s*条/.test(r.status), r.status);
    const live = await page.getAttribute('#search-status', 'aria-live');
    check('the status region is aria-live="polite"', live === 'polite', live);
  } else {
    check('site has a phrase that occurs in only one document', false);
  }

  const shared = findSharedTitleWord();
  if (shared) {
    const r = await results(page, PREFIX, shared.query);
    const want = shared.title.slice().reverse().slice(0, 10);
    const dates = want.map((id) => record(id)[5] || '');
    check(`“${shared.query}” lists its title matches newest first (largest id first)`,
      JSON.stringify(r.items.map((i) => i.href)) === JSON.stringify(want.map((id) => expectedHref(record(id)[0]))),
      JSON.stringify(r.items.map((i) => i.href)) + ' want ids ' + JSON.stringify(want));
    check('…and their dates do not increase',
      dates.every((d, i) => i === 0 || d === '' || (dates[i - 1] !== '' && dates[i - 1] >= d)), JSON.stringify(dates));
  } else {
    check('site has a title word shared by several documents', false);
  }

  // The fixture site made by the search scratch crate has a decoy: a newer document holding
  // every bigram of the phrase but not the phrase, which bigrams alone would rank first.
  if (fs.existsSync(path.join(siteDir, 'policies/fixture-decoy/index.html'))) {
    const r = await results(page, PREFIX, '青石板桥修缮');
    check('a phrase beats a newer document that only has its bigrams scattered',
      r.items.length === 1 && r.items[0].href === expectedHref('policies/fixture-phrase/'),
      JSON.stringify(r.items.map((i) => i.href)) + ' ' + r.status);
  }

  const docNo = findByDocNo();
  if (docNo) {
    const r = await results(page, PREFIX, docNo.query);
    const okIds = new Set([...docNo.alternatives].map((id) => expectedHref(record(id)[0])));
    check(`发文字号 typed as “${docNo.query}” finds the 〔〕 document first`,
      r.items[0] && okIds.has(r.items[0].href), `first: ${r.items[0] && r.items[0].href}, want ${expectedHref(docNo.url)}`);
  } else {
    console.log('# skip: no document with a 发文字号 in this site');
  }

  // A 发文字号 cited in another document's text finds that document too.
  const cite = findCitation();
  if (cite) {
    const r = await results(page, PREFIX, cite.query);
    check(`a cited 发文字号 “${cite.query}” finds the citing document`,
      r.items.some((i) => i.href === expectedHref(cite.url)),
      JSON.stringify(r.items.map((i) => i.href)) + ' ' + r.status);
  } else {
    console.log('# skip: no 发文字号 cited in a snippet of this site');
  }

  const indexNo = findByIndexNo();
  if (indexNo) {
    const r = await results(page, PREFIX, indexNo.query);
    const okIds = new Set([...indexNo.alternatives].map((id) => expectedHref(record(id)[0])));
    check(`索引号 “${indexNo.query}” finds its document first`,
      r.items[0] && okIds.has(r.items[0].href), `first: ${r.items[0] && r.items[0].href}`);
  } else {
    console.log('# skip: no document with a 索引号 in this site');
  }

  // Injection: the synthetic index always; the site's own <script> title when it has one.
  {
    const r = await results(page, '/xss/', '注入测试');
    const info = await page.evaluate(() => ({
      xss: window.__xss,
      scripts: document.querySelectorAll('#search-results script, #search-results img').length,
    }));
    check('a <script> title shows as text in the results',
      r.items.length === 1 && r.items[0].title.includes('<script>'), JSON.stringify(r.items));
    check('a <script> title, snippet or issuer runs nothing',
      info.xss === undefined && info.scripts === 0, JSON.stringify(info));
  }
  const scriptTitle = findScriptTitle();
  if (scriptTitle) {
    const words = T.normalize(scriptTitle.title).match(/[\u4e00-\u9fff]{2,}/g) || ['script'];
    const r = await results(page, PREFIX, words.join(' '));
    const xss = await page.evaluate(() => window.__xss);
    const hit = r.items.find((i) => i.href === expectedHref(scriptTitle.url));
    check('the site’s own <script> title shows as text and runs nothing',
      hit && hit.title.includes('<script') && xss === undefined, JSON.stringify({ hit, xss }));
  }

  // Filters: every result carries the chosen 效力状态.
  if (entry.statuses.length && phrase) {
    const status = entry.statuses[0];
    const word = T.tokenize(phrase.phrase)[0];
    const r = await results(page, PREFIX, word, `&status=${encodeURIComponent(status)}`);
    check(`status filter “${status}” keeps only such documents`,
      r.items.every((i) => i.badge === status), JSON.stringify(r.items.map((i) => i.badge)));
    const sel = await page.inputValue('select[name="status"]');
    check('the filter select shows the filter from the URL', sel === status, sel);
  }

  // Keyboard: type in the box, submit with Enter, Tab reaches the first result.
  if (phrase) {
    await page.goto(`${origin}${PREFIX}search/`);
    await page.focus('#search-q');
    await page.keyboard.type(phrase.phrase);
    await Promise.all([page.waitForURL(/\?q=/), page.keyboard.press('Enter')]);
    await page.waitForSelector('#search-results[data-state="done"]', { state: 'attached' });
    const url = new URL(page.url());
    check('Enter submits the query into the URL (linkable, back works)',
      url.searchParams.get('q') === phrase.phrase && url.pathname === `${PREFIX}search/`, page.url());
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => !!document.activeElement.closest('#search-results'));
    }
    check('Tab reaches the result links', reached);
    await page.goBack();
    check('Back returns to the previous page', !new URL(page.url()).searchParams.get('q'), page.url());
  }

  // Without JavaScript the form still shows, with a note.
  {
    const noJs = await newPage({ javaScriptEnabled: false });
    await noJs.goto(`${origin}${PREFIX}search/?q=test`);
    const form = await noJs.isVisible('form#search-form input[name="q"]');
    const note = await noJs.textContent('noscript');
    check('without JavaScript the form shows and a note explains', form && /JavaScript/.test(note || ''), note);
    await noJs.context().close();
  }

  // axe-core on the page with results (injected with CSP bypassed; the page itself is not).
  {
    const axePage = await newPage({ bypassCSP: true });
    await results(axePage, PREFIX, phrase ? phrase.phrase : '通知');
    await axePage.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const v = await axePage.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa'] });
      return r.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    check('axe-core finds no WCAG 2.1 AA violations on the results page', v.length === 0, v.join('\n    '));
    await axePage.context().close();
  }

  check('no request left the site', outside.length === 0, outside.join(', '));
  check('no Content-Security-Policy violation', cspErrors.length === 0, cspErrors.join('; '));
  check('no script error', pageErrors.length === 0, pageErrors.join('; '));
} catch (e) {
  check('test ran to the end', false, e.stack);
} finally {
  await browser.close();
  server.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
