/* gongkai search tokenizer and codec — the browser copy of `tokenize`, `normalize_doc_no`
 * and the shard hash in src/search/ (normalizeDocNo mirrors src/rules/doc_no.rs), and the decoder of the doc lists it writes. The index
 * is built with the Rust copy and queried with this one, so they must agree exactly: both
 * are tested on tests/browser/search-vectors.json.
 * Works as a classic script (sets window.gongkaiSearchTokenize) and under node's vm. */
(function (global) {
  'use strict';

  // Full-width ASCII to ASCII, ideographic space to space, ASCII letters to lower case.
  // One UTF-16 unit in, one out, so offsets in normalised text are offsets in the original.
  function normalizeUnit(code) {
    if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0;
    else if (code === 0x3000) return 0x20;
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    return code;
  }

  function normalize(text) {
    var out = '';
    for (var i = 0; i < text.length; i++) {
      out += String.fromCharCode(normalizeUnit(text.charCodeAt(i)));
    }
    return out;
  }

  var SEP = 0, CJK = 1, DIGIT = 2, LATIN = 3;

  // Explicit code point ranges, the same as `class` in src/search/tokenize.rs.
  function classOf(cp) {
    if (cp >= 0x30 && cp <= 0x39) return DIGIT;
    if (cp >= 0x61 && cp <= 0x7a) return LATIN;
    if (cp === 0x3007 ||
        (cp >= 0x3041 && cp <= 0x3096) ||
        (cp >= 0x30a1 && cp <= 0x30fa) ||
        (cp >= 0x3400 && cp <= 0x4dbf) ||
        (cp >= 0x4e00 && cp <= 0x9fff) ||
        (cp >= 0xac00 && cp <= 0xd7a3) ||
        (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0x20000 && cp <= 0x3ffff)) return CJK;
    return SEP;
  }

  // Splits normalised text into runs of one class: [{cls, chars: [string...], start, end}],
  // start/end in UTF-16 units.
  function runs(norm) {
    var out = [];
    var cur = null;
    for (var i = 0; i < norm.length;) {
      var cp = norm.codePointAt(i);
      var width = cp > 0xffff ? 2 : 1;
      var cls = classOf(cp);
      if (cls === SEP) {
        cur = null;
      } else if (cur && cur.cls === cls) {
        cur.chars.push(norm.substr(i, width));
        cur.end = i + width;
      } else {
        cur = { cls: cls, chars: [norm.substr(i, width)], start: i, end: i + width };
        out.push(cur);
      }
      i += width;
    }
    return out;
  }

  function runTokens(run) {
    if (run.cls !== CJK) return [run.chars.join('')];
    if (run.chars.length === 1) return [run.chars[0]];
    var out = [];
    for (var i = 0; i + 1 < run.chars.length; i++) out.push(run.chars[i] + run.chars[i + 1]);
    return out;
  }

  // Bigrams over CJK runs (the character itself for a one-character run), whole runs of
  // digits, whole runs of Latin letters; everything else separates.
  function tokenize(text) {
    var out = [];
    runs(normalize(text)).forEach(function (r) {
      Array.prototype.push.apply(out, runTokens(r));
    });
    return out;
  }

  // The pieces of a query between separators, each with its tokens: `11号` is one piece of
  // two tokens, whose adjacency the index cannot prove, so the browser checks it in text.
  function segments(text) {
    var norm = normalize(text);
    var out = [];
    var cur = null;
    var prevEnd = -1;
    runs(norm).forEach(function (r) {
      if (cur && r.start === prevEnd) {
        cur.text += norm.slice(r.start, r.end);
        Array.prototype.push.apply(cur.tokens, runTokens(r));
      } else {
        cur = { text: norm.slice(r.start, r.end), tokens: runTokens(r) };
        out.push(cur);
      }
      prevEnd = r.end;
    });
    return out;
  }

  var OPEN = '[(【〔﹝〖〘';
  var CLOSE = '])】〕﹞〗〙';

  function normalizeDocNo(text) {
    var norm = normalize(text);
    var out = '';
    for (var i = 0; i < norm.length; i++) {
      var c = norm.charAt(i);
      if (/\s|\u0085/.test(c)) continue;
      if (OPEN.indexOf(c) >= 0) c = '〔';
      else if (CLOSE.indexOf(c) >= 0) c = '〕';
      out += c;
    }
    // The serial number loses its leading zeros (`09号` = `9号`), one zero kept for `0号`.
    var close = out.lastIndexOf('〕');
    if (close >= 0) {
      var start = close + 1;
      var zeros = 0;
      while (out.charAt(start + zeros) === '0') zeros++;
      var drop = /^[0-9]/.test(out.slice(start + zeros)) ? zeros : Math.max(zeros - 1, 0);
      out = out.slice(0, start) + out.slice(start + drop);
    }
    return out;
  }

  // The exact-match key of a query that is a whole 发文字号 (`示政办发[2024]11号`): the
  // index holds it for each document's own number and for numbers cited in text. Null for
  // other queries.
  function docNoKey(text) {
    var n = normalizeDocNo(text);
    return /^[\u3400-\u9fff]{2,8}〔[0-9]{4}〕[0-9]+号$/.test(n) ? '#' + n : null;
  }

  // 32-bit FNV-1a over UTF-8: the shard a token lives in.
  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  // A token that is one CJK character: those live in their own shard files.
  function isChar(token) {
    var cp = token.codePointAt(0);
    return token.length === (cp > 0xffff ? 2 : 1) && classOf(cp) === CJK;
  }

  // Value of each base64url character (A–Z a–z 0–9 - _ = 0–63), -1 for any other.
  var DIGITS = new Int8Array(128).fill(-1);
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')
    .forEach(function (c, i) { DIGITS[c.charCodeAt(0)] = i; });

  // Decodes a doc list (delta, bitmap or complement form) into a bitset of `words` 32-bit
  // words; `n` is the number of documents.
  function decodeList(str, words, n) {
    var bits = new Uint32Array(words);
    if (!str) return bits;
    var i, d, id;
    if (str.charCodeAt(0) === 126) {
      for (i = 0; i < n; i++) bits[i >>> 5] |= 1 << (i & 31);
      var absent = decodeList(str.slice(1), words, n);
      for (i = 0; i < words; i++) bits[i] &= ~absent[i];
      return bits;
    }
    if (str.charCodeAt(0) === 33) {
      for (i = 1; i < str.length; i++) {
        d = DIGITS[str.charCodeAt(i)];
        for (var j = 0; j < 6; j++) {
          if (d & (1 << j)) {
            id = (i - 1) * 6 + j;
            if ((id >>> 5) < words) bits[id >>> 5] |= 1 << (id & 31);
          }
        }
      }
      return bits;
    }
    var next = 0, v = 0;
    for (i = 0; i < str.length; i++) {
      d = DIGITS[str.charCodeAt(i)];
      v = v * 32 + (d & 31);
      if (d < 32) {
        next += v;
        if ((next >>> 5) < words) bits[next >>> 5] |= 1 << (next & 31);
        next += 1;
        v = 0;
      }
    }
    return bits;
  }

  global.gongkaiSearchTokenize = {
    digits: DIGITS,
    decodeList: decodeList,
    isChar: isChar,
    normalize: normalize,
    tokenize: tokenize,
    segments: segments,
    normalizeDocNo: normalizeDocNo,
    docNoKey: docNoKey,
    fnv1a: fnv1a
  };
})(typeof window !== 'undefined' ? window : globalThis);
