// Accessibility and 适老化 checks of a built site in headless Chromium:
//   node a11y.mjs <site-dir>
//
// The site is served over HTTP by this script (127.0.0.1, under a sub-path, like a
// portal deployed at https://example.gov.cn/xxgk/). The pages are found by reading the
// built site (navigation, first item of each listing …), not by hard-coded file names,
// so the suite keeps working when URLs or demo content change.
//
// On every page type, in normal mode and in 关怀模式 (care mode):
//   - axe-core (WCAG 2.0/2.1 A and AA, plus the best-practice rules for landmarks,
//     headings and the skip link; in 关怀模式 also the 7:1 enhanced contrast rule) at
//     desktop and phone widths;
//   - one h1, landmarks, breadcrumbs, lang="zh-CN";
//   - Tab reaches the skip link first and it moves focus to <main>; every focus stop
//     shows a visible focus indicator;
//   - body text at least 18px with a line height of at least 1.5;
//   - targets of header controls, navigation and pagination at least 44×44 CSS px
//     (60×60 in 关怀模式);
//   - reflow at 320px (also with 字号 大) and at 640px (1280px zoomed to 200%) without
//     horizontal page scrolling; anything that scrolls sideways is a labelled, focusable
//     region; on a wide screen the filters sit beside a listing, in 关怀模式 below it;
//   - screenshots at 375px and 1280px in tests/browser/screenshots/.
// Once: the 适老化 controls work from the keyboard, persist across pages and reloads and
// apply before first paint; 朗读 uses speech synthesis and is absent without it; with
// JavaScript off every page still shows its content and no control that needs a script;
// prefers-reduced-motion stops all motion; the print style keeps only the document.
//
// Exits 1 on any violation, printing rule, target, page and mode for each.
// A11Y_ENHANCED=1 also applies the 7:1 contrast rule in normal mode (the theme meets it).
// A11Y_MODES=care (or normal) checks one mode only, for a quicker look.

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const siteDir = path.resolve(process.argv[2] || path.join(here, '../../public'));
const shotDir = path.join(here, 'screenshots');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };
const NARROW = { width: 320, height: 720 };
const ZOOMED = { width: 640, height: 450 }; // 1280×900 at 200% zoom
const MODES = (process.env.A11Y_MODES || 'normal,care').split(',').filter((m) => m === 'normal' || m === 'care');
const MIN_TARGET = { normal: 44, care: 60 };
const MIN_FONT_PX = 18;
const MIN_LINE_HEIGHT = 1.5;
const TAB_STOPS = 40;

// axe rules beyond the WCAG tags: the issue asks for landmarks, one h1, ordered headings
// and a skip link, which axe files under best practice.
const EXTRA_RULES = ['page-has-heading-one', 'heading-order', 'empty-heading', 'landmark-one-main',
  'landmark-no-duplicate-banner', 'landmark-no-duplicate-contentinfo', 'landmark-no-duplicate-main',
  'landmark-banner-is-top-level', 'landmark-contentinfo-is-top-level', 'landmark-main-is-top-level',
  'landmark-unique', 'region', 'skip-link', 'empty-table-header'];
const CARE_RULES = ['color-contrast-enhanced'];

// ---------------------------------------------------------------- reporting

const failures = [];
let axeRuns = 0;
let checksRun = 0;

function fail(check, pageName, mode, detail) {
  failures.push({ check, pageName, mode, detail });
  console.log(`  ✗ [${mode}] ${pageName}: ${check} — ${detail}`);
}

function expect(ok, check, pageName, mode, detail) {
  checksRun++;
  if (!ok) fail(check, pageName, mode, detail);
  return ok;
}

// ---------------------------------------------------------------- server

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.xml': 'application/xml; charset=utf-8', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.pdf': 'application/pdf', '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
};

/** The sub-path the site is built for, read from 404.html (the one page whose links are
 *  absolute); a site built for the domain root is served under /portal/ instead, which
 *  proves the relative links work under any prefix. */
function servedPrefix() {
  let prefix = '/';
  try {
    const html = fs.readFileSync(path.join(siteDir, '404.html'), 'utf8');
    const m = html.match(/href="([^"]*)static\/css\/site\.css"/);
    if (m && m[1].startsWith('/')) prefix = m[1];
  } catch { /* no 404 page: reported later */ }
  return prefix === '/' ? { prefix: '/portal/', alsoRoot: true } : { prefix, alsoRoot: false };
}

