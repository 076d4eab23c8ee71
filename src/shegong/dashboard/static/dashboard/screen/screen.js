/* The big screen (大屏): draws the figures, the map, the ranking and the trend from the page's
   data, then fetches data.json again every data-refresh seconds and redraws without reloading.
   The map's outlines come once from geo.json (the regions' own boundaries): no tile, nothing
   from another host. Texts are set with textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root || !window.echarts) { return; }

  var region = root.dataset.region;
  var indicator = root.dataset.indicator;
  var refresh = Math.max(5, parseInt(root.dataset.refresh, 10) || 60);
  var drill = root.dataset.drill === "1";
  var mapName = "sg-screen-" + region;
  var current = JSON.parse(document.getElementById("screen-data").textContent);
  var geoReady = false;
  var geoEmpty = false;
  var aspect = 0.75;  // a degree of longitude against one of latitude, at the map's middle
  var AXIS = "#7d9cc8";
  var SPLIT = "rgba(125, 156, 200, 0.18)";
  var TEXT = "#e3eeff";

  var charts = {
    map: echarts.init(document.getElementById("screen-map"), null, { locale: "ZH" }),
    ranking: echarts.init(document.getElementById("screen-ranking"), null, { locale: "ZH" }),
    trend: echarts.init(document.getElementById("screen-trend"), null, { locale: "ZH" })
  };

  function fmt(value) {
    if (value === null || value === undefined) { return "—"; }
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 1 });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function setText(id, text) {
    var node = document.getElementById(id);
    if (node) { node.textContent = text; }
  }

  // --- the key figures ------------------------------------------------------------------------

  function renderFigures(data) {
    var box = document.getElementById("screen-figures");
    var panel = box.parentNode;
    box.replaceChildren();
    if (!data.sections.length) {
      box.appendChild(el("p", "sg-screen-empty", "暂无您可查看的指标"));
    }
    data.sections.forEach(function (section) {
      var part = el("div", "sg-screen-section");
      part.dataset.section = section.key;
      part.appendChild(el("h3", "sg-screen-section-title", section.title));
      var tiles = el("div", "sg-screen-tiles");
      section.figures.forEach(function (figure) {
        var tile = el("div", "sg-screen-tile");
        tile.dataset.indicator = figure.code;
        tile.appendChild(el("div", "sg-screen-tile-name", figure.name));
        var value = el("div", "sg-screen-tile-value", fmt(figure.year));
        value.dataset.value = figure.year === null ? "" : String(figure.year);
        value.title = data.year + "年累计";
        value.appendChild(el("span", "sg-screen-tile-unit", figure.unit));
        tile.appendChild(value);
        var month = (figure.kind === "stock" ? "月末 " : "本月 ") + fmt(figure.month);
        tile.appendChild(el("div", "sg-screen-tile-month", month));
        tiles.appendChild(tile);
      });
      part.appendChild(tiles);
      box.appendChild(part);
    });
    // Fit: the roomiest layout whose sections all fit the column (few sections: larger type).
    var layouts = ["is-roomy", "", "is-compact"];
    for (var i = 0; i < layouts.length; i += 1) {
      panel.classList.remove("is-roomy", "is-compact");
      if (layouts[i]) { panel.classList.add(layouts[i]); }
      if (box.scrollHeight <= box.clientHeight + 1) { break; }
    }
  }

  // --- the charts -----------------------------------------------------------------------------

  function unitWord(data) {
    return { province: "各市", city: "各区县", district: "各街道", street: "各社区" }[data.region.level] || "";
  }

  function renderMap(data) {
    var headline = data.headline;
    var title = headline ? (unitWord(data) + headline.name + "（" + data.year + "年，" + headline.unit + "）") : "分布";
    setText("map-title", title);
    if (!geoReady || geoEmpty || !headline) { return; }
    var names = {};
    var max = 0;
    var rows = data.units.map(function (unit) {
      names[unit.code] = unit.name;
      if (unit.value !== null && unit.value > max) { max = unit.value; }
      return { name: unit.code, value: unit.value === null ? "-" : unit.value };
    });
    charts.map.setOption({
      tooltip: {
        trigger: "item",
        textStyle: { fontSize: 18 },
        formatter: function (p) {
          return (names[p.name] || p.name) + "<br>" + headline.name + "：" + fmt(p.value) + " " + headline.unit;
        }
      },
      visualMap: {
        type: "continuous", min: 0, max: Math.max(max, 1), calculable: false,
        left: 10, bottom: 10, itemHeight: 160, text: ["高", "低"],
        textStyle: { color: TEXT, fontSize: 16 },
        inRange: { color: ["#123a73", "#1f6fd1", "#35c2ff", "#7cf5ff"] }
      },
      series: [{
        type: "map", map: mapName, nameProperty: "code", roam: false, aspectScale: aspect,
        layoutCenter: ["50%", "50%"], layoutSize: "92%",
        label: {
          show: true, color: "#ffffff", fontSize: 18, fontWeight: 600,
          textBorderColor: "#03132e", textBorderWidth: 3,
          formatter: function (p) { return (names[p.name] || "") + "\n" + fmt(p.value); }
        },
        itemStyle: { borderColor: "#8fd3ff", borderWidth: 1.5, areaColor: "#123a73" },
        emphasis: { label: { color: "#ffffff" }, itemStyle: { areaColor: "#ffb454" } },
        select: { disabled: true },
        data: rows
      }]
    }, true);
  }

  function renderRanking(data) {
    var headline = data.headline;
    setText("ranking-title", headline ? (unitWord(data) + "排行：" + headline.name) : "排行");
    var rows = data.ranking.slice().reverse();  // the largest on top
    charts.ranking.setOption({
      grid: { left: 10, right: 90, top: 10, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, textStyle: { fontSize: 18 } },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: AXIS, fontSize: 14 }, splitLine: { lineStyle: { color: SPLIT } } },
      yAxis: {
        type: "category", data: rows.map(function (r) { return r.name; }),
        axisLabel: { color: TEXT, fontSize: 17 }, axisLine: { lineStyle: { color: AXIS } }
      },
      series: [{
        type: "bar", name: headline ? headline.name : "", barMaxWidth: 26,
        data: rows.map(function (r) { return r.value; }),
        itemStyle: {
          borderRadius: [0, 4, 4, 0],
          color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [
            { offset: 0, color: "#1f6fd1" }, { offset: 1, color: "#3ee6ff" }
          ])
        },
        label: { show: true, position: "right", color: "#ffffff", fontSize: 17, formatter: function (p) { return fmt(p.value); } }
      }]
    }, true);
  }

  function renderTrend(data) {
    var headline = data.headline;
    setText("trend-title", headline ? ("近12个月趋势：" + headline.name + "（" + headline.unit + "）") : "近12个月趋势");
    charts.trend.setOption({
      grid: { left: 10, right: 20, top: 24, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", textStyle: { fontSize: 18 } },
      xAxis: {
        type: "category", data: data.trend.months,
        axisLabel: {
          color: AXIS, fontSize: 14,
          formatter: function (m) { return parseInt(m.slice(5), 10) + "月"; }
        },
        axisLine: { lineStyle: { color: AXIS } }
      },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: AXIS, fontSize: 14 }, splitLine: { lineStyle: { color: SPLIT } } },
      series: [{
        type: "line", name: headline ? headline.name : "", symbolSize: 8,
        data: data.trend.values,
        lineStyle: { width: 3, color: "#ffb454" }, itemStyle: { color: "#ffb454" },
        areaStyle: {
          color: new echarts.graphic.LinearGradient(0, 0, 0, 1, [
            { offset: 0, color: "rgba(255, 180, 84, 0.45)" }, { offset: 1, color: "rgba(255, 180, 84, 0.02)" }
          ])
        }
      }]
    }, true);
  }

  function render(data) {
    current = data;
    setText("screen-title", data.title);
    document.title = data.title + document.title.slice(document.title.indexOf(" · "));
    setText("screen-today", data.today);
    setText("screen-data-time", data.data_time || "尚未汇总");
    renderFigures(data);
    renderMap(data);
    renderRanking(data);
    renderTrend(data);
    root.dataset.drawn = String((parseInt(root.dataset.drawn, 10) || 0) + 1);
  }

  // --- fetching -------------------------------------------------------------------------------

  function query() {
    var params = new URLSearchParams({ region: region });
    if (indicator) { params.set("indicator", indicator); }
    return params.toString();
  }

  function load() {
    return fetch(root.dataset.dataUrl + "?" + query(), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      render(data);
      setText("screen-status", "");
      root.dataset.refreshed = String((parseInt(root.dataset.refreshed, 10) || 0) + 1);
    }).catch(function () {
      setText("screen-status", "刷新失败，" + refresh + "秒后重试");
    });
  }

  function lonScale(geo) {
    var low = 90;
    var high = -90;
    function walk(coords) {
      if (typeof coords[0] === "number") {
        low = Math.min(low, coords[1]);
        high = Math.max(high, coords[1]);
      } else {
        coords.forEach(walk);
      }
    }
    geo.features.forEach(function (f) { walk(f.geometry.coordinates); });
    return high >= low ? Math.cos(((low + high) / 2) * Math.PI / 180) : 0.75;
  }

  function loadGeo() {
    fetch(root.dataset.geoUrl + "?region=" + encodeURIComponent(region), {
      credentials: "same-origin", headers: { Accept: "application/geo+json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (geo) {
      geoEmpty = !geo.features || !geo.features.length;
      document.getElementById("screen-map-empty").hidden = !geoEmpty;
      document.getElementById("screen-map").hidden = geoEmpty;
      if (!geoEmpty) {
        aspect = lonScale(geo);
        echarts.registerMap(mapName, geo);
      }
      geoReady = true;
      renderMap(current);
      root.dataset.mapReady = geoEmpty ? "empty" : "1";
    }).catch(function () {
      setText("screen-status", "地图边界加载失败");
    });
  }

  function tick() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    setText("screen-clock", two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds()));
  }

  document.getElementById("screen-indicator").addEventListener("change", function (event) {
    indicator = event.target.value;
    window.history.replaceState(null, "", "?" + query());
    load();
  });
  if (drill) {
    charts.map.on("click", function (p) {
      if (p.name) { window.location.search = "?region=" + encodeURIComponent(p.name) + (indicator ? "&indicator=" + encodeURIComponent(indicator) : ""); }
    });
  }
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (key) { charts[key].resize(); });
    renderFigures(current);
  });

  render(current);
  loadGeo();
  tick();
  window.setInterval(tick, 1000);
  window.setInterval(load, refresh * 1000);
})();
