/* Check in / out: the form posts the browser's location with it. */
(function () {
  var form = document.getElementById("va-checkin-form"), note = document.getElementById("va-geo-note");
  if (!form) { return; }
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) { return; }
    event.preventDefault();
    if (!navigator.geolocation) { note.textContent = "此浏览器无法定位，不能签到；请换用手机浏览器或微信打开"; return; }
    note.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (p) {
      // Browser geolocation is WGS-84: no conversion needed.
      form.elements.lat.value = p.coords.latitude.toFixed(6);
      form.elements.lon.value = p.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.round(p.coords.accuracy || 0);
      sending = true;
      form.submit();
    }, function () {
      note.textContent = "未能定位：请在手机设置中允许浏览器获取位置，并到开阔处重试";
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
  });
})();
