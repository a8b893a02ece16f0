/*
 * Filter the rows of a table in the page, without a server.
 *
 * Why: a negative list (and any long table) is easier to use when a visitor can narrow it
 * down, but the page must stay a plain, complete table when JavaScript does not run. So
 * the controls are rendered inside a container with the `hidden` attribute, and only this
 * script shows them. Rows are matched on their own text content; nothing is built from
 * data with innerHTML.
 *
 * Markup:
 *   <div data-table-filter data-table="TABLE_ID" data-status="STATUS_ID" hidden>
 *     <input type="search" data-filter-text>
 *     <select data-filter-column="NAME"><option value="">全部</option></select>
 *     <button type="button" data-filter-reset>清除筛选</button>
 *   </div>
 *   <p id="STATUS_ID" role="status" aria-live="polite"></p>
 *   ... <td data-filter-cell="NAME">…</td> in each body row of TABLE_ID.
 * A select with only the "all" option is filled with the distinct texts of its column's
 * cells, in order of first appearance. `?q=` in the page URL pre-fills the text filter.
 */
(function () {
  "use strict";

  // Announce counts only after typing pauses, so a screen reader is not flooded.
  var ANNOUNCE_DELAY_MS = 400;

  function normalise(text) {
    var s = String(text || "");
    if (s.normalize) {
      s = s.normalize("NFKC");
    }
    return s.toLowerCase().replace(/\s+/g, "");
  }

  function terms(query) {
    var s = String(query || "");
    if (s.normalize) {
      s = s.normalize("NFKC");
    }
    return s
      .toLowerCase()
      .split(/\s+/)
      .filter(function (t) {
        return t.length > 0;
      });
  }

  function cellText(row, name) {
    var cell = row.querySelector('[data-filter-cell="' + name + '"]');
    return cell ? cell.textContent.trim() : "";
  }

  function setup(container) {
    var table = document.getElementById(container.getAttribute("data-table") || "");
    if (!table || !table.tBodies.length) {
      return;
    }
    var status = document.getElementById(container.getAttribute("data-status") || "");
    var input = container.querySelector("[data-filter-text]");
    var selects = Array.prototype.slice.call(container.querySelectorAll("select[data-filter-column]"));
    var reset = container.querySelector("[data-filter-reset]");
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        rows.push({ row: row, text: normalise(row.textContent) });
      });
    });

    selects.forEach(function (select) {
      if (select.options.length > 1) {
        return;
      }
      var name = select.getAttribute("data-filter-column");
      var seen = [];
      rows.forEach(function (r) {
        var value = cellText(r.row, name);
        if (value && seen.indexOf(value) === -1) {
          seen.push(value);
          var option = document.createElement("option");
          option.value = value;
          option.textContent = value;
          select.appendChild(option);
        }
      });
      // A single choice filters nothing: hide the control rather than offer it.
      if (seen.length < 2) {
        var field = select.closest(".table-filter__field") || select;
        field.hidden = true;
      }
    });

    var timer = null;

    function announce(shown, total, filtered) {
      if (!status) {
        return;
      }
      var message;
      if (!filtered) {
        message = "共 " + total + " 项";
      } else if (shown === 0) {
        message = "没有符合条件的条目（共 " + total + " 项）";
      } else {
        message = "显示 " + shown + " 项，共 " + total + " 项";
      }
      status.textContent = message;
    }

    // On load an unfiltered table says nothing: the live region speaks only to answer
    // something the visitor did (or a `?q=` link).
    function apply(immediately, onLoad) {
      var wanted = terms(input ? input.value : "");
      var columns = selects
        .filter(function (s) {
          return s.value !== "";
        })
        .map(function (s) {
          return { name: s.getAttribute("data-filter-column"), value: s.value };
        });
      var shown = 0;
      rows.forEach(function (r) {
        var match =
          wanted.every(function (t) {
            return r.text.indexOf(t) !== -1;
          }) &&
          columns.every(function (c) {
            return cellText(r.row, c.name) === c.value;
          });
        r.row.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      var filtered = wanted.length > 0 || columns.length > 0;
      if (timer) {
        window.clearTimeout(timer);
        timer = null;
      }
      if (onLoad && !filtered) {
        return;
      }
      if (immediately) {
        announce(shown, rows.length, filtered);
      } else {
        timer = window.setTimeout(function () {
          announce(shown, rows.length, filtered);
        }, ANNOUNCE_DELAY_MS);
      }
    }

    if (input) {
      try {
        var q = new URLSearchParams(window.location.search).get("q");
        if (q) {
          input.value = q;
        }
      } catch (e) {
        // An old browser without URLSearchParams simply starts unfiltered.
      }
      input.addEventListener("input", function () {
        apply(false);
      });
    }
    selects.forEach(function (select) {
      select.addEventListener("change", function () {
        apply(true);
      });
    });
    if (reset) {
      reset.addEventListener("click", function () {
        if (input) {
          input.value = "";
        }
        selects.forEach(function (s) {
          s.value = "";
        });
        apply(true);
        if (input) {
          input.focus();
        }
      });
    }
    // A search form must not reload the page when Enter is pressed in the field.
    container.addEventListener("submit", function (event) {
      event.preventDefault();
      apply(true);
    });

    container.hidden = false;
    apply(true, true);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-table-filter]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
