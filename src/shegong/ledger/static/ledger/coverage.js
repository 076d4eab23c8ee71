/* Party-building coverage: the charts (the tables carry the same numbers). */
(function () {
  var data = JSON.parse(document.getElementById("coverage-chart-data").textContent);
  var rates = document.getElementById("chart-rates");
  var modes = document.getElementById("chart-modes");
  if (!window.echarts || !rates || !modes) { return; }
  var percent = function (v) { return v === null || v === undefined ? "—" : v + "%"; };
  var axis = { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 6 ? 30 : 0 } };
  var rateChart = echarts.init(rates, null, { locale: "ZH" });
  rateChart.setOption({
    tooltip: { trigger: "axis", valueFormatter: percent },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 60, top: 40 },
    xAxis: axis,
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    // One series per group (非公企业, 社会组织, 个体工商户): each rate has its own denominator.
    series: data.organization_rate.map(function (g) { return { name: g.label, type: "bar", data: g.data }; })
  });
  var modeChart = echarts.init(modes, null, { locale: "ZH" });
  modeChart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 60, top: 40 },
    xAxis: axis,
    yAxis: { type: "value", minInterval: 1 },
    color: ["#198754", "#0d6efd", "#6f42c1", "#fd7e14", "#adb5bd"],
    series: data.modes.map(function (m) { return { name: m.label, type: "bar", stack: "modes", data: m.data }; })
  });
  window.addEventListener("resize", function () { rateChart.resize(); modeChart.resize(); });
})();
