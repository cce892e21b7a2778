// Draws Apache ECharts charts from data-chart JSON (no inline scripts: CSP).
// Each chart's numbers are also in a table beside it, so without JS (or without ECharts)
// the chart stays hidden and nothing is lost.
//
// data-chart = {"type": "bar"|"line"|"pie", "labels": [...],
//               "series": [{"name": "...", "values": [...]}], "stacked": bool, "horizontal": bool}
(function () {
  "use strict";

  if (!window.echarts) { return; }

  function option(spec) {
    var series = spec.series || [];
    if (spec.type === "pie") {
      var first = series[0] || { name: "", values: [] };
      return {
        tooltip: { trigger: "item" },
        legend: { type: "scroll", bottom: 0 },
        series: [{
          name: first.name,
          type: "pie",
          radius: ["35%", "65%"],
          data: spec.labels.map(function (label, i) { return { name: label, value: first.values[i] }; })
        }]
      };
    }
    var category = { type: "category", data: spec.labels, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", minInterval: spec.type === "bar" ? 1 : undefined };
    if (spec.min !== undefined) { value.min = spec.min; }
    return {
      tooltip: { trigger: "axis" },
      legend: series.length > 1 ? { type: "scroll", bottom: 0 } : undefined,
      grid: { left: 8, right: 16, top: 16, bottom: series.length > 1 ? 40 : 8, containLabel: true },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? category : value,
      series: series.map(function (s) {
        return {
          name: s.name,
          type: spec.type === "line" ? "line" : "bar",
          stack: spec.stacked ? "total" : undefined,
          data: s.values,
          label: { show: !spec.stacked && spec.type !== "line", position: spec.horizontal ? "right" : "top" }
        };
      })
    };
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var spec;
    try { spec = JSON.parse(element.getAttribute("data-chart")); } catch (e) { return; }
    if (!spec || !spec.labels || !spec.labels.length) { return; }
    element.classList.remove("d-none");
    if (spec.horizontal) {
      // Room for every row of a horizontal chart.
      element.style.height = Math.max(160, 28 * spec.labels.length + 60) + "px";
    }
    var chart = window.echarts.init(element);
    chart.setOption(option(spec));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
