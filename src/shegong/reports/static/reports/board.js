/* The performance board: sortable tables and the charts. */
(function () {
  // Sortable tables: click a header to sort by that column (numbers by value, "—" last).
  document.querySelectorAll("table.sg-sortable").forEach(function (table) {
    table.querySelectorAll("thead button[data-sort]").forEach(function (button, index) {
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length > 1; });
        var numeric = button.dataset.sort === "number";
        var descending = button.dataset.dir !== "desc";
        table.querySelectorAll("thead button").forEach(function (b) { delete b.dataset.dir; b.removeAttribute("aria-sort"); });
        button.dataset.dir = descending ? "desc" : "asc";
        button.closest("th").setAttribute("aria-sort", descending ? "descending" : "ascending");
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
          if (numeric) {
            if (x === "" || y === "") { return (x === "") - (y === ""); }
            return descending ? y - x : x - y;
          }
          return descending ? y.localeCompare(x, "zh-CN") : x.localeCompare(y, "zh-CN");
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  var data = JSON.parse(document.getElementById("board-chart-data").textContent);
  if (!window.echarts) { return; }
  var percent = function (v) { return v === null || v === undefined ? "—" : v + "%"; };
  var departments = document.getElementById("chart-departments");
  var trend = document.getElementById("chart-trend");
  var d = data.departments, t = data.trend;
  var barChart = echarts.init(departments, null, { locale: "ZH" });
  barChart.setOption({
    tooltip: { trigger: "axis", valueFormatter: percent },
    legend: { top: 0 },
    grid: { left: 45, right: 10, bottom: 60, top: 40 },
    xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 5 ? 30 : 0 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "响应率", type: "bar", data: d.response_rate },
      { name: "办结率", type: "bar", data: d.completion_rate },
      { name: "解决率", type: "bar", data: d.solved_rate },
      { name: "满意率", type: "bar", data: d.satisfaction_rate }
    ]
  });
  var lineChart = echarts.init(trend, null, { locale: "ZH" });
  lineChart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 45, right: 45, bottom: 40, top: 40 },
    xAxis: { type: "category", data: t.labels },
    yAxis: [
      { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      { type: "value", minInterval: 1, name: "件", position: "right" }
    ],
    series: [
      { name: "上报件数", type: "bar", yAxisIndex: 1, data: t.cases, itemStyle: { color: "#ced4da" } },
      { name: "响应率", type: "line", connectNulls: true, data: t.response_rate },
      { name: "按时响应率", type: "line", connectNulls: true, data: t.on_time_response_rate },
      { name: "办结率", type: "line", connectNulls: true, data: t.completion_rate },
      { name: "解决率", type: "line", connectNulls: true, data: t.solved_rate },
      { name: "满意率", type: "line", connectNulls: true, data: t.satisfaction_rate }
    ]
  });
  window.addEventListener("resize", function () { barChart.resize(); lineChart.resize(); });
})();
