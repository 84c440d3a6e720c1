// Draws a record's neighbourhood with cytoscape.js. The page lists the same links in a
// table, so nothing depends on this script; without it the diagram simply stays hidden.
(function () {
  "use strict";
  var container = document.getElementById("network-graph");
  var source = document.getElementById("network-data");
  if (!container || !source || typeof window.cytoscape !== "function") {
    return;
  }
  var data = JSON.parse(source.textContent);
  if (!data.nodes.length) {
    return;
  }
  var colours = {
    child: "#1d70b8",
    person: "#ca3535",
    location: "#0f7a52",
    group: "#f47738",
    theme: "#54319f"
  };
  // cytoscape.js adds a <style> element unless one with this id exists; our CSP forbids
  // inline styles, and our stylesheet already positions the container, so give it a marker.
  if (!document.getElementById("__________cytoscape_stylesheet")) {
    var marker = document.createElement("meta");
    marker.id = "__________cytoscape_stylesheet";
    document.head.appendChild(marker);
  }
  container.hidden = false;
  var cy = window.cytoscape({
    container: container,
    elements: data.nodes.concat(data.edges),
    boxSelectionEnabled: false,
    style: [
      {
        selector: "node",
        style: {
          "background-color": function (node) { return colours[node.data("kind")] || "#505a5f"; },
          "label": "data(label)",
          "color": "#0b0c0c",
          "font-family": "arial, sans-serif",
          "font-size": 12,
          "text-wrap": "wrap",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "width": 26,
          "height": 26,
          "border-width": 2,
          "border-color": "#ffffff"
        }
      },
      { selector: "node[kind = 'location']", style: { "shape": "round-rectangle" } },
      { selector: "node[kind = 'group']", style: { "shape": "hexagon" } },
      { selector: "node[kind = 'theme']", style: { "shape": "diamond" } },
      { selector: "node[kind = 'person']", style: { "shape": "triangle" } },
      {
        selector: "node[step = 0]",
        style: { "width": 40, "height": 40, "border-color": "#ffdd00", "border-width": 5, "font-weight": "bold" }
      },
      {
        selector: "edge",
        style: {
          "width": 2,
          "line-color": "#505a5f",
          "curve-style": "bezier",
          "label": "data(label)",
          "font-size": 9,
          "color": "#505a5f",
          "text-rotation": "autorotate",
          "text-background-color": "#ffffff",
          "text-background-opacity": 1
        }
      },
      { selector: "edge[confidence = 'possible']", style: { "line-style": "dashed" } }
    ],
    layout: {
      name: "concentric",
      concentric: function (node) { return 3 - node.data("step"); },
      levelWidth: function () { return 1; },
      minNodeSpacing: 40,
      animate: false
    }
  });
  cy.on("tap", "node", function (event) {
    var url = event.target.data("url");
    if (url) {
      window.location.assign(url);
    }
  });
  container.setAttribute("data-ready", "true");
})();
