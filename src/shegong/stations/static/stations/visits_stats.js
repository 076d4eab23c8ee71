/* Service counts: the charts (the tables below them carry the same numbers). */
(function () {
  var data = JSON.parse(document.getElementById("visits-chart-data").textContent);
  var box = document.getElementById("chart-months");
  if (!window.echarts || !box) { return; }
  var chart = echarts.init(box, null, { locale: "ZH" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 30, top: 40 },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "扫码签到", type: "bar", stack: "visits", data: data.scans },
      { name: "匿名登记", type: "bar", stack: "visits", data: data.tallied }
    ]
  });
  var facilityBox = document.getElementById("chart-facilities");
  var facilityChart = facilityBox && echarts.init(facilityBox, null, { locale: "ZH" });
  if (facilityChart) {
    facilityChart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 90, right: 20, bottom: 20, top: 10 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.facilities.labels },
      series: [{ name: "驿站数", type: "bar", data: data.facilities.counts }]
    });
  }
  window.addEventListener("resize", function () {
    chart.resize();
    if (facilityChart) { facilityChart.resize(); }
  });
})();
