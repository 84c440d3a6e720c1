// Charts for the oversight pages. The figures come from <script type="application/json">
// elements written by Django's json_script; every chart has the same figures in a table beside
// it, so the page is complete without JavaScript. Hidden figures (c) are gaps, never zeros.
// No inline script: this file is loaded with the page's CSP nonce.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  // GOV.UK palette: blue, dark grey, purple, orange, green, pink.
  var COLOURS = ["#1d70b8", "#505a5f", "#912b88", "#f47738", "#00703c", "#d53880"];

  Chart.defaults.font.family = "arial, sans-serif";
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#0b0c0c";
  Chart.defaults.animation = false;

  function shortLabel(label) {
    return label.length > 30 ? label.slice(0, 29) + "…" : label;
  }

  // Under a vertical bar, a long label goes on several short lines (never cut or tilted).
  function wrappedLabel(label) {
    var lines = [];
    label.split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= 16) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines;
  }

  function build(canvas, data) {
    var line = data.type === "line";
    var stacked = data.type === "stacked";
    var horizontal = data.horizontal || (!line && data.labels.length > 6);
    if (horizontal && canvas.parentElement) {
      // Room for every label (31 partnerships would otherwise have every other name skipped).
      var needed = data.labels.length * data.series.length * 18 + data.labels.length * 8 + 90;
      canvas.parentElement.style.height = Math.max(canvas.parentElement.clientHeight, needed) + "px";
    }
    var category = { stacked: stacked, ticks: { autoSkip: line, maxRotation: line ? 50 : 0 } };
    var value = { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } };
    return new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: data.labels.map(horizontal || line ? shortLabel : wrappedLabel),
        datasets: data.series.map(function (series, i) {
          var colour = COLOURS[i % COLOURS.length];
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colour,
            borderColor: colour,
            borderWidth: line ? 3 : 0,
            pointRadius: line ? 3 : 0,
            spanGaps: false,
          };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        scales: horizontal ? { x: value, y: category } : { x: category, y: value },
        plugins: { legend: { position: "bottom", display: data.series.length > 1 } },
      },
    });
  }

  document.querySelectorAll("canvas[data-oversight-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-oversight-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (data && data.labels) {
      build(canvas, data);
      canvas.setAttribute("data-drawn", "true");
    }
  });
})();
