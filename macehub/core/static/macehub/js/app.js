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
        var caption = table.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      }
    }
  }

  wrapTables(document);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    wrapTables(event.target);
  });
})();
