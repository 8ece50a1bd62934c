// The dashboards' charts: one bar chart per block from the figures the page carries
// (#report-charts); a click on a bar opens the list of deals behind it.
(function () {
  "use strict";
  const source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const number = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 0,
  });
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const data = charts[canvas.dataset.chart];
    if (!data) return;
    const chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ data: data.values, backgroundColor: "#0d6efd" }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                return number.format(item.raw) + " · " + data.counts[item.dataIndex];
              },
            },
          },
        },
        scales: { y: { ticks: { callback: (value) => number.format(value) } } },
        onClick: function (_event, elements) {
          if (!elements.length) return;
          const url = data.urls[elements[0].index];
          if (url) window.location.href = url;
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
    canvas.chart = chart;
  });
})();
