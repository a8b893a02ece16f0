// Applies the visitor's saved reading choices (字号 and 关怀模式) before the first paint,
// on every page. Loaded as a small blocking script in <head> — a file, not an inline
// script, so a strict Content-Security-Policy needs no exception. The `js` class lets the
// stylesheet show the reading-aids bar at once instead of after a11y.js runs.
(function () {
  var root = document.documentElement;
  root.className += (root.className ? ' ' : '') + 'js';
  try {
    var font = window.localStorage.getItem('gongkai-font');
    if (font === 'large' || font === 'small') root.className += ' font-' + font;
    if (window.localStorage.getItem('gongkai-care') === 'on') root.className += ' care';
  } catch (e) {
    // Storage blocked (private mode, file:// in some browsers): the defaults apply.
  }
})();
