/* Party building: 党建入章 or not, as a pie (the figures above carry the same numbers). */
(function () {
  var source = document.getElementById("party-chart-data");
  var box = document.getElementById("party-chart");
  if (!window.echarts || !box || !source) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(box, null, { locale: "ZH" });
  chart.setOption({
    tooltip: { trigger: "item" },
    legend: { top: 0 },
    series: [{
      name: "党建入章", type: "pie", radius: ["35%", "65%"], top: 20,
      data: data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; })
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
