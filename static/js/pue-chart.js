// Monthly PUE trend charts: Apache ECharts (static/vendor, installed by `make setup`) draws
// each [data-pue-chart] element from its JSON. The same numbers are in the table beside it,
// so without this file or without ECharts the page loses nothing but the picture.
(function () {
  "use strict";

  if (!window.echarts) { return; }

  function option(data) {
    var series = [{
      name: data.name,
      type: "line",
      data: data.values,
      connectNulls: false,
      symbolSize: 7,
      showAllSymbol: true,
      label: { show: true, position: "top", formatter: function (p) { return p.value.toFixed(2); } }
    }];
    var lines = [];
    if (data.target !== null && data.target !== undefined) {
      lines.push({ name: data.targetName, yAxis: data.target, lineStyle: { type: "dashed", color: "#c0392b" } });
    }
    if (data.annual !== null && data.annual !== undefined) {
      // Two decimals, as the page states the annual PUE (1.50, not 1.5).
      lines.push({ name: data.annualName, yAxis: data.annual, lineStyle: { type: "dotted", color: "#1f3a5f" },
        label: { formatter: data.annualName + " " + data.annual.toFixed(2) } });
    }
    if (lines.length) {
      series[0].markLine = {
        symbol: "none",
        label: { formatter: function (p) { return p.name + " " + p.value; }, position: "insideEndTop" },
        data: lines
      };
    }
    var known = data.values.filter(function (v) { return v !== null; }).concat(
      lines.map(function (l) { return l.yAxis; }));
    var low = known.length ? Math.min.apply(null, known) : 1;
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", min: Math.max(1, Math.floor((low - 0.1) * 10) / 10), scale: true },
      series: series
    };
  }

  var charts = [];
  document.querySelectorAll("[data-pue-chart]").forEach(function (element) {
    var data;
    try {
      data = JSON.parse(element.getAttribute("data-pue-chart"));
    } catch (e) {
      return;
    }
    element.classList.add("is-drawn");
    var chart = window.echarts.init(element);
    chart.setOption(option(data));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
