// Applies the visitor's saved reading preferences before first paint. Loaded as a
// blocking script in <head> (no inline script, so a strict CSP needs no exceptions).
(function () {
  var root = document.documentElement;
  root.classList.add('js');
  try {
    var font = localStorage.getItem('gongkai-font');
    if (font === 'large' || font === 'small') root.classList.add('font-' + font);
    if (localStorage.getItem('gongkai-care') === 'on') root.classList.add('care');
  } catch (e) { /* storage blocked: defaults apply */ }
})();
