/* 需求对接统计: the charts (the tables under them carry the same numbers). */
(function () {
  var data = JSON.parse(document.getElementById("matching-chart-data").textContent);
  if (!window.echarts) { return; }
  var months = echarts.init(document.getElementById("chart-category-month"), null, { locale: "ZH" });
  months.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 40, right: 20, bottom: 30, top: 40 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: "单", minInterval: 1 },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "orders", data: s.data };
    })
  });
  var stars = echarts.init(document.getElementById("chart-stars"), null, { locale: "ZH" });
  stars.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 20, bottom: 25, top: 10 },
    xAxis: { type: "category", data: data.stars.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "评单", type: "bar", data: data.stars.counts }]
  });
  window.addEventListener("resize", function () { months.resize(); stars.resize(); });
})();