function startServer(prefix, alsoRoot) {
  const notFound = () => {
    try { return fs.readFileSync(path.join(siteDir, '404.html')); } catch { return Buffer.from('404'); }
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let rel = null;
    if (url.pathname.startsWith(prefix)) rel = url.pathname.slice(prefix.length);
    else if (alsoRoot) rel = url.pathname.slice(1);
    let file = null;
    if (rel !== null) {
      try { rel = decodeURIComponent(rel); } catch { rel = null; }
    }
    if (rel !== null) {
      const candidate = path.resolve(siteDir, rel.endsWith('/') || rel === '' ? rel + 'index.html' : rel);
      if (candidate.startsWith(siteDir + path.sep) || candidate === siteDir) {
        try {
          const st = fs.statSync(candidate);
          if (st.isDirectory()) {
            res.writeHead(301, { Location: url.pathname + '/' + url.search });
            res.end();
            return;
          }
          file = candidate;
        } catch { /* missing */ }
      }
    }
    if (!file) {
      res.writeHead(404, { 'Content-Type': TYPES['.html'] });
      res.end(notFound());
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

// ---------------------------------------------------------------- helpers

async function open(page, url, waitFor) {
  const resp = await page.goto(url, { waitUntil: 'load' });
  if (waitFor) await waitFor(page);
  return resp;
}

/** Absolute hrefs of the links matched by `selector`, with their text. */
function links(page, selector) {
  return page.$$eval(selector, (as) => as.map((a) => ({ href: a.href, text: a.textContent.trim() })));
}

async function firstLink(page, selector) {
  const all = await links(page, selector);
  return all.length ? all[0].href : null;
}

/** Click a control by its accessible name; returns false when it is not there. */
async function pressControl(page, name, key) {
  const button = page.getByRole('button', { name, exact: true });
  if (!(await button.count()) || !(await button.first().isVisible())) return false;
  await button.first().focus();
  await page.keyboard.press(key);
  return true;
}

function htmlClasses(page) {
  return page.evaluate(() => Array.from(document.documentElement.classList));
}

function shotName(name, mode, width) {
  return path.join(shotDir, `${name}-${mode}-${width}.png`);
}

// ---------------------------------------------------------------- discovery

/** Find one page of each type by following the site's own links. */
async function discover(page, base) {
  const pages = [];
  const add = (name, url, extra = {}) => {
    if (url) pages.push({ name, url, ...extra });
    else fail('discovery', name, '-', 'no page of this type found in the built site');
  };
  await open(page, base + 'index.html');
  add('home', base + 'index.html', { home: true });
  const nav = await links(page, 'header nav a');
  const navTo = (label) => (nav.find((l) => l.text === label) || {}).href || null;
  const footer = await links(page, 'footer a');
  const sitemap = (footer.find((l) => l.text === '网站地图') || {}).href || null;

  const catalog = navTo('信息公开目录');
  add('catalog', catalog);
  if (catalog) {
    await open(page, catalog);
    add('catalog-node', await firstLink(page, 'main nav a'));
  }

  const policies = navTo('政策文件');
  add('policies', policies);
  if (policies) {
    await open(page, policies);
    add('facet', await firstLink(page, 'main nav#facets a') || await firstLink(page, 'main nav:not([aria-label="分页"]) a'));
    add('page-2', await firstLink(page, 'main a[rel="next"]'));
    const facets = await links(page, 'main nav a');
    const byStatus = (prefix) => (facets.find((l) => l.text.startsWith(prefix)) || {}).href || null;
    const inForce = byStatus('现行有效');
    const lapsed = byStatus('已废止') || byStatus('已失效');
    if (inForce) { await open(page, inForce); add('policy-in-force', await firstLink(page, 'main li > a:not(nav *)')); } else add('policy-in-force', null);
    if (lapsed) { await open(page, lapsed); add('policy-repealed', await firstLink(page, 'main li > a:not(nav *)'), { banner: true }); } else add('policy-repealed', null);
    // An amended document carries the 修改情况 notice above its text.
    const amended = byStatus('已修改');
    if (amended) { await open(page, amended); add('policy-amended', await firstLink(page, 'main li > a:not(nav *)')); } else add('policy-amended', null);
    // 现行有效行政规范性文件目录: linked from the policy listing; one wide table.
    await open(page, policies);
    const normative = (await links(page, 'main a')).find((l) => l.text === '现行有效行政规范性文件目录');
    add('normative', normative && normative.href);
  }
  for (const [label, list, doc] of [['政策解读', 'interpretations', 'interpretation'],
    ['负面清单', 'negative-lists', 'negative-list'], ['政府信息公开年报', 'annual-reports', 'annual-report']]) {
    const href = navTo(label);
    add(list, href);
    if (href) {
      await open(page, href);
      add(doc, await firstLink(page, 'main li > a:not(nav *)'));
    }
  }
  // The statutory columns: the guide (rendered from config), 法定主动公开内容 and one of its
  // categories (the one marked not applicable, when the site has one), 依申请公开 and its
  // printable form.
  add('guide', navTo('政府信息公开指南'));
  const statutory = navTo('法定主动公开内容');
  add('statutory', statutory);
  if (statutory) {
    await open(page, statutory);
    const cats = await page.$$eval('main .category-list li', (lis) => lis.map((li) => ({
      href: li.querySelector('a') && li.querySelector('a').href,
      na: (li.querySelector('.category-state') || { textContent: '' }).textContent.startsWith('不适用'),
    })));
    const cat = cats.find((c) => c.na) || cats[0];
    add('statutory-category', cat && cat.href);
  }
  const apply = navTo('依申请公开');
  add('apply', apply);
  if (apply) {
    await open(page, apply);
    add('apply-form', await firstLink(page, 'main a[href$="apply/form/index.html"]'));
  }
  const search = navTo('搜索');
  add('search', search && search + '?q=' + encodeURIComponent('养老'), {
    waitFor: async (p) => {
      await p.waitForSelector('#search-results > li', { timeout: 15000 }).catch(() => {});
    },
    search: true,
  });
  add('sitemap', sitemap);
  if (sitemap) {
    // A plain content page (政府信息公开指南 …): linked from the site map but not a column.
    await open(page, sitemap);
    const navHrefs = new Set(nav.map((l) => l.href));
    const first = (await links(page, 'main section:first-of-type a')).find((l) => !navHrefs.has(l.href));
    add('content-page', first && first.href);
  }
  add('404', base + 'this-page-does-not-exist/index.html', { notFound: true });
  return pages;
}

// ---------------------------------------------------------------- in-page probes

async function runAxe(page, care) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: axeSource });
  }
  axeRuns++;
  return page.evaluate(async ({ extra }) => {
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
    const ids = new Set(window.axe.getRules(tags).map((r) => r.ruleId));
    for (const id of extra) ids.add(id);
    const result = await window.axe.run(document, { runOnly: { type: 'rule', values: Array.from(ids) }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, { extra: care || process.env.A11Y_ENHANCED === '1' ? EXTRA_RULES.concat(CARE_RULES) : EXTRA_RULES });
}

function structure(page) {
  return page.evaluate(() => {
    const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const roleCount = (sel) => Array.from(document.querySelectorAll(sel)).filter(visible).length;
    const crumbs = document.querySelector('nav[aria-label="当前位置"]');
    return {
      lang: document.documentElement.getAttribute('lang'),
      title: document.title,
      h1: roleCount('h1'),
      banner: roleCount('body > header, [role="banner"]'),
      main: roleCount('main, [role="main"]'),
      contentinfo: roleCount('body > footer, [role="contentinfo"]'),
      nav: roleCount('nav, [role="navigation"]'),
      crumbs: !!crumbs && visible(crumbs),
      crumbCurrent: !!crumbs && !!crumbs.querySelector('[aria-current="page"]'),
      mainText: (document.querySelector('main') || { innerText: '' }).innerText.trim().length,
      validityBanner: !!document.querySelector('main [class*="validity-banner"], main [role="note"]'),
    };
  });
}

/** Text too small or too tightly set, in main and footer. */
function textMetrics(page) {
  return page.evaluate(({ minPx, minLh }) => {
    const bad = [];
    const seen = new Set();
    for (const scope of document.querySelectorAll('main, body > footer')) {
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        if (!node.textContent.trim()) continue;
        const el = node.parentElement;
        if (!el || seen.has(el) || el.closest('svg')) continue;
        seen.add(el);
        if (!el.getClientRects().length) continue;
        const cs = getComputedStyle(el);
        if (cs.visibility === 'hidden') continue;
        const fs = parseFloat(cs.fontSize);
        const what = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} “${node.textContent.trim().slice(0, 12)}”`;
        if (fs < minPx - 0.01) bad.push(`${what}: font-size ${fs}px`);
        const block = el.closest('p, li, dd, td, th, blockquote, caption, figcaption');
        if (block && !el.closest('h1, h2, h3, h4, h5, h6')) {
          const bcs = getComputedStyle(block);
          const lh = bcs.lineHeight === 'normal' ? 0 : parseFloat(bcs.lineHeight) / parseFloat(bcs.fontSize);
          if (lh < minLh - 0.01) bad.push(`${what}: line-height ${bcs.lineHeight} at ${bcs.fontSize}`);
        }
      }
    }
    return { bad, body: parseFloat(getComputedStyle(document.body).fontSize) };
  }, { minPx: MIN_FONT_PX, minLh: MIN_LINE_HEIGHT });
}

/** Targets smaller than `min` among header controls, navigation links and pagination. */
function targetSizes(page, min) {
  return page.evaluate((min) => {
    const sel = 'header a, header button, header input, header select, nav a, nav:not([aria-label="当前位置"]) [aria-current="page"]';
    const bad = [];
    let sampled = 0;
    for (const el of document.querySelectorAll(sel)) {
      if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
      // Links inside a sentence are exempt (WCAG 2.5.5 "inline").
      const r = el.getBoundingClientRect();
      sampled++;
      if (r.width + 0.5 < min || r.height + 0.5 < min) {
        bad.push(`${el.tagName.toLowerCase()} “${(el.textContent || el.getAttribute('aria-label') || el.id).trim().slice(0, 14)}” ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return { bad, sampled };
  }, min);
}

/** Horizontal overflow of the page, header controls outside the viewport, and elements
 *  that scroll sideways without being a labelled, focusable region. */
function reflow(page) {
  return page.evaluate(() => {
    const se = document.scrollingElement;
    const out = { scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, clipped: [], unlabelled: [] };
    for (const el of document.querySelectorAll('header a, header button, header input, nav a')) {
      if (!el.getClientRects().length) continue;
      const r = el.getBoundingClientRect();
      if (r.right > se.clientWidth + 0.5 || r.left < -0.5) out.clipped.push(`${el.tagName.toLowerCase()} “${el.textContent.trim().slice(0, 10)}” ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
    for (const el of document.querySelectorAll('main *')) {
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      const ox = getComputedStyle(el).overflowX;
      if (ox !== 'auto' && ox !== 'scroll') continue;
      const labelled = el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby');
      const focusable = el.tabIndex >= 0;
      if (!labelled || !focusable || el.getAttribute('role') !== 'region') {
        out.unlabelled.push(`${el.tagName.toLowerCase()}.${String(el.className).trim().replace(/\s+/g, '.')} (role=${el.getAttribute('role')}, tabindex=${el.getAttribute('tabindex')}, labelled=${labelled})`);
      }
    }
    return out;
  });
}

/** What has focus, and whether it shows a focus indicator. */
function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    return {
      tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || el.value || '').trim().slice(0, 16),
      href: el.getAttribute('href'), indicator: outline || shadow,
      onScreen: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth && r.width > 0,
      inMain: !!el.closest('main'),
    };
  });
}

// ---------------------------------------------------------------- per-page checks

async function checkPage(page, p, mode) {
  const care = mode === 'care';
  const resp = await open(page, p.url, p.waitFor);
  if (p.notFound) expect(resp && resp.status() === 404, 'status', p.name, mode, `served with HTTP ${resp && resp.status()}`);
  else expect(resp && resp.ok(), 'status', p.name, mode, `HTTP ${resp && resp.status()}`);

  const classes = await htmlClasses(page);
  expect(classes.includes('care') === care, '关怀模式 applies on every page', p.name, mode, `html class="${classes.join(' ')}"`);

  const s = await structure(page);
  expect(s.lang === 'zh-CN', 'lang', p.name, mode, `<html lang="${s.lang}">`);
  expect(s.title.length > 0, 'title', p.name, mode, 'empty <title>');
  expect(s.h1 === 1, 'one h1', p.name, mode, `${s.h1} visible h1`);
  expect(s.banner === 1 && s.main === 1 && s.contentinfo === 1 && s.nav >= 1, 'landmarks', p.name, mode,
    `header ${s.banner}, main ${s.main}, footer ${s.contentinfo}, nav ${s.nav}`);
  if (!p.home) expect(s.crumbs && s.crumbCurrent, 'breadcrumbs', p.name, mode, 'no visible 当前位置 navigation marking the current page');
  expect(s.mainText > 10, 'main content', p.name, mode, `main has ${s.mainText} characters`);
  if (p.banner) expect(s.validityBanner, 'validity banner', p.name, mode, 'no 效力 banner on a lapsed policy');
  if (p.search) {
    const n = await page.locator('#search-results > li').count();
    expect(n > 0, 'search results', p.name, mode, 'no results listed for 养老');
  }

  // axe at desktop width, then at phone width after the reflow checks.
  const report = (violations, width) => {
    for (const v of violations) {
      for (const n of v.nodes) {
        fail(`axe ${v.id} (${v.impact})`, p.name, mode, `${width}px · ${v.help} · target: ${n.target} · ${(n.summary || '').replace(/\s+/g, ' ').slice(0, 300)}`);
      }
    }
    checksRun++;
  };
  report(await runAxe(page, care), DESKTOP.width);

  const t = await textMetrics(page);
  expect(t.bad.length === 0, `text ≥${MIN_FONT_PX}px, line-height ≥${MIN_LINE_HEIGHT}`, p.name, mode, t.bad.slice(0, 6).join('; ') + (t.bad.length > 6 ? ` … (${t.bad.length})` : ''));
  p.bodySize = p.bodySize || {};
  p.bodySize[mode] = t.body;

  const layout = await page.evaluate(() => {
    const facets = document.querySelector('main nav#facets');
    const items = facets && facets.parentElement.firstElementChild;
    const plainLinks = Array.from(document.querySelectorAll('main a')).filter((a) => a.getClientRects().length &&
      !getComputedStyle(a).textDecorationLine.includes('underline')).map((a) => a.textContent.trim().slice(0, 12));
    if (!facets || !items || items === facets) return { plainLinks };
    const f = facets.getBoundingClientRect();
    const i = items.getBoundingClientRect();
    return { plainLinks, beside: f.top < i.bottom - 1 && f.left >= i.right - 1 };
  });
  if (layout.beside !== undefined) {
    // Wide screen: filters beside the list; 关怀模式 (简约界面): one column, filters after it.
    expect(layout.beside === !care, care ? '简约界面 one column' : 'filters beside the list', p.name, mode, `filters beside the list: ${layout.beside}`);
  }
  if (care) expect(layout.plainLinks.length === 0, '关怀模式 links underlined', p.name, mode, layout.plainLinks.slice(0, 5).join('; '));

  const ts = await targetSizes(page, MIN_TARGET[mode]);
  expect(ts.bad.length === 0, `targets ≥${MIN_TARGET[mode]}×${MIN_TARGET[mode]}`, p.name, mode, ts.bad.slice(0, 8).join('; ') + (ts.bad.length > 8 ? ` … (${ts.bad.length})` : ''));

  // Keyboard: the skip link is the first stop and moves focus into main.
  await page.evaluate(() => { window.scrollTo(0, 0); if (document.activeElement) document.activeElement.blur(); });
  await page.keyboard.press('Tab');
  let f = await focusState(page);
  if (expect(f && f.tag === 'a' && f.href === '#main' && f.text === '跳到主要内容', 'skip link first', p.name, mode, `first Tab stop is ${JSON.stringify(f)}`)) {
    expect(f.onScreen && f.indicator, 'skip link visible on focus', p.name, mode, JSON.stringify(f));
    await page.keyboard.press('Enter');
    const target = await page.evaluate(() => document.activeElement && document.activeElement.id);
    expect(target === 'main', 'skip link moves focus', p.name, mode, `focus after Enter is on #${target}`);
  }
  // Focus stays visible along the first Tab stops (from the top of the page).
  await open(page, p.url, p.waitFor);
  const invisible = [];
  for (let i = 0; i < TAB_STOPS; i++) {
    await page.keyboard.press('Tab');
    f = await focusState(page);
    if (!f) break;
    if (!f.indicator || !f.onScreen) invisible.push(`${f.tag}${f.id ? '#' + f.id : ''} “${f.text}”${f.indicator ? '' : ' no indicator'}${f.onScreen ? '' : ' off screen'}`);
  }
  expect(invisible.length === 0, 'focus visible', p.name, mode, invisible.slice(0, 6).join('; '));

  await page.evaluate(() => { window.scrollTo(0, 0); if (document.activeElement) document.activeElement.blur(); });
  await page.screenshot({ path: shotName(p.name, mode, DESKTOP.width), fullPage: true });

  for (const vp of [ZOOMED, NARROW]) {
    await page.setViewportSize(vp);
    const r = await reflow(page);
    expect(r.scrollWidth <= r.clientWidth, `no horizontal scroll at ${vp.width}px`, p.name, mode, `scrollWidth ${r.scrollWidth} > clientWidth ${r.clientWidth}`);
    expect(r.clipped.length === 0, `header fits at ${vp.width}px`, p.name, mode, r.clipped.slice(0, 5).join('; '));
    expect(r.unlabelled.length === 0, `scrolling regions labelled at ${vp.width}px`, p.name, mode, r.unlabelled.slice(0, 5).join('; '));
  }
  // The largest text (字号 大) must reflow too.
  await page.evaluate(() => { document.documentElement.classList.remove('font-small'); document.documentElement.classList.add('font-large'); });
  const big = await reflow(page);
  expect(big.scrollWidth <= big.clientWidth, `no horizontal scroll at ${NARROW.width}px with 字号 大`, p.name, mode, `scrollWidth ${big.scrollWidth} > clientWidth ${big.clientWidth}`);
  await page.evaluate(() => document.documentElement.classList.remove('font-large'));
  const tsNarrow = await targetSizes(page, MIN_TARGET[mode]);
  expect(tsNarrow.bad.length === 0, `targets ≥${MIN_TARGET[mode]} at ${NARROW.width}px`, p.name, mode, tsNarrow.bad.slice(0, 8).join('; '));
  report(await runAxe(page, care), NARROW.width);

  await page.setViewportSize(PHONE);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shotName(p.name, mode, PHONE.width), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

// ---------------------------------------------------------------- once-per-site checks

/** The 适老化 controls: keyboard operation, persistence, no flash, speech, print. */
async function checkControls(browser, pages) {
  const home = pages.find((p) => p.home);
  const listing = pages.find((p) => p.name === 'policies') || pages[1];
  const doc = pages.find((p) => p.name === 'policy-in-force') || home;
  const ctx = await browser.newContext({ viewport: DESKTOP });
  // Records the <html> classes at the moment <body> first exists: the saved choices must
  // already be there (applied by the blocking script in <head>, so no flash).
  await ctx.addInitScript(() => {
    const obs = new MutationObserver(() => {
      if (document.body && window.__classesAtBody === undefined) {
        window.__classesAtBody = document.documentElement.className;
        obs.disconnect();
      }
    });
    obs.observe(document, { childList: true, subtree: true });
    window.__printed = 0;
    window.print = () => { window.__printed++; };
    // A stand-in speech engine with one Chinese voice, so 朗读 can be exercised headless.
    const spoken = (window.__spoken = []);
    const synth = {
      speaking: false, paused: false, pending: false,
      getVoices: () => [{ name: '测试语音', lang: 'zh-CN', localService: true, default: true, voiceURI: 'test' }],
      speak(u) { spoken.push(u.text); this.speaking = true; this._current = u; },
      cancel() { this.speaking = false; this.paused = false; spoken.push('<cancel>'); },
      pause() { this.paused = true; spoken.push('<pause>'); },
      resume() { this.paused = false; spoken.push('<resume>'); },
      addEventListener() {}, removeEventListener() {}, onvoiceschanged: null,
    };
    Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  });
  const page = await ctx.newPage();
  const M = 'controls';
  await open(page, home.url);

  // 字号 with Enter and Space.
  for (const [name, key, cls] of [['大', 'Enter', 'font-large'], ['小', ' ', 'font-small'], ['中', 'Enter', null]]) {
    const ok = await pressControl(page, name, key === ' ' ? 'Space' : key);
    if (!expect(ok, `字号 ${name} button`, 'home', M, 'not found or not visible')) continue;
    const c = await htmlClasses(page);
    const pressed = await page.getByRole('button', { name, exact: true }).first().getAttribute('aria-pressed');
    expect(cls ? c.includes(cls) : !c.some((x) => x.startsWith('font-')), `字号 ${name} with ${key === ' ' ? 'Space' : key}`, 'home', M, `html class="${c.join(' ')}"`);
    expect(pressed === 'true', `字号 ${name} aria-pressed`, 'home', M, `aria-pressed=${pressed}`);
  }
  const sizes = {};
  for (const name of ['小', '中', '大']) {
    await pressControl(page, name, 'Enter');
    sizes[name] = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  }
  expect(sizes['小'] >= MIN_FONT_PX && sizes['小'] < sizes['中'] && sizes['中'] < sizes['大'], '字号 sizes', 'home', M, JSON.stringify(sizes));
  await pressControl(page, '中', 'Enter');

  // 关怀模式 with Space, then Enter to leave it; the button keeps focus and shows it.
  const careButton = page.locator('#care-toggle');
  if (expect(await careButton.isVisible(), '关怀模式 button', 'home', M, 'not visible')) {
    const normalSize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    await careButton.focus();
    await page.keyboard.press('Space');
    let c = await htmlClasses(page);
    expect(c.includes('care'), '关怀模式 with Space', 'home', M, `html class="${c.join(' ')}"`);
    expect(await careButton.getAttribute('aria-pressed') === 'true', '关怀模式 aria-pressed', 'home', M, 'not pressed');
    const careSize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(careSize >= normalSize * 1.15, '关怀模式 larger text', 'home', M, `${normalSize}px → ${careSize}px`);
    const f = await focusState(page);
    expect(f && f.id === 'care-toggle' && f.indicator, 'focus kept on 关怀模式', 'home', M, JSON.stringify(f));
    await page.keyboard.press('Enter');
    c = await htmlClasses(page);
    expect(!c.includes('care'), '关怀模式 off with Enter', 'home', M, `html class="${c.join(' ')}"`);
  }

  // Persistence: turn 关怀模式 and 大 on, follow a link, reload.
  await careButton.click();
  await pressControl(page, '大', 'Enter');
  await page.locator('header nav a', { hasText: '政策文件' }).first().click();
  await page.waitForLoadState('load');
  let c = await htmlClasses(page);
  expect(c.includes('care') && c.includes('font-large'), 'choices persist across pages', listing.name, M, `html class="${c.join(' ')}" at ${page.url()}`);
  await page.reload({ waitUntil: 'load' });
  c = await htmlClasses(page);
  expect(c.includes('care') && c.includes('font-large'), 'choices persist across reloads', listing.name, M, `html class="${c.join(' ')}"`);
  const atBody = await page.evaluate(() => window.__classesAtBody);
  expect(/\bcare\b/.test(atBody || '') && /\bfont-large\b/.test(atBody || ''), 'applied before first paint', listing.name, M, `html class when <body> appeared: "${atBody}"`);
  await open(page, doc.url);
  c = await htmlClasses(page);
  expect(c.includes('care'), 'choices persist on documents', doc.name, M, `html class="${c.join(' ')}"`);
  await page.locator('#care-toggle').click();
  await pressControl(page, '中', 'Enter');
  await page.reload({ waitUntil: 'load' });
  c = await htmlClasses(page);
  expect(!c.includes('care') && !c.includes('font-large'), 'turning off persists', doc.name, M, `html class="${c.join(' ')}"`);

  // 打印本页 with Enter.
  if (expect(await pressControl(page, '打印本页', 'Enter'), '打印本页 button', doc.name, M, 'not found')) {
    expect(await page.evaluate(() => window.__printed) === 1, '打印本页 prints', doc.name, M, 'window.print() not called');
  }

  // 朗读: reads main, pauses/resumes, stops.
  if (expect(await pressControl(page, '朗读', 'Enter'), '朗读 button (speech available)', doc.name, M, 'not shown although speech synthesis is available')) {
    const h1 = (await page.locator('main h1').first().textContent()).trim();
    const spoken = await page.evaluate(() => window.__spoken.filter((s) => !s.startsWith('<')).join(''));
    expect(spoken.includes(h1), '朗读 reads the main content', doc.name, M, `spoken text does not contain the title: ${spoken.slice(0, 60)}`);
    expect(!spoken.includes('跳到主要内容') && !spoken.includes('主办单位'), '朗读 reads only main', doc.name, M, 'reads header or footer text');
    const pause = page.getByRole('button', { name: '暂停', exact: true });
    expect(await pause.isVisible() && await pause.isEnabled(), '朗读 pause offered', doc.name, M, '暂停 not offered while speaking');
    expect(await page.locator('main .speaking').count() === 1, '朗读 highlights the block read', doc.name, M, 'no block marked as being read');
    await pause.focus();
    await page.keyboard.press('Space');
    expect(await page.evaluate(() => window.__spoken.includes('<pause>')), '朗读 pause with Space', doc.name, M, 'speechSynthesis.pause() not called');
    const resume = page.getByRole('button', { name: '继续', exact: true });
    expect(await resume.count() === 1, '朗读 继续 label', doc.name, M, 'paused reading offers no 继续');
    if (await resume.count()) { await resume.focus(); await page.keyboard.press('Enter'); }
    expect(await page.evaluate(() => window.__spoken.includes('<resume>')), '朗读 resume', doc.name, M, 'speechSynthesis.resume() not called');
    const stop = page.getByRole('button', { name: '停止', exact: true });
    await stop.focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => window.__spoken.includes('<cancel>')), '朗读 stop', doc.name, M, 'speechSynthesis.cancel() not called');
    expect(!(await stop.isVisible()) || await stop.isDisabled(), '朗读 stop', doc.name, M, '停止 still offered after stopping');
    const f = await focusState(page);
    expect(f && f.text === '朗读', '朗读 stop keeps focus in the tools', doc.name, M, `focus went to ${JSON.stringify(f)}`);
    expect(await page.locator('main .speaking').count() === 0, '朗读 highlight cleared', doc.name, M, 'a block is still marked as being read');
  }
  await ctx.close();

  // Without speech synthesis the 朗读 controls are absent.
  const noSpeech = await browser.newContext({ viewport: DESKTOP });
  await noSpeech.addInitScript(() => {
    Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });
  });
  const p2 = await noSpeech.newPage();
  await open(p2, doc.url);
  expect(!(await p2.getByRole('button', { name: '朗读', exact: true }).isVisible().catch(() => false)), '朗读 hidden without speech synthesis', doc.name, M, '朗读 shown');
  expect(await p2.getByRole('button', { name: '关怀模式', exact: true }).isVisible(), 'tools shown with JavaScript', doc.name, M, '关怀模式 not visible');
  await noSpeech.close();
}

/** With JavaScript off every page shows its content and no script-only control. */
async function checkNoScript(browser, pages) {
  const ctx = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  const page = await ctx.newPage();
  const M = 'no-js';
  for (const p of pages) {
    await open(page, p.url);
    const s = await structure(page);
    expect(s.h1 === 1 && s.mainText > 10, 'content without JavaScript', p.name, M, `h1 ${s.h1}, main text ${s.mainText}`);
    for (const name of ['大', '中', '小', '关怀模式', '朗读', '暂停', '停止', '打印本页']) {
      const visible = await page.getByRole('button', { name, exact: true }).first().isVisible().catch(() => false);
      expect(!visible, 'script-only controls absent', p.name, M, `button ${name} is visible`);
    }
    const r = await reflow(page);
    expect(r.scrollWidth <= r.clientWidth, 'no horizontal scroll', p.name, M, `scrollWidth ${r.scrollWidth} > ${r.clientWidth}`);
    if (p.home || p.name === 'policy-in-force' || p.search) await page.screenshot({ path: shotName(p.name, M, PHONE.width), fullPage: true });
  }
  await ctx.close();
}

/** prefers-reduced-motion: nothing moves; print: only the document, 打印本页 hidden. */
async function checkMediaFeatures(browser, pages) {
  const ctx = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  for (const p of pages.filter((x) => x.home || x.name === 'policy-repealed' || x.name === 'annual-report')) {
    await open(page, p.url);
    const moving = await page.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll('*')) {
        const cs = getComputedStyle(el);
        const dur = cs.transitionDuration.split(',').some((d) => parseFloat(d) > 0);
        if (dur || cs.animationName !== 'none') out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
      }
      if (getComputedStyle(document.documentElement).scrollBehavior !== 'auto') out.push('html scroll-behavior');
      return out;
    });
    expect(moving.length === 0, 'prefers-reduced-motion', p.name, 'reduced-motion', moving.slice(0, 5).join('; '));

    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      const shown = [];
      for (const sel of ['.skip-link', 'header nav', 'header form', '#a11y-tools', 'footer nav', 'nav[aria-label="当前位置"]']) {
        for (const el of document.querySelectorAll(sel)) if (visible(el)) shown.push(sel);
      }
      const h1 = document.querySelector('main h1');
      return { shown, h1: visible(h1), color: getComputedStyle(document.body).color };
    });
    expect(printed.shown.length === 0 && printed.h1, 'print style', p.name, 'print', `still printed: ${printed.shown.join(', ')}; h1 shown: ${printed.h1}`);
    expect(printed.color === 'rgb(0, 0, 0)', 'print in black', p.name, 'print', printed.color);
    if (p.name === 'policy-repealed') {
      await page.pdf({ path: path.join(shotDir, `${p.name}-print.pdf`), format: 'A4' });
    }
    await page.emulateMedia({ media: 'screen' });
  }
  await ctx.close();
}

