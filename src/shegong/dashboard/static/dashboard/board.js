/* 数据看板: the trend chart of the chosen indicator (the table under it carries the same numbers). */
(function () {
  var node = document.getElementById("board-trend-data");
  var target = document.getElementById("board-trend");
  if (!node || !target || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var chart = echarts.init(target, null, { locale: "ZH", renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 50, right: 20, bottom: 30, top: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: data.unit },
    series: [{ name: data.name, type: "line", smooth: true, connectNulls: false, data: data.values }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
