// Draws the dashboards' charts from the JSON the page carries in
// <script type="application/json"> elements (json_script); the same numbers
// are in the tables below each chart.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var palette = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#d63384", "#20c997"];
  var locale = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var type = canvas.dataset.type === "line" ? "line" : "bar";
    data.datasets.forEach(function (dataset, i) {
      dataset.backgroundColor = palette[i % palette.length];
      dataset.borderColor = palette[i % palette.length];
    });
    new window.Chart(canvas, {
      type: type,
      data: data,
      options: {
        locale: locale,
        responsive: true,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  });
})();
