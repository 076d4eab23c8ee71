/* Social-organization statistics: the four charts (the tables below them carry the same numbers). */
(function () {
  var source = document.getElementById("socialorg-stats-data");
  if (!window.echarts || !source) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function draw(id, option) {
    var box = document.getElementById(id);
    if (!box) { return; }
    box.style.height = "280px";
    var chart = echarts.init(box, null, { locale: "ZH" });
    chart.setOption(option);
    charts.push(chart);
  }

  draw("chart-by-type", {
    tooltip: { trigger: "item", formatter: "{b}：{c} 家（{d}%）" },
    legend: { bottom: 0 },
    series: [{
      name: "社会组织", type: "pie", radius: ["35%", "65%"],
      data: data.by_type.labels.map(function (label, i) {
        return { name: label, value: data.by_type.counts[i] };
      })
    }]
  });
  draw("chart-by-status", {
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 10, bottom: 30, top: 10 },
    xAxis: { type: "category", data: data.by_status.labels, axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "社会组织", type: "bar", data: data.by_status.counts }]
  });
  draw("chart-by-street", {
    tooltip: { trigger: "axis" },
    grid: { left: 100, right: 20, bottom: 20, top: 10 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.by_street.labels },
    series: [{ name: "社会组织", type: "bar", data: data.by_street.counts }]
  });
  draw("chart-by-year", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 30, top: 40 },
    xAxis: { type: "category", data: data.by_year.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "新登记", type: "bar", data: data.by_year.registered },
      { name: "撤销/吊销/注销", type: "bar", data: data.by_year.closed }
    ]
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
