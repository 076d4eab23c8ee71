/* 接单: the acceptance deadlines count down; 签到 posts the phone's position with it. */
(function () {
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-deadline")) - Date.now();
      if (isNaN(left)) { return; }
      if (left <= 0) { el.textContent = "已超时"; el.classList.add("late"); return; }
      var minutes = Math.floor(left / 60000), hours = Math.floor(minutes / 60);
      el.textContent = "剩余 " + (hours ? hours + " 小时 " : "") + (minutes % 60) + " 分钟接单";
    });
  }
  tick();
  setInterval(tick, 30000);

  var form = document.getElementById("checkin-form"), note = document.getElementById("geo-note");
  if (!form) { return; }
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) { return; }
    event.preventDefault();
    if (!navigator.geolocation) { note.textContent = "此浏览器无法定位，不能签到；请换用手机浏览器打开"; return; }
    note.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (p) {
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
