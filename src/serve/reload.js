// Live reload for `gongkai serve`. Served only by the preview server (never part of a
// built site), from the same origin, so a strict Content-Security-Policy allows it.
// The page carries the version it was served at; the server streams the version after
// every rebuild; a different one reloads the page.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="gongkai-serve"]');
  if (!meta || typeof window.EventSource !== "function") {
    return;
  }
  var shown = meta.getAttribute("content");
  var source = new window.EventSource("/__gongkai/events");
  source.onmessage = function (event) {
    if (event.data !== shown) {
      source.close();
      window.location.reload();
    }
  };
})();
