// Dragging agenda items into order within a strand: a progressive enhancement. The Up and
// Down buttons do the same without JavaScript (and from the keyboard).
(function () {
  "use strict";
  var tables = document.querySelectorAll("table.macehub-agenda[data-reorder-url]");
  if (!tables.length || !window.fetch || !window.FormData) {
    return;
  }
  var token = document.querySelector('input[name="csrfmiddlewaretoken"]');
  Array.prototype.forEach.call(document.querySelectorAll(".macehub-js-only"), function (el) {
    el.hidden = false;
  });
  Array.prototype.forEach.call(tables, function (table) {
    var body = table.tBodies[0];
    var dragging = null;
    Array.prototype.forEach.call(body.rows, function (row) {
      row.draggable = true;
      row.classList.add("macehub-draggable");
      row.addEventListener("dragstart", function (event) {
        dragging = row;
        row.classList.add("macehub-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.getAttribute("data-item"));
      });
      row.addEventListener("dragend", function () {
        row.classList.remove("macehub-dragging");
        dragging = null;
      });
      row.addEventListener("dragover", function (event) {
        if (!dragging || dragging === row) {
          return;
        }
        event.preventDefault();
        var box = row.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        body.insertBefore(dragging, after ? row.nextSibling : row);
      });
      row.addEventListener("drop", function (event) {
        event.preventDefault();
        var order = Array.prototype.map.call(body.rows, function (r) {
          return r.getAttribute("data-item");
        });
        var data = new FormData();
        data.append("order", JSON.stringify(order));
        if (token) {
          data.append("csrfmiddlewaretoken", token.value);
        }
        fetch(table.getAttribute("data-reorder-url"), { method: "POST", body: data, credentials: "same-origin" }).then(
          function () {
            window.location.reload();
          }
        );
      });
    });
  });
})();
