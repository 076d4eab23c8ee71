/* /m/stations/: find the nearest open stations with the browser's location. Refused or not
 * possible: the list stays by name, the street select above it narrows it (a change submits). */
(function () {
  var lat = document.getElementById("st-lat"), lon = document.getElementById("st-lon");
  var form = document.getElementById("st-form"), button = document.getElementById("st-locate");
  var note = document.getElementById("st-geo-note");
  var street = document.getElementById("st-street");
  if (street) { street.addEventListener("change", function () { form.submit(); }); }
  function byStreet(text) {
    note.textContent = text + "，下面按名称列出全部开放驿站，可按街道筛选";
  }
  if (!navigator.geolocation) { byStreet("此浏览器无法定位"); return; }
  function locate() {
    note.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (p) {
      // Browser geolocation is WGS-84: no conversion needed.
      lat.value = p.coords.latitude.toFixed(6); lon.value = p.coords.longitude.toFixed(6);
      form.submit();
    }, function () {
      byStreet("未能定位（未授权或信号弱）");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  if (lat.value) { button.textContent = "重新定位"; }
  button.hidden = false;
  button.addEventListener("click", locate);
  if (!lat.value && !(street && street.value)) { locate(); }
})();
