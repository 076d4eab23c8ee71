/* The worker's home: the nearest open stations (api:nearest) from the browser's location. */
(function () {
  // As on /m/stations/: browser geolocation (WGS-84, no conversion), then the public API.
  var note = document.getElementById("nearest-note"), list = document.getElementById("nearest-list");
  var all = document.getElementById("nearest-all"), more = document.getElementById("nearest-more");
  var section = document.getElementById("home-nearest");
  var api = section.getAttribute("data-api"), limit = section.getAttribute("data-limit");
  function fallback(text) { note.textContent = text; all.hidden = false; more.hidden = true; }
  function distance(m) { return m < 1000 ? Math.round(m) + " 米" : (m / 1000).toFixed(1) + " 公里"; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }
  function show(rows) {
    list.textContent = "";
    if (!rows.length) { fallback("附近 5 公里内没有开放的驿站"); return; }
    rows.forEach(function (s) {
      var item = el("div", "wh-item nearest-item");
      var left = el("span");
      left.appendChild(el("strong", "", s.name));
      left.appendChild(el("div", s.open_now ? "wh-open" : "wh-closed",
        (s.open_now ? "现在开放" : "现在未开放") + " · 今日 " + s.today));
      item.appendChild(left);
      item.appendChild(el("span", "wh-dist", distance(s.distance_m)));
      list.appendChild(item);
    });
    note.textContent = "离您最近的开放驿站";
    all.hidden = true; more.hidden = false;
  }
  if (!navigator.geolocation || !window.fetch) { fallback("此浏览器无法定位"); return; }
  all.hidden = true;
  note.textContent = "正在定位…";
  navigator.geolocation.getCurrentPosition(function (p) {
    var lat = p.coords.latitude.toFixed(6), lon = p.coords.longitude.toFixed(6);
    more.href = more.href + "?lat=" + lat + "&lon=" + lon;
    fetch(api + "?lat=" + lat + "&lon=" + lon + "&limit=" + limit, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(show)
      .catch(function () { fallback("暂时无法查询附近驿站"); });
  }, function () {
    fallback("未能定位（未授权或信号弱）");
  }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
})();
