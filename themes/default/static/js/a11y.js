// Reading aids: font size, 关怀模式 (care mode), read-aloud and print. The toolbar is
// hidden in the HTML and shown only here, so visitors without JavaScript never see
// buttons that would do nothing.
(function () {
  var root = document.documentElement;
  var tools = document.getElementById('a11y-tools');
  if (!tools) return;
  tools.hidden = false;

  function save(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* ignore */ }
  }

  var fontButtons = tools.querySelectorAll('[data-font]');
  function setFont(size) {
    root.classList.remove('font-large', 'font-small');
    if (size !== 'medium') root.classList.add('font-' + size);
    for (var i = 0; i < fontButtons.length; i++) {
      fontButtons[i].setAttribute('aria-pressed', String(fontButtons[i].getAttribute('data-font') === size));
    }
    save('gongkai-font', size);
  }
  var current = root.classList.contains('font-large') ? 'large' : root.classList.contains('font-small') ? 'small' : 'medium';
  for (var i = 0; i < fontButtons.length; i++) {
    fontButtons[i].setAttribute('aria-pressed', String(fontButtons[i].getAttribute('data-font') === current));
    fontButtons[i].addEventListener('click', function (ev) { setFont(ev.currentTarget.getAttribute('data-font')); });
  }

  var care = document.getElementById('care-toggle');
  function syncCare() {
    var on = root.classList.contains('care');
    care.setAttribute('aria-pressed', String(on));
    care.textContent = on ? '退出关怀模式' : '关怀模式';
  }
  care.addEventListener('click', function () {
    root.classList.toggle('care');
    save('gongkai-care', root.classList.contains('care') ? 'on' : 'off');
    syncCare();
  });
  syncCare();

  var printButton = document.getElementById('print-page');
  printButton.addEventListener('click', function () { window.print(); });

  var speech = window.speechSynthesis;
  var controls = document.getElementById('speech-controls');
  if (speech && typeof window.SpeechSynthesisUtterance === 'function' && controls) {
    controls.hidden = false;
    var start = document.getElementById('speak-start');
    var pause = document.getElementById('speak-pause');
    var stop = document.getElementById('speak-stop');
    var speaking = false;
    function update(state) {
      speaking = state !== 'idle';
      pause.disabled = !speaking;
      stop.disabled = !speaking;
      pause.textContent = state === 'paused' ? '继续' : '暂停';
    }
    start.addEventListener('click', function () {
      var main = document.getElementById('main');
      if (!main) return;
      speech.cancel();
      var utterance = new SpeechSynthesisUtterance(main.innerText);
      utterance.lang = 'zh-CN';
      utterance.onend = function () { update('idle'); };
      speech.speak(utterance);
      update('speaking');
    });
    pause.addEventListener('click', function () {
      if (speech.paused) { speech.resume(); update('speaking'); } else { speech.pause(); update('paused'); }
    });
    stop.addEventListener('click', function () { speech.cancel(); update('idle'); });
  }
})();
