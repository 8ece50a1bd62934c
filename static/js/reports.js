// The dashboards' charts. Each block arrives after the page (htmx) with its figures
// (<script id="chart-KEY" type="application/json">); a click on a bar opens the list of
// deals behind it. Other report pages draw the same way from the figures they carry.
(function () {
  "use strict";
  const number = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 1,
  });

  // The blocks by stage carry each stage's colour; the others are one blue (a pie takes
  // Chart.js's own palette).
  function colours(data) {
    if (data.colors) return data.colors.map(function (colour) { return colour || "#0d6efd"; });
    return data.type === "pie" ? undefined : "#0d6efd";
  }

  function draw(canvas) {
    if (canvas.chart || typeof Chart === "undefined") return;
    const source = document.getElementById("chart-" + canvas.dataset.chart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    canvas.chart = new Chart(canvas, {
      type: data.type || "bar",
      data: {
        labels: data.labels,
        datasets: [{ data: data.values, backgroundColor: colours(data) }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: {
          legend: { display: data.type === "pie" },
          tooltip: {
            callbacks: {
              label: function (item) {
                const count = data.counts ? " · " + data.counts[item.dataIndex] : "";
                return number.format(item.raw) + count;
              },
            },
          },
        },
        scales:
          data.type === "pie"
            ? {}
            : { y: { ticks: { callback: (value) => number.format(value) } } },
        onClick: function (_event, elements) {
          if (!elements.length || !data.urls) return;
          const url = data.urls[elements[0].index];
          if (url) window.location.href = url;
        },
        onHover: function (event, elements) {
          const linked = elements.length && data.urls && data.urls[elements[0].index];
          event.native.target.style.cursor = linked ? "pointer" : "default";
        },
      },
    });
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  drawAll(document);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    drawAll(document);
  });
})();
