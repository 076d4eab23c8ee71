/* Every map of the site (Leaflet 1.9.4, vendored): one element, configured by data- attributes.

   <div data-sg-map
        data-tiles='{"tiles": [...], "tk": "...", "subdomains": "...", "crs": "wgs84"}'  only with a key
        data-boundaries="/regions/boundaries/?root=…"                      the base layer's endpoint
        data-levels="street,community,grid"                                 its levels, outer first
        data-points='[{"lat":…,"lon":…,"title":"…","url":"…","open":true}]'
        data-palette="#dc3545,#198754"                                      open, closed
        data-zoom="16"></div>                                               a single point's zoom

   The base layer is the regions' own outlines (WGS-84, the system of the stored points and of
   天地图's tiles), so a map without tiles or without internet still shows where things are. One
   level is fetched at a time: the next when the map is zoomed in far enough for it. Each level's
   names are permanent labels, shown for the deepest level whose units are big enough on screen.
   A map inside a closed <details> starts when it is opened (and stays open for the tab with
   data-sg-remember); maps swapped in by htmx start too.
   When drawn, the element carries data-ready (points drawn), data-boundary-count, and
   data-settled once no further level is due at the current zoom. */
(function () {
  "use strict";

  var STYLES = {
    province: { color: "#495057", weight: 2.5 },
    city: { color: "#495057", weight: 2.5 },
    district: { color: "#343a40", weight: 2.5 },
    street: { color: "#1c5d99", weight: 2 },
    community: { color: "#3d8bcd", weight: 1.2, dashArray: "4 3" },
    grid: { color: "#8fb8de", weight: 0.8, dashArray: "2 3" }
  };

  // WGS-84 → GCJ-02, for tiles declared GCJ-02 (高德/腾讯): the published formulas, the same as
  // core/geo.py's wgs84_to_gcj02 (DOMAIN.md §8). Stored points stay WGS-84; only the drawing moves.
  var A = 6378245.0, EE = 0.00669342162296594323;
  function tLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function tLon(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }
  function toGcj02(lat, lon) {
    if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) { return [lat, lon]; }
    var dLat = tLat(lon - 105.0, lat - 35.0), dLon = tLon(lon - 105.0, lat - 35.0);
    var rad = lat / 180.0 * Math.PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
    dLon = (dLon * 180.0) / (A / sqrtMagic * Math.cos(rad) * Math.PI);
    return [lat + dLat, lon + dLon];
  }

  function parse(value, fallback) {
    if (!value) { return fallback; }
    try { return JSON.parse(value); } catch (error) { return fallback; }
  }

  // Leaflet puts string content in as HTML: hand it elements built from text instead.
  function text(value, className) {
    var span = document.createElement("span");
    span.textContent = value;
    if (className) { span.className = className; }
    return span;
  }

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
  }

  function start(element) {
    if (element.dataset.sgStarted || !window.L) { return; }
    element.dataset.sgStarted = "1";
    var tiles = parse(element.dataset.tiles, { tiles: [] });
    var points = parse(element.dataset.points, []);
    var levels = (element.dataset.levels || "").split(",").filter(Boolean);
    var palette = (element.dataset.palette || "#dc3545,#198754").split(",");
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.5 });
    element.sgMap = map;
    // Stored coordinates are WGS-84; drawn in the tiles' system.
    var gcj = tiles.crs === "gcj02" && tiles.tiles && tiles.tiles.length;
    function place(lat, lon) { return L.latLng(gcj ? toGcj02(lat, lon) : [lat, lon]); }

    if (tiles.tiles && tiles.tiles.length) {
      tiles.tiles.forEach(function (url) {
        L.tileLayer(url, { tk: tiles.tk, subdomains: tiles.subdomains || "", maxZoom: 18 }).addTo(map);
      });
      L.control.attribution({ prefix: false }).addAttribution("地图：天地图").addTo(map);
      element.classList.add("sg-map-tiles");
    } else {
      element.classList.add("sg-map-blank");
    }
    L.control.scale({ imperial: false }).addTo(map);

    // --- points ---
    var markers = points.map(function (point) {
      var marker = L.circleMarker(place(point.lat, point.lon), {
        radius: 7, weight: 2, color: "#fff", fillOpacity: 0.9,
        fillColor: point.open === false ? palette[1] : palette[0]
      });
      if (point.url) {
        var link = document.createElement("a");
        link.href = point.url;
        link.textContent = point.title || "详情";
        marker.bindPopup(link);
      }
      if (point.title) { marker.bindTooltip(text(point.title)); }
      return marker;
    });
    var pointGroup = L.featureGroup(markers);
    var single = markers.length === 1 ? markers[0].getLatLng() : null;
    var touched = false;  // once the user moves the map, the outlines no longer refit it
    ["pointerdown", "wheel", "keydown"].forEach(function (name) {
      element.addEventListener(name, function () { touched = true; }, { passive: true });
    });
    var viewSet = false;
    if (markers.length === 1) {
      map.setView(markers[0].getLatLng(), Number(element.dataset.zoom || 16));
      viewSet = true;
    } else if (markers.length > 1) {
      map.fitBounds(pointGroup.getBounds(), { padding: [30, 30], maxZoom: 16 });
      viewSet = true;
    }
    pointGroup.addTo(map);
    element.dataset.ready = String(markers.length);

    // --- the base layer: the regions' outlines, one level at a time ---
    var loaded = [];       // [{level, layer, fitZoom}] in the order of `levels`
    var pending = false;
    var boundaryCount = 0;
    var base = element.dataset.boundaries;

    function fitZoomOf(layer) {
      // The zoom at which a typical unit of this level fills the map.
      var zooms = [];
      layer.eachLayer(function (feature) { zooms.push(map.getBoundsZoom(feature.getBounds())); });
      return median(zooms);
    }

    // The part of a unit that is in view, in container pixels (null when out of view).
    function visibleBox(unit, view) {
      var box = unit.getBounds();
      if (!box.intersects(view)) { return null; }
      var part = L.latLngBounds(
        [Math.max(box.getSouth(), view.getSouth()), Math.max(box.getWest(), view.getWest())],
        [Math.min(box.getNorth(), view.getNorth()), Math.min(box.getEast(), view.getEast())]
      );
      var nw = map.latLngToContainerPoint(part.getNorthWest());
      var se = map.latLngToContainerPoint(part.getSouthEast());
      return { part: part, width: se.x - nw.x, height: se.y - nw.y };
    }

    // Does each name of this level fit inside the visible part of its unit? Names sit in the
    // middle of that part, so a unit larger than the map (zoomed in on a case) still shows its
    // name. Returns how many of the units in view have room for their names.
    function placeLabels(entry, apply) {
      var view = map.getBounds(), inView = 0, fitting = 0;
      entry.layer.eachLayer(function (unit) {
        var tooltip = unit.getTooltip();
        if (!tooltip) { return; }
        var seen = visibleBox(unit, view), label = tooltip.getElement();
        var fits = false;
        if (seen) {
          inView += 1;
          if (apply) { tooltip.setLatLng(seen.part.getCenter()); }
          fits = !label || (label.offsetWidth + 4 <= seen.width && label.offsetHeight <= seen.height);
          if (fits) { fitting += 1; }
        }
        if (apply && label) { label.classList.toggle("sg-map-label-cramped", !fits); }
      });
      return inView ? fitting / inView : 0;
    }

    function showLabels() {
      var filled = loaded.filter(function (entry) { return entry.count; });
      if (!filled.length) { return; }
      // The deepest level whose names mostly fit; else the outermost, with the names that fit.
      var shown = filled[0];
      for (var i = filled.length - 1; i >= 0; i--) {
        if (placeLabels(filled[i], false) >= 0.5) { shown = filled[i]; break; }
      }
      levels.forEach(function (level) {
        element.classList.toggle("sg-labels-" + level, level === shown.level);
      });
      placeLabels(shown, true);
    }

    function loadNext() {
      if (pending) { return; }
      var last = loaded[loaded.length - 1];
      // The next level once a unit of this one fills about half the map.
      if (!base || loaded.length >= levels.length
          || (last && last.count && map.getZoom() < last.fitZoom - 1)) {
        element.dataset.settled = "1";  // nothing more to fetch at this zoom
        return;
      }
      delete element.dataset.settled;
      var level = levels[loaded.length];
      pending = true;
      var url = base + (base.indexOf("?") >= 0 ? "&" : "?") + "level=" + encodeURIComponent(level);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.ok ? response.json() : { features: [] }; })
        .then(function (collection) { addLevel(level, collection); })
        .catch(function () { addLevel(level, { features: [] }); });
    }

    function addLevel(level, collection) {
      var style = STYLES[level] || STYLES.grid;
      var layer = L.geoJSON(collection, {
        interactive: false,
        coordsToLatLng: function (coords) { return place(coords[1], coords[0]); },
        style: function () {
          return { color: style.color, weight: style.weight, dashArray: style.dashArray,
                   fill: level === levels[0], fillColor: style.color, fillOpacity: 0.04 };
        },
        onEachFeature: function (feature, featureLayer) {
          var name = feature.properties && feature.properties.name;
          if (name) {
            featureLayer.bindTooltip(text(name), {
              permanent: true, direction: "center", interactive: false,
              className: "sg-map-label sg-map-label-" + level
            });
          }
        }
      });
      var count = layer.getLayers().length;
      if (count) {
        // A vector layer may only be added once the map has a view.
        if (!viewSet) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); viewSet = true; }
        layer.addTo(map);
        layer.bringToBack();
        // Inner levels above outer ones, all below the points.
        for (var i = loaded.length - 1; i >= 0; i--) { loaded[i].layer.bringToBack(); }
      }
      if (count && single && !touched) {
        // One point (a case, a station): show the smallest unit around it, with its name.
        var around = null;
        layer.eachLayer(function (unit) { if (unit.getBounds().contains(single)) { around = unit; } });
        if (around) { map.fitBounds(around.getBounds(), { padding: [12, 12], animate: false }); }
      }
      boundaryCount += count;
      element.dataset.boundaryCount = String(boundaryCount);
      loaded.push({ level: level, layer: layer, count: count, fitZoom: count ? fitZoomOf(layer) : null });
      if (!viewSet && loaded.length === levels.length) { map.setView([35, 105], 4); viewSet = true; }
      element.dataset.levelsLoaded = loaded.map(function (e) { return e.level; }).join(",");
      pending = false;
      showLabels();
      loadNext();
    }

    if (!viewSet && !base) { map.setView([35, 105], 4); viewSet = true; }
    map.on("moveend", function () { if (loaded.length) { showLabels(); } loadNext(); });
    loadNext();
  }

  // A folded map (<details data-sg-remember id=…>) stays open for the tab once opened, across
  // the list's htmx swaps and page loads.
  function remember(details) {
    if (!details.id || !details.hasAttribute("data-sg-remember")) { return; }
    var key = "sg-open:" + details.id;
    try { if (window.sessionStorage.getItem(key) === "1") { details.open = true; } } catch (error) { return; }
    if (details.dataset.sgRemembering) { return; }
    details.dataset.sgRemembering = "1";
    details.addEventListener("toggle", function () {
      try { window.sessionStorage.setItem(key, details.open ? "1" : "0"); } catch (error) { /* private mode */ }
    });
  }

  function startAll(root) {
    (root || document).querySelectorAll("[data-sg-map]").forEach(function (element) {
      var details = element.closest("details");
      if (details) { remember(details); }
      if (details && !details.open) {
        if (element.dataset.sgDeferred) { return; }
        element.dataset.sgDeferred = "1";
        details.addEventListener("toggle", function () {
          if (details.open) {
            if (element.sgMap) { element.sgMap.invalidateSize(); } else { start(element); }
          }
        });
        return;
      }
      start(element);
    });
  }

  startAll(document);
  document.addEventListener("htmx:afterSettle", function (event) { startAll(event.target); });
})();
