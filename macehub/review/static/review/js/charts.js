// Charts for the MACE review pages. The figures come from a <script type="application/json">
// element written by Django's json_script; every chart has the same figures in a table beside
// it, so the page is complete without JavaScript. No inline script: this file is loaded with
// the page's CSP nonce.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  // GOV.UK palette: red, orange, yellow-green, green, dark green, dark blue (lowest to highest level).
  var LEVEL_COLOURS = ["#d4351c", "#f47738", "#85994b", "#00703c", "#005a30", "#003078"];
  var SERIES_COLOURS = ["#1d70b8", "#505a5f", "#912b88"];

  Chart.defaults.font.family = "arial, sans-serif";
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#0b0c0c";
  Chart.defaults.animation = false;

  function shortLabel(label) {
    return label.length > 28 ? label.slice(0, 27) + "…" : label;
  }

  function distribution(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels.map(shortLabel),
        datasets: data.series.map(function (series, i) {
          return {
            label: series.level + " " + series.label,
            data: series.data,
            backgroundColor: LEVEL_COLOURS[i % LEVEL_COLOURS.length],
          };
        }),
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, title: { display: true, text: "Answers" }, ticks: { precision: 0 } },
          y: { stacked: true },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  function comparison(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels.map(shortLabel),
        datasets: data.series.map(function (series, i) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
          };
        }),
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: data.max, title: { display: true, text: "Section score" } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  var builders = { distribution: distribution, comparison: comparison };

  document.querySelectorAll("canvas[data-review-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-review-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var build = builders[data.type];
    if (build) {
      build(canvas, data);
    }
  });
})();
