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
          "text-max-width": 110,
          "text-valign": "bottom",
          "text-margin-y": 4,
          // A white backing keeps a node's label readable where an edge crosses it.
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.9,
          "text-background-padding": 2,
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
          "font-size": 12,
          "font-family": "arial, sans-serif",
          "color": "#0b0c0c",
          // Horizontal labels at the middle of the edge, on a bordered white tag: readable,
          // and clear of the node labels, which sit under their nodes.
          "text-rotation": "none",
          "text-background-color": "#ffffff",
          "text-background-opacity": 1,
          "text-background-padding": 3,
          "text-border-width": 1,
          "text-border-color": "#b1b4b6",
          "text-border-opacity": 1,
          "text-wrap": "wrap",
          "text-max-width": 100
        }
      },
      { selector: "edge[confidence = 'possible']", style: { "line-style": "dashed" } }
    ],
    layout: {
      name: "concentric",
      concentric: function (node) { return 3 - node.data("step"); },
      levelWidth: function () { return 1; },
      // Room between rings for edge labels, and a margin so no label is cut off at the edge.
      minNodeSpacing: 110,
      padding: 60,
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