// ---------------------------------------------------------------- main

async function main() {
  if (!fs.existsSync(path.join(siteDir, 'index.html'))) {
    console.error(`a11y: no built site at ${siteDir} (run gongkai build first)`);
    process.exit(2);
  }
  fs.mkdirSync(shotDir, { recursive: true });
  const { prefix, alsoRoot } = servedPrefix();
  const { server, origin } = await startServer(prefix, alsoRoot);
  const base = origin + prefix;
  console.log(`a11y: serving ${siteDir} at ${base}`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
  const started = Date.now();
  try {
    const ctx0 = await browser.newContext({ viewport: DESKTOP });
    const pages = await discover(await ctx0.newPage(), base);
    await ctx0.close();
    console.log(`a11y: ${pages.length} page types: ${pages.map((p) => p.name).join(', ')}`);

    for (const mode of MODES) {
      const ctx = await browser.newContext({ viewport: DESKTOP });
      const page = await ctx.newPage();
      if (mode === 'care') {
        // Turn 关怀模式 on the way a visitor does; it must then hold on every page.
        await open(page, pages[0].url);
        await page.locator('#care-toggle').click();
      }
      for (const p of pages) {
        console.log(`- [${mode}] ${p.name}  ${decodeURIComponent(p.url.slice(origin.length))}`);
        try {
          await checkPage(page, p, mode);
        } catch (e) {
          fail('page check crashed', p.name, mode, String(e && e.stack || e).split('\n').slice(0, 3).join(' | '));
        }
      }
      await ctx.close();
    }
    for (const p of pages) {
      if (p.bodySize && p.bodySize.normal && p.bodySize.care) {
        expect(p.bodySize.care > p.bodySize.normal, '关怀模式 larger text', p.name, 'care', `${p.bodySize.normal}px → ${p.bodySize.care}px`);
      }
    }
    console.log('- controls, persistence, speech, print button');
    await checkControls(browser, pages);
    console.log('- JavaScript disabled');
    await checkNoScript(browser, pages);
    console.log('- reduced motion and print media');
    await checkMediaFeatures(browser, pages);

    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const axeViolations = failures.filter((f) => f.check.startsWith('axe ')).length;
    console.log(`\na11y: ${pages.length} page types × ${MODES.length} modes, ${axeRuns} axe runs, ${checksRun} checks, ${axeViolations} axe violations, ${failures.length - axeViolations} other failures (${secs}s)`);
    console.log(`a11y: screenshots in ${path.relative(process.cwd(), shotDir) || shotDir}`);
    if (failures.length) {
      console.log('\nFAILED:');
      for (const f of failures) console.log(`  [${f.mode}] ${f.pageName}: ${f.check} — ${f.detail}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
