// Starts GOV.UK Frontend components. Every page works without this script.
(function () {
  "use strict";
  if (window.GOVUKFrontend && document.body.classList.contains("govuk-frontend-supported")) {
    window.GOVUKFrontend.initAll();
  }

  // Wide tables scroll inside their own box, so the page itself never scrolls sideways on a
  // phone (WCAG 1.4.10 reflow). A box that does scroll becomes a labelled, focusable region
  // so keyboard users can scroll it too; one that fits stays out of the tab order.
  var SCROLLERS = ".macehub-table-scroll, .macehub-oversight-scroll";

  // A scrolling box is named after the table's caption, else the heading before it.
  function labelFor(table, box) {
    var caption = table.querySelector("caption");
    if (caption) {
      return caption.textContent.trim();
    }
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) {
        return el.textContent.trim() + " (table)";
      }
    }
    return "Table";
  }

  function wrapTables(root) {
    var tables = root.querySelectorAll("table.govuk-table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var box = table.closest(SCROLLERS);
      if (!box) {
        box = document.createElement("div");
        box.className = "macehub-table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", labelFor(table, box));
        box.classList.add("macehub-table-scroll--scrolls");
        var hint = document.createElement("p");
        hint.className = "govuk-body-s macehub-table-scroll__hint";
        hint.textContent = "The table is wider than the screen: scroll it sideways to see every column.";
        box.parentNode.insertBefore(hint, box);
      }
    }
  }

  wrapTables(document);

  // A form sent after the session ended comes back filled in (macehub/accounts/drafts.py):
  // the kept fields are put back into this page's form by name, for the person to check and send.
  var kept = document.getElementById("macehub-kept-draft");
  if (kept) {
    var pairs = JSON.parse(kept.textContent);
    var forms = document.querySelectorAll("main form[method=post], main form[method=POST]");
    var here = window.location.pathname;
    var target = null;
    for (var f = 0; f < forms.length && !target; f++) {
      var action = forms[f].getAttribute("action");
      if (!action || new URL(action, window.location.href).pathname === here) {
        target = forms[f];
      }
    }
    if (target) {
      var seen = {};
      pairs.forEach(function (pair) {
        var name = pair[0];
        var value = pair[1];
        var fields = target.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
        if (!seen[name]) {
          // Checkboxes and multiple selects start cleared, then take every kept value.
          seen[name] = true;
          Array.prototype.forEach.call(fields, function (el) {
            if (el.type === "checkbox") {
              el.checked = false;
            } else if (el.tagName === "SELECT" && el.multiple) {
              Array.prototype.forEach.call(el.options, function (o) { o.selected = false; });
            }
          });
        }
        Array.prototype.forEach.call(fields, function (el) {
          if (el.type === "checkbox" || el.type === "radio") {
            if (el.value === value) {
              el.checked = true;
            }
          } else if (el.tagName === "SELECT" && el.multiple) {
            Array.prototype.forEach.call(el.options, function (o) {
              if (o.value === value) {
                o.selected = true;
              }
            });
          } else if (el.type !== "file" && el.name !== "csrfmiddlewaretoken") {
            el.value = value;
            // So the character count and the like see the text.
            el.dispatchEvent(new Event("input", { bubbles: true }));
          }
        });
      });
      var note = document.querySelector("[data-kept-draft-note]");
      if (note) {
        note.textContent = "What you typed is filled in below. Check it, then send the form again.";
      }
    }
  }
  document.body.addEventListener("htmx:afterSettle", function (event) {
    wrapTables(event.target);
  });
})();
