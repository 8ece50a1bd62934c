// The stakeholder map of a deal: contacts as nodes (colour = attitude, shape = role) and
// "who influences whom" as arrows, drawn by Cytoscape.js from the page's JSON endpoint.
// Loaded as a file (the CSP forbids inline scripts); the container names its data URL.
(function () {
  "use strict";
  var colours = { champion: "#198754", supporter: "#20c997", neutral: "#6c757d", opponent: "#dc3545" };
  var shapes = {
    decision_maker: "star", economic_buyer: "diamond", technical: "round-rectangle",
    user: "ellipse", influencer: "triangle", gatekeeper: "hexagon"
  };
  function draw(box) {
    if (typeof cytoscape !== "function") return;
    fetch(box.dataset.stakeholderMap, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var cy = cytoscape({
          container: box,
          elements: data.elements,
          style: [
            { selector: "node", style: {
              label: "data(label)", "text-wrap": "wrap", "font-size": 10, "text-valign": "bottom",
              "text-margin-y": 4, width: 28, height: 28,
              "background-color": function (n) { return colours[n.data("attitude")] || "#6c757d"; },
              shape: function (n) { return shapes[n.data("role")] || "ellipse"; }
            } },
            { selector: "edge", style: {
              width: 2, "line-color": "#adb5bd", "target-arrow-color": "#adb5bd",
              "target-arrow-shape": "triangle", "curve-style": "bezier"
            } }
          ],
          layout: { name: "breadthfirst", directed: true, padding: 20, spacingFactor: 1.2 },
          userZoomingEnabled: false
        });
        box.dataset.rendered = String(cy.nodes().length);
      });
  }
  document.querySelectorAll("[data-stakeholder-map]").forEach(draw);
})();
