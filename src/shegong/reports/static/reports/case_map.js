/* The public case map (Leaflet): data from the json_script #case-map-data. */
(function () {
  var element = document.getElementById("case-map");
  var data = JSON.parse(document.getElementById("case-map-data").textContent);
  if (!element || !window.L) { return; }
  // Leaflet puts string content in as HTML: hand it elements built from text instead.
  var text = function (value) { var span = document.createElement("span"); span.textContent = value; return span; };
  var map = L.map(element, { attributionControl: false, zoomSnap: 0.5 });
  if (data.tiles.length) {
    data.tiles.forEach(function (url) {
      L.tileLayer(url, { tk: data.tk, subdomains: data.subdomains, maxZoom: 18 }).addTo(map);
    });
    L.control.attribution({ prefix: false }).addAttribution("地图：天地图").addTo(map);
  } else {
    element.classList.add("sg-map-blank");
  }
  // Build the layers first: a vector layer may only be added once the map has a view.
  var layers = [];
  data.outlines.forEach(function (outline) {
    var layer = L.geoJSON(outline.geometry, { style: { color: "#6c757d", weight: 1, fillOpacity: 0.03 } });
    layer.bindTooltip(text(outline.name), { sticky: true });
    layers.push(layer);
  });
  data.points.forEach(function (point) {
    var marker = L.circleMarker([point.lat, point.lon], {
      radius: 7, weight: 2, color: "#fff", fillOpacity: 0.9, fillColor: point.open ? "#dc3545" : "#198754"
    });
    if (point.url) {
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.title;
      marker.bindPopup(link);
    } else {
      marker.bindTooltip(text(point.title));
    }
    layers.push(marker);
  });
  var group = L.featureGroup(layers);
  if (layers.length) {
    map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 16 });
  } else {
    map.setView([35, 105], 4);
  }
  group.addTo(map);
  element.dataset.ready = String(data.points.length);
})();
