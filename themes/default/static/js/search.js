/* gongkai site search: reads the query from the URL (search/?q=…&kind=…&year=…&status=…),
 * fetches search.json and only the index shards and record chunks the query touches, and
 * shows ranked results built with DOM methods (never innerHTML from data). The file format
 * is described in src/search/FORMAT.md. No eval, no WebAssembly, no external requests. */
(function () {
  'use strict';

  var T = window.gongkaiSearchTokenize;
  var PAGE_SIZE = 10;
  // Most page texts fetched per query to check phrases; beyond it candidates count as
  // unverified (they hold every bigram, so they are still likely matches).
  var TEXT_BUDGET = 30;
  var MAX_ROUNDS = 3;
  var STATUS_SLUGS = {
    '现行有效': 'in-force', '已修改': 'amended', '部分失效': 'partly-invalid',
    '尚未生效': 'not-yet-effective', '已失效': 'expired', '已废止': 'repealed'
  };
  var TIER_LABELS = ['文号匹配', '标题匹配', '属性匹配', '正文匹配'];

  // The base64url digit values and the doc-list decoder live with the tokenizer, in the
  // file the shared test vectors check.
  var DIGITS = T.digits;
  var decodeList = T.decodeList;

  // ---------------------------------------------------------------- bitsets

  function newBits(words) { return new Uint32Array(words); }

  function and(a, b) { var r = newBits(a.length); for (var i = 0; i < a.length; i++) r[i] = a[i] & b[i]; return r; }
  function or(a, b) { var r = newBits(a.length); for (var i = 0; i < a.length; i++) r[i] = a[i] | b[i]; return r; }
  function andNot(a, b) { var r = newBits(a.length); for (var i = 0; i < a.length; i++) r[i] = a[i] & ~b[i]; return r; }
  function ones(words, n) {
    var r = newBits(words);
    for (var i = 0; i < n; i++) r[i >>> 5] |= 1 << (i & 31);
    return r;
  }
  function forEachBit(bits, fn) {
    for (var w = 0; w < bits.length; w++) {
      var x = bits[w];
      while (x) {
        var t = x & -x;
        fn(w * 32 + 31 - Math.clz32(t));
        x ^= t;
      }
    }
  }

  // ---------------------------------------------------------------- the index

  function Index(root) {
    this.root = root;
    this.entry = null;
    this.shards = {};
    this.chunks = {};
    this.texts = {};
    this.lists = {};
    this.textFetches = 0;
  }

  Index.prototype.getJSON = function (path) {
    return fetch(this.root + path, { credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
      return res.json();
    });
  };

  Index.prototype.load = function () {
    var self = this;
    if (!this.loading) {
      this.loading = this.getJSON('search.json').then(function (e) {
        if (e.format !== 'gongkai-search' || e.version !== 2) throw new Error('search.json: unknown format');
        self.entry = e;
        var n = e.count;
        self.words = Math.ceil(n / 32) || 1;
        self.kind = new Uint16Array(n);
        self.status = new Uint16Array(n);
        self.year = new Uint16Array(n);
        var k = Math.max(e.kinds.length, 1), st = e.statuses.length + 1;
        var w = e.facets.width, codes = e.facets.codes;
        for (var i = 0; i < n; i++) {
          var v = 0;
          for (var j = 0; j < w; j++) v = v * 64 + DIGITS[codes.charCodeAt(i * w + j)];
          self.kind[i] = v % k;
          self.status[i] = Math.floor(v / k) % st;
          self.year[i] = Math.floor(v / (k * st));
        }
        return e;
      });
    }
    return this.loading;
  };

  Index.prototype.shard = function (token) {
    var e = this.entry;
    if (e.index) return Promise.resolve(e.index);
    var path = T.isChar(token)
      ? 'search/char-' + (T.fnv1a(token) % e.char_shards)
      : 'search/index-' + (T.fnv1a(token) % e.shards);
    if (!this.shards[path]) this.shards[path] = this.getJSON(path + '.json');
    return this.shards[path];
  };

  // [body, title, fields] bitsets of a token.
  Index.prototype.postings = function (token) {
    var self = this;
    if (this.lists[token]) return Promise.resolve(this.lists[token]);
    return this.shard(token).then(function (shard) {
      var v = Object.prototype.hasOwnProperty.call(shard, token) ? shard[token] : '';
      if (typeof v === 'string') v = [v];
      var r = [0, 1, 2].map(function (i) { return decodeList(v[i] || '', self.words, self.entry.count); });
      self.lists[token] = r;
      return r;
    });
  };

  Index.prototype.record = function (id) {
    var e = this.entry;
    if (e.meta) return Promise.resolve(e.meta[id]);
    var c = Math.floor(id / e.meta_chunk);
    if (!this.chunks[c]) this.chunks[c] = this.getJSON('search/meta-' + c + '.json');
    return this.chunks[c].then(function (rows) { return rows[id - c * e.meta_chunk]; });
  };

  // The visible text of a document's own page (its body where the theme marks one), with
  // whitespace collapsed: what phrases are checked against and snippets are cut from.
  // DOMParser documents run no scripts and load no images.
  Index.prototype.text = function (id) {
    var self = this;
    if (!this.texts[id]) {
      this.textFetches += 1;
      this.texts[id] = this.record(id).then(function (rec) {
        return fetch(self.root + rec[0] + 'index.html', { credentials: 'same-origin' });
      }).then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      }).then(function (html) {
        // Parse only the document body when the theme marks it: a tenth of the page.
        var at = html.indexOf('id="doc-body"');
        var start = at >= 0 ? html.lastIndexOf('<', at) : -1;
        var end = html.indexOf('</main>', at);
        if (start >= 0 && end > start) html = html.slice(start, end);
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var el = doc.getElementById('doc-body') || doc.querySelector('main') || doc.body;
        if (!el) return '';
        el.querySelectorAll('nav, script, style, noscript, template, [hidden]').forEach(function (n) {
          n.remove();
        });
        return (el.textContent || '').replace(/\s+/g, ' ').trim();
      }).catch(function () { return null; });
    }
    return this.texts[id];
  };

  // ---------------------------------------------------------------- query

  function parseQuery(search) {
    var p = new URLSearchParams(search);
    var page = parseInt(p.get('page') || '1', 10);
    return {
      q: (p.get('q') || '').trim(),
      kind: p.get('kind') || '',
      year: p.get('year') || '',
      status: p.get('status') || '',
      page: page > 0 && page < 100000 ? page : 1
    };
  }

  function unique(xs) {
    var seen = {};
    return xs.filter(function (x) { return seen.hasOwnProperty(x) ? false : (seen[x] = true); });
  }

  function fieldsText(rec) {
    return [rec[2], rec[3], rec[4], (rec[6] || []).join(' ')].join(' ');
  }

  // Runs a query; resolves to {total, approx, results: [{id, tier, rec, text}], pageCount}.
  Index.prototype.search = function (params) {
    var self = this;
    return this.load().then(function (e) {
      var n = e.count, words = self.words;
      var tokens = unique(T.tokenize(params.q));
      var segs = T.segments(params.q);
      var norm = T.normalize(params.q);
      var exactKey = /[0-9]/.test(norm) ? '#' + T.normalizeDocNo(params.q) : null;

      // Filters.
      var mask = ones(words, n);
      var ki = -1, si = -1, yi = -1;
      if (params.kind) ki = e.kinds.map(function (k) { return k.value; }).indexOf(params.kind);
      if (params.status) si = e.statuses.indexOf(params.status) + 1;
      if (params.year) yi = e.years.indexOf(parseInt(params.year, 10)) + 1;
      if (params.kind || params.status || params.year) {
        mask = newBits(words);
        for (var i = 0; i < n; i++) {
          if ((params.kind && self.kind[i] !== ki) || (params.status && self.status[i] !== si) ||
              (params.year && self.year[i] !== yi)) continue;
          mask[i >>> 5] |= 1 << (i & 31);
        }
      }

      // A whole 发文字号: the exact key lists are the answer (the document itself in
      // fields, documents citing it in title or text), with no phrase checking to do.
      var numberKey = T.docNoKey(params.q);
      var exactFirst = numberKey ? self.postings(numberKey) : Promise.resolve(null);
      return exactFirst.then(function (ex) {
        if (ex && (ex[0].some(Boolean) || ex[1].some(Boolean) || ex[2].some(Boolean))) {
          var inFields = ex[2], inTitle = andNot(ex[1], inFields);
          var inBody = andNot(andNot(ex[0], inFields), inTitle);
          return self.rank(collect([inFields, inTitle, newBits(words), inBody], mask, n, true), [], params.page);
        }
        var wanted = tokens.slice();
        if (exactKey) wanted.push(exactKey);
        return Promise.all(wanted.map(function (t) { return self.postings(t); })).then(function (lists) {
          var tiers;
          if (!tokens.length) {
            // No query words: list everything the filters allow, newest first.
            return self.rank(params.q ? [] : collect([mask], mask, n, false), [], params.page);
          }
          var all = null, title = null, fields = null;
          for (var t = 0; t < tokens.length; t++) {
            var l = lists[t];
            var any = or(or(l[0], l[1]), l[2]);
            var tf = or(l[1], l[2]);
            all = all ? and(all, any) : any;
            title = title ? and(title, l[1]) : l[1];
            fields = fields ? and(fields, tf) : tf;
          }
          var exact = exactKey ? lists[lists.length - 1][2] : newBits(words);
          tiers = [exact, andNot(title, exact), andNot(andNot(fields, title), exact),
            andNot(andNot(all, fields), exact)];
          return self.rank(collect(tiers, mask, n, true), segs, params.page);
        });
      });
    });
  };

  // Candidates in rank order: by tier (the position in `tiers`), then newest first, which
  // is the larger id first (ids number the documents oldest first).
  function collect(tiers, mask, n, ranked) {
    var list = [];
    tiers.forEach(function (bits, tier) {
      var ids = [];
      forEachBit(and(bits, mask), function (id) { if (id < n) ids.push(id); });
      for (var i = ids.length - 1; i >= 0; i--) list.push({ id: ids[i], tier: ranked ? tier : 2 });
    });
    return list;
  }

  function key(r) { return r.tier * 2 + (r.unverified ? 1 : 0); }
  function before(a, b) { return key(a) !== key(b) ? key(a) < key(b) : a.id > b.id; }

  // Checks phrases: bigrams prove that every token occurs, not that a piece of several
  // tokens (`教育局`, `11号`) occurs as written. Candidates come ranked by what the bigrams
  // prove (a lower bound on the true tier), so they are checked in that order, a batch at a
  // time, against the record's fields and then the page text, until the requested page is
  // settled. At most MAX_ROUNDS batches: what is left fills the page unchecked, after the
  // checked results, and the count is shown as approximate.
  Index.prototype.rank = function (list, segs, page) {
    var self = this;
    var need = page * PAGE_SIZE;
    var check = segs.some(function (s) { return s.tokens.length > 1; });
    if (!check) {
      return Promise.resolve({
        total: list.length, approx: false, results: list.slice(need - PAGE_SIZE, need),
        pageCount: Math.ceil(list.length / PAGE_SIZE)
      });
    }
    var accepted = [], pos = 0, rounds = 0, budget = TEXT_BUDGET;

    function verify(c) {
      if (c.tier === 0) return Promise.resolve(c);
      return self.record(c.id).then(function (rec) {
        var title = T.normalize(rec[1]), fields = T.normalize(fieldsText(rec));
        var inTitle = segs.every(function (s) { return title.indexOf(s.text) >= 0; });
        if (inTitle) return { id: c.id, tier: Math.max(c.tier, 1), rec: rec };
        var inFields = segs.every(function (s) {
          return title.indexOf(s.text) >= 0 || fields.indexOf(s.text) >= 0;
        });
        if (inFields) return { id: c.id, tier: Math.max(c.tier, 2), rec: rec };
        if (budget <= 0 && !self.texts[c.id]) return { id: c.id, tier: 3, rec: rec, unverified: true };
        if (!self.texts[c.id]) budget -= 1;
        return self.text(c.id).then(function (text) {
          if (text === null) return { id: c.id, tier: 3, rec: rec, unverified: true };
          var body = T.normalize(text);
          var ok = segs.every(function (s) {
            return title.indexOf(s.text) >= 0 || fields.indexOf(s.text) >= 0 || body.indexOf(s.text) >= 0;
          });
          return ok ? { id: c.id, tier: 3, rec: rec, text: text } : null;
        });
      });
    }

    function settled() {
      if (pos >= list.length) return true;
      return accepted.length >= need && before(accepted[need - 1], list[pos]);
    }

    function finish() {
      var unchecked = list.length - pos;
      var shown = accepted.slice();
      for (var i = pos; i < list.length && shown.length < need; i++) {
        shown.push({ id: list[i].id, tier: list[i].tier, unverified: true });
      }
      var total = accepted.length + unchecked;
      return {
        total: total,
        approx: unchecked > 0 || accepted.some(function (r) { return r.unverified; }),
        results: shown.slice(need - PAGE_SIZE, need),
        pageCount: Math.ceil(total / PAGE_SIZE)
      };
    }

    function step() {
      if (settled() || rounds >= MAX_ROUNDS) return finish();
      rounds += 1;
      var batch = list.slice(pos, pos + Math.max(need - accepted.length, 0) + 4);
      pos += batch.length;
      return Promise.all(batch.map(verify)).then(function (rs) {
        rs.forEach(function (r) {
          if (!r) return;
          var i = accepted.length;
          while (i > 0 && before(r, accepted[i - 1])) i--;
          accepted.splice(i, 0, r);
        });
        return step();
      });
    }
    return step();
  };

  // ---------------------------------------------------------------- rendering

  // Appends `text` to `parent`, wrapping each occurrence of a query piece in <mark>.
  function appendMarked(parent, text, segs) {
    var norm = T.normalize(text);
    var spans = [];
    segs.forEach(function (s) {
      if (!s.text) return;
      for (var at = norm.indexOf(s.text); at >= 0; at = norm.indexOf(s.text, at + s.text.length)) {
        spans.push([at, at + s.text.length]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var pos = 0;
    spans.forEach(function (sp) {
      if (sp[0] < pos) { if (sp[1] > pos) sp = [pos, sp[1]]; else return; }
      if (sp[0] > pos) parent.appendChild(document.createTextNode(text.slice(pos, sp[0])));
      var m = document.createElement('mark');
      m.textContent = text.slice(sp[0], sp[1]);
      parent.appendChild(m);
      pos = sp[1];
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  function isLow(code) { return code >= 0xdc00 && code <= 0xdfff; }

  // A window of `size` characters of `text` around the first (longest) query piece.
  function cut(text, segs, size) {
    var norm = T.normalize(text);
    var best = -1, bestLen = 0;
    segs.forEach(function (s) {
      var at = s.text ? norm.indexOf(s.text) : -1;
      if (at >= 0 && s.text.length > bestLen) { best = at; bestLen = s.text.length; }
    });
    if (best < 0) return null;
    var start = Math.max(0, best - Math.floor(size / 4));
    var end = Math.min(text.length, start + size);
    start = Math.max(0, Math.min(start, end - size));
    if (start > 0 && isLow(text.charCodeAt(start))) start -= 1;
    if (end < text.length && isLow(text.charCodeAt(end))) end += 1;
    return (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : '');
  }

  // The snippet that can be shown at once: cut from the stored start of the text, or from
  // the page text when checking fetched it already. Null when the page text is needed.
  function quickSnippet(index, r, segs) {
    var size = index.entry.snippet_chars || 120;
    var summary = r.rec[7] || '';
    var hit = cut(summary, segs, size);
    if (hit !== null || !segs.length) return hit || summary;
    if (r.text) return cut(r.text, segs, size) || summary;
    return r.tier < 3 ? summary : null;
  }

  // The snippet around the match in the document's page text (fetched now).
  function fullSnippet(index, r, segs) {
    var size = index.entry.snippet_chars || 120;
    return index.text(r.id).then(function (t) { return (t && cut(t, segs, size)) || r.rec[7] || ''; });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function renderResult(index, r, segs, snippet) {
    var rec = r.rec;
    var e = index.entry;
    var li = el('li', 'doc-item search-result');
    var h = el('h2', 'search-result-title');
    var a = el('a', 'doc-title');
    a.href = index.root + rec[0] + 'index.html';
    appendMarked(a, rec[1], segs);
    h.appendChild(a);
    li.appendChild(h);

    var meta = el('p', 'doc-meta-line');
    var kind = e.kinds[index.kind[r.id]];
    if (kind) meta.appendChild(el('span', 'search-kind', kind.label));
    if (rec[2]) {
      var no = el('span', 'search-docno', '发文字号：');
      appendMarked(no, rec[2], segs);
      meta.appendChild(no);
    }
    if (rec[3] && r.tier === 0) {
      var ix = el('span', 'search-indexno', '索引号：');
      appendMarked(ix, rec[3], segs);
      meta.appendChild(ix);
    }
    if (rec[5]) meta.appendChild(el('span', 'search-date', '发布日期：' + rec[5]));
    var st = index.status[r.id];
    if (st > 0) {
      var label = e.statuses[st - 1];
      meta.appendChild(el('span', 'badge validity-' + (STATUS_SLUGS[label] || 'other'), label));
    }
    li.appendChild(meta);
    if (snippet) {
      var p = el('p', 'search-snippet');
      appendMarked(p, snippet, segs);
      li.appendChild(p);
    }
    li.setAttribute('data-tier', TIER_LABELS[r.tier] || '');
    return li;
  }

  function pageHref(params, page) {
    var p = new URLSearchParams();
    ['q', 'kind', 'year', 'status'].forEach(function (k) { if (params[k]) p.set(k, params[k]); });
    if (page > 1) p.set('page', String(page));
    return '?' + p.toString();
  }

  function renderPages(nav, params, pageCount) {
    while (nav.firstChild) nav.removeChild(nav.firstChild);
    if (pageCount <= 1) { nav.hidden = true; return; }
    var ul = el('ul');
    function item(page, label, current) {
      var li = el('li');
      if (current) {
        var s = el('span', null, label);
        s.setAttribute('aria-current', 'page');
        li.appendChild(s);
      } else {
        var a = el('a', null, label);
        a.href = pageHref(params, page);
        li.appendChild(a);
      }
      ul.appendChild(li);
    }
    var cur = params.page;
    if (cur > 1) item(cur - 1, '上一页', false);
    var from = Math.max(1, cur - 3), to = Math.min(pageCount, from + 6);
    for (var pg = from; pg <= to; pg++) item(pg, String(pg), pg === cur);
    if (cur < pageCount) item(cur + 1, '下一页', false);
    nav.appendChild(ul);
    nav.hidden = false;
  }

  function describe(params, res) {
    var shown = res.results.length;
    var first = (params.page - 1) * PAGE_SIZE + 1;
    if (!res.total) return params.q ? '没有找到与“' + params.q + '”相关的结果。' : '没有符合条件的信息。';
    var count = (res.approx ? '约 ' : '') + res.total + ' 条';
    var head = params.q ? '找到与“' + params.q + '”相关的结果' + count : '共有 ' + count + '信息';
    if (!shown) return head + '，本页没有更多结果。';
    return head + '，当前显示第 ' + first + '–' + (first + shown - 1) + ' 条。';
  }

  // ---------------------------------------------------------------- page wiring

  function fillForm(params) {
    var set = function (id, v) { var f = document.getElementById(id); if (f) f.value = v; };
    set('search-q', params.q);
    set('search-filter-kind', params.kind);
    set('search-filter-year', params.year);
    set('search-filter-status', params.status);
  }

  // Everything a query needs before results can be shown: the ranked results of the
  // requested page with their records, and the snippets known without fetching pages.
  function query(index, params) {
    var segs = T.segments(params.q);
    return index.search(params).then(function (res) {
      return Promise.all(res.results.map(function (r) {
        if (r.rec) return r;
        return index.record(r.id).then(function (rec) { r.rec = rec; return r; });
      })).then(function () {
        res.results.forEach(function (r) { r.snippet = quickSnippet(index, r, segs); });
        return { res: res, segs: segs };
      });
    });
  }

  // Fetches the page text of results whose match is only in the body, for their snippets;
  // `update(i, snippet)` is called as each arrives.
  function fillSnippets(index, out, update) {
    return Promise.all(out.res.results.map(function (r, i) {
      if (r.snippet !== null) return null;
      return fullSnippet(index, r, out.segs).then(function (sn) { r.snippet = sn; update(i, sn); });
    }));
  }

  function run(index) {
    var status = document.getElementById('search-status');
    var list = document.getElementById('search-results');
    var nav = document.getElementById('search-pages');
    var params = parseQuery(location.search);
    fillForm(params);
    if (!params.q && !params.kind && !params.year && !params.status) {
      status.textContent = '请输入关键词进行搜索。';
      list.setAttribute('data-state', 'idle');
      return Promise.resolve(null);
    }
    status.textContent = '正在搜索…';
    list.setAttribute('data-state', 'busy');
    var t0 = performance.now();
    return query(index, params).then(function (out) {
      var res = out.res;
      while (list.firstChild) list.removeChild(list.firstChild);
      var items = res.results.map(function (r) {
        var li = renderResult(index, r, out.segs, r.snippet || r.rec[7] || '');
        list.appendChild(li);
        return li;
      });
      renderPages(nav, params, res.pageCount);
      status.textContent = describe(params, res);
      list.setAttribute('data-ms', String(Math.round(performance.now() - t0)));
      // Results show at once; snippets that need the page text follow.
      return fillSnippets(index, out, function (i, snippet) {
        var p = items[i].querySelector('.search-snippet');
        if (!p) {
          p = el('p', 'search-snippet');
          items[i].appendChild(p);
        }
        while (p.firstChild) p.removeChild(p.firstChild);
        appendMarked(p, snippet, out.segs);
      }).then(function () {
        list.setAttribute('data-state', 'done');
        return res;
      });
    }).catch(function () {
      status.textContent = '搜索索引加载失败，请稍后重试。';
      list.setAttribute('data-state', 'error');
      return null;
    });
  }

  var list = document.getElementById('search-results');
  if (!T) {
    // search-tokenize.js did not load: say so rather than spin.
    var st = document.getElementById('search-status');
    if (st) st.textContent = '搜索功能加载失败，请稍后重试。';
    return;
  }
  var root = list ? list.getAttribute('data-root') || '' : '';
  var index = new Index(root);
  // For the browser test and the benchmark: the same engine without re-rendering the page.
  var withDefaults = function (params) {
    return Object.assign({ q: '', kind: '', year: '', status: '', page: 1 }, params);
  };
  window.gongkaiSearch = {
    index: index,
    search: function (params) { return index.search(withDefaults(params)); },
    query: function (params) { return query(index, withDefaults(params)); },
    fillSnippets: function (out) { return fillSnippets(index, out, function () {}); },
    parseQuery: parseQuery
  };
  if (list) run(index);
})();
