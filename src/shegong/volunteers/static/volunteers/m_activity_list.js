/* Find activities: sort by distance from the browser's location. */
(function () {
  var lat = document.getElementById("va-lat"), lon = document.getElementById("va-lon");
  var form = document.getElementById("va-form"), button = document.getElementById("va-locate");
  var note = document.getElementById("va-geo-note");
  if (!navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    note.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (p) {
      // Browser geolocation is WGS-84: no conversion needed.
      lat.value = p.coords.latitude.toFixed(6); lon.value = p.coords.longitude.toFixed(6);
      form.submit();
    }, function () { note.textContent = "未能定位（未授权或信号弱），按时间列出活动"; },
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
