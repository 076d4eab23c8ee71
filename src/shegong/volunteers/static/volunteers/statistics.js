/* Volunteer statistics: the charts (the tables carry the same numbers). */
(function () {
  var data = JSON.parse(document.getElementById("volunteer-chart-data").textContent);
  if (!window.echarts) { return; }
  var months = echarts.init(document.getElementById("chart-months"), null, { locale: "ZH" });
  months.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 50, bottom: 30, top: 40 },
    xAxis: { type: "category", data: data.labels },
    yAxis: [{ type: "value", name: "小时" }, { type: "value", name: "场次/人次", minInterval: 1 }],
    series: [
      { name: "确认服务时长", type: "bar", data: data.hours },
      { name: "活动场次", type: "line", yAxisIndex: 1, data: data.activities },
      { name: "服务群众人次", type: "line", yAxisIndex: 1, data: data.served }
    ]
  });
  var starChart = echarts.init(document.getElementById("chart-stars"), null, { locale: "ZH" });
  starChart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 60, right: 20, bottom: 20, top: 10 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.stars.labels },
    series: [{ name: "志愿者", type: "bar", data: data.stars.counts }]
  });
  window.addEventListener("resize", function () { months.resize(); starChart.resize(); });
})();
