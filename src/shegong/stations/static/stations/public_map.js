/* The public station map (Leaflet). */
(function () {
  // As reports/public_map.html: tiles only when a key is configured; else a blank ground.
  var element = document.getElementById("station-map");
  var data = JSON.parse(document.getElementById("station-map-data").textContent);
  if (!element || !window.L) { return; }
  var map = L.map(element, { attributionControl: false, zoomSnap: 0.5 });
  if (data.tiles.length) {
    data.tiles.forEach(function (url) {
      L.tileLayer(url, { tk: data.tk, subdomains: data.subdomains, maxZoom: 18 }).addTo(map);
    });
    L.control.attribution({ prefix: false }).addAttribution("地图：天地图").addTo(map);
  } else {
    element.classList.add("sg-map-blank");
  }
  var layers = data.points.map(function (point) {
    var label = document.createElement("span");
    label.textContent = point.title;  // text, never HTML
    return L.circleMarker([point.lat, point.lon], {
      radius: 7, weight: 2, color: "#fff", fillOpacity: 0.9, fillColor: point.open ? "#198754" : "#6c757d"
    }).bindTooltip(label);
  });
  var group = L.featureGroup(layers);
  if (layers.length) { map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 16 }); }
  else { map.setView([35, 105], 4); }
  group.addTo(map);
  element.dataset.ready = String(layers.length);
})();
