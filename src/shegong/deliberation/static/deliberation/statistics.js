/* 议事厅统计: the charts (the tables on the page carry the same numbers). The cadence
   "heatmap" is a scatter of squares (the vendored common build has no heatmap series). */
(function () {
  var data = JSON.parse(document.getElementById("deliberation-chart-data").textContent);
  if (!window.echarts) { return; }
  var charts = [];
  function chart(id, option) {
    var c = echarts.init(document.getElementById(id), null, { locale: "ZH", renderer: "canvas" });
    c.setOption(option);
    charts.push(c);
  }
  chart("chart-topics", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 40, right: 20, bottom: 30, top: 40 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: "项", minInterval: 1 },
    series: data.topics.map(function (s) {
      return { name: s.name, type: "bar", stack: "topics", data: s.data };
    })
  });
  chart("chart-meetings", {
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 20, bottom: 30, top: 20 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: "场", minInterval: 1 },
    series: [{ name: "议事会", type: "line", data: data.meetings }]
  });
  chart("chart-categories", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 80, right: 20, bottom: 30, top: 30 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.categories.map(function (c) { return c.name; }) },
    series: [
      { name: "已落实", type: "bar", stack: "actions", data: data.categories.map(function (c) { return c.delivered; }) },
      { name: "推进中", type: "bar", stack: "actions", data: data.categories.map(function (c) { return c.open; }) }
    ]
  });
  var cells = data.cadence.cells;
  var cadence = document.getElementById("chart-cadence");
  cadence.style.height = Math.max(300, 24 * data.cadence.communities.length + 60) + "px";
  chart("chart-cadence", {
    tooltip: {
      formatter: function (p) {
        return data.cadence.communities[p.value[1]] + " " + data.months[p.value[0]] + "：" + p.value[2] + " 场";
      }
    },
    grid: { left: 90, right: 20, bottom: 30, top: 10 },
    xAxis: { type: "category", data: data.months, splitArea: { show: true } },
    yAxis: { type: "category", data: data.cadence.communities, splitArea: { show: true } },
    series: [{
      name: "议事会", type: "scatter", symbol: "rect", symbolSize: 18, data: cells,
      itemStyle: {
        color: function (p) {
          if (p.value[2] > 0) { return "#198754"; }
          return data.cadence.ended[p.value[0]] ? "#dc3545" : "#adb5bd";
        }
      }
    }]
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
