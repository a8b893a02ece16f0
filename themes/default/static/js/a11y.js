// Reading aids on every page: 字号 (text size), 关怀模式 (care mode), 打印本页 (print) and
// 朗读 (read the main content aloud with the browser's own speech synthesis).
//
// The bar is hidden in the HTML and shown only here (and by prefs.js's `js` class), so a
// visitor without JavaScript never meets a button that does nothing. Choices are kept in
// localStorage and applied before the first paint by prefs.js; here they are changed,
// saved, and kept in step across open tabs. Plain ES5 so older phones run it too.
(function () {
  'use strict';
  var doc = document;
  var root = doc.documentElement;
  var tools = doc.getElementById('a11y-tools');
  if (!tools) return;
  tools.hidden = false;

  var FONT_KEY = 'gongkai-font';
  var CARE_KEY = 'gongkai-care';

  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* storage blocked */ }
  }

  function each(list, fn) {
    for (var i = 0; i < list.length; i++) fn(list[i], i);
  }

  // ---------------------------------------------------------------- 字号

  var fontButtons = tools.querySelectorAll('[data-font]');

  function currentFont() {
    if (root.classList.contains('font-large')) return 'large';
    if (root.classList.contains('font-small')) return 'small';
    return 'medium';
  }

  function syncFont() {
    var current = currentFont();
    each(fontButtons, function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-font') === current));
    });
  }

  function applyFont(size) {
    root.classList.remove('font-large', 'font-small');
    if (size === 'large' || size === 'small') root.classList.add('font-' + size);
    syncFont();
  }

  each(fontButtons, function (b) {
    b.addEventListener('click', function () {
      var size = b.getAttribute('data-font');
      applyFont(size);
      save(FONT_KEY, size);
    });
  });
  syncFont();

  // ---------------------------------------------------------------- 关怀模式

  var care = doc.getElementById('care-toggle');

  function applyCare(on) {
    if (on) root.classList.add('care'); else root.classList.remove('care');
    if (care) care.setAttribute('aria-pressed', String(on));
  }

  if (care) {
    care.addEventListener('click', function () {
      var on = !root.classList.contains('care');
      applyCare(on);
      save(CARE_KEY, on ? 'on' : 'off');
    });
    applyCare(root.classList.contains('care'));
  }

  // Another tab changed a choice: follow it here too.
  window.addEventListener('storage', function (ev) {
    if (ev.key === FONT_KEY) applyFont(ev.newValue || 'medium');
    if (ev.key === CARE_KEY) applyCare(ev.newValue === 'on');
  });

  // ---------------------------------------------------------------- 打印本页

  var printButton = doc.getElementById('print-page');
  if (printButton) {
    if (typeof window.print === 'function') {
      printButton.addEventListener('click', function () { window.print(); });
    } else {
      printButton.hidden = true;
    }
  }

  // ---------------------------------------------------------------- 朗读

  var synth = window.speechSynthesis;
  var controls = doc.getElementById('speech-controls');
  if (!controls || !synth || typeof window.SpeechSynthesisUtterance !== 'function') return;
  var startButton = doc.getElementById('speak-start');
  var pauseButton = doc.getElementById('speak-pause');
  var stopButton = doc.getElementById('speak-stop');
  var voice = null;
  var state = 'idle';   // idle | speaking | paused
  var run = 0;          // bumped on every start/stop so stale callbacks do nothing
  var marked = null;

  // 朗读 is offered only when the browser has a Chinese voice: without one the button
  // would stay silent or read Chinese with an English voice. Voices often arrive late.
  function chineseVoice() {
    var voices = [];
    try { voices = synth.getVoices() || []; } catch (e) { voices = []; }
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = String(voices[i].lang || '').replace('_', '-').toLowerCase();
      if (lang === 'zh-cn' || lang === 'cmn-cn' || lang === 'cmn-hans-cn') return voices[i];
      if (!best && (lang.indexOf('zh') === 0 || lang.indexOf('cmn') === 0)) best = voices[i];
    }
    return best;
  }

  function offer() {
    var v = chineseVoice();
    if (v) {
      voice = v;
      controls.hidden = false;
    }
  }
  offer();
  if (!voice) {
    if (typeof synth.addEventListener === 'function') synth.addEventListener('voiceschanged', offer);
    else synth.onvoiceschanged = offer;
  }

  var BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,dt,dd,caption,figcaption,blockquote,pre,tr,summary,div,section,article,main';
  var SKIP = 'button,select,input,textarea,noscript,script,style,[hidden],[aria-hidden="true"]';

  // The main content as short pieces (a block or a few sentences each), each with the
  // element it came from so the reader can follow the highlighted block. Long single
  // utterances stop early in some browsers, so pieces stay under ~150 characters.
  function pieces() {
    var main = doc.getElementById('main');
    var out = [];
    if (!main) return out;
    var walker = doc.createTreeWalker(main, NodeFilter.SHOW_TEXT, null, false);
    var currentBlock = null;
    var text = '';
    function flush() {
      var t = text.replace(/\s+/g, ' ').trim();
      if (t) split(t, currentBlock, out);
      text = '';
    }
    var node;
    while ((node = walker.nextNode())) {
      var el = node.parentNode;
      if (!el || !node.nodeValue.replace(/\s+/g, '')) continue;
      if (el.closest && el.closest(SKIP)) continue;
      var svg = el.closest && el.closest('svg');
      var block;
      if (svg) {
        // Charts: read their title and description, not the tick labels.
        var tag = el.nodeName.toLowerCase();
        if (tag !== 'title' && tag !== 'desc') continue;
        block = svg;
      } else {
        if (!el.getClientRects().length) continue;
        block = el.closest(BLOCKS) || main;
      }
      if (block !== currentBlock) {
        flush();
        currentBlock = block;
      }
      // Cells of a row are read as one line with a pause between them.
      text += (text ? (block.nodeName === 'TR' ? '，' : ' ') : '') + node.nodeValue;
    }
    flush();
    return out;
  }

  function split(t, el, out) {
    var sentences = t.match(/[^。！？；!?;]+[。！？；!?;]*/g) || [t];
    var buf = '';
    for (var i = 0; i < sentences.length; i++) {
      var s = sentences[i];
      while (s.length > 150) {
        var cut = s.lastIndexOf('，', 150);
        if (cut < 40) cut = 150; else cut += 1;
        if (buf) { out.push({ text: buf, el: el }); buf = ''; }
        out.push({ text: s.slice(0, cut), el: el });
        s = s.slice(cut);
      }
      if (buf.length + s.length > 150) { out.push({ text: buf, el: el }); buf = ''; }
      buf += s;
    }
    if (buf) out.push({ text: buf, el: el });
  }

  function mark(el) {
    if (marked === el) return;
    if (marked) marked.classList.remove('speaking');
    marked = el && el.classList && el.nodeName !== 'MAIN' ? el : null;
    if (marked) {
      marked.classList.add('speaking');
      var r = marked.getBoundingClientRect();
      if (r.top < 0 || r.bottom > window.innerHeight) {
        var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
        try { marked.scrollIntoView({ block: 'center', behavior: reduce ? 'auto' : 'smooth' }); } catch (e) { marked.scrollIntoView(); }
      }
    }
  }

  function setState(next) {
    state = next;
    var active = next !== 'idle';
    var focusWasOn = doc.activeElement;
    pauseButton.hidden = !active;
    stopButton.hidden = !active;
    pauseButton.textContent = next === 'paused' ? '继续' : '暂停';
    if (!active) {
      mark(null);
      // The button that had focus just disappeared: keep the visitor's place.
      if (focusWasOn === pauseButton || focusWasOn === stopButton) startButton.focus();
    }
  }

  function speakFrom(queue, i, id) {
    if (id !== run) return;
    if (i >= queue.length) { setState('idle'); return; }
    var u = new window.SpeechSynthesisUtterance(queue[i].text);
    u.lang = 'zh-CN';
    try { if (voice) u.voice = voice; } catch (e) { /* not a SpeechSynthesisVoice */ }
    u.rate = 0.9;
    var next = function () { speakFrom(queue, i + 1, id); };
    u.onend = next;
    u.onerror = function (ev) {
      if (ev && (ev.error === 'interrupted' || ev.error === 'canceled')) return;
      next();
    };
    mark(queue[i].el);
    synth.speak(u);
  }

  startButton.addEventListener('click', function () {
    run++;
    synth.cancel();
    if (synth.paused) synth.resume();
    var queue = pieces();
    if (!queue.length) return;
    setState('speaking');
    speakFrom(queue, 0, run);
  });
  pauseButton.addEventListener('click', function () {
    if (state === 'paused') { synth.resume(); setState('speaking'); } else if (state === 'speaking') { synth.pause(); setState('paused'); }
  });
  stopButton.addEventListener('click', function () {
    run++;
    synth.cancel();
    setState('idle');
  });
  window.addEventListener('pagehide', function () {
    run++;
    synth.cancel();
  });
})();
