/* 我要点单: the chosen category's items, the quick picks or the exact times, the optional
   "定位" button (browser geolocation is WGS-84), one submission per tap. */
(function () {
  var form = document.getElementById("place-form");
  if (!form) { return; }
  document.body.classList.add("rp-js");

  function chosen(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function showItems() {
    var category = chosen("category");
    form.querySelectorAll(".mt-items").forEach(function (box) {
      var on = box.getAttribute("data-for") === category;
      box.classList.toggle("active", on);
      if (!on) { box.querySelectorAll("input").forEach(function (i) { i.checked = false; }); }
    });
  }

  function showWhen() {
    var exact = chosen("day") === "exact";
    document.getElementById("exact-times").classList.toggle("active", exact);
    document.getElementById("parts").classList.toggle("hidden", exact);
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name === "category") { showItems(); }
    if (name === "day") { showWhen(); }
  });
  showItems();
  showWhen();

  var locate = document.getElementById("locate"), status = document.getElementById("geo-status");
  if (navigator.geolocation && locate) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (p) {
        form.elements.lat.value = p.coords.latitude.toFixed(6);
        form.elements.lon.value = p.coords.longitude.toFixed(6);
        status.textContent = "已定位（精度约 " + Math.round(p.coords.accuracy || 0) + " 米）";
      }, function () {
        status.textContent = "未能定位，请填写详细地址即可";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); return; }
    sending = true;
    document.getElementById("submit-order").disabled = true;
  });
})();
