/* 随手拍 (/m/report): category search, extra questions, photos, location, duplicate suggestions.
 *
 * The form works without this script (every category's questions shown, plain file inputs, the
 * address + community fallback); the script makes it pleasant on a phone and checks what it can
 * before a slow upload starts. The server checks everything again.
 */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  document.body.classList.add("rp-js");

  var MAX_PHOTOS = parseInt(form.getAttribute("data-max-photos"), 10) || 9;
  var MAX_MB = parseInt(form.getAttribute("data-max-mb"), 10) || 10;
  var MAX_BYTES = MAX_MB * 1024 * 1024;
  var SHRINK_ABOVE = 1.5 * 1024 * 1024; // photos above this are made smaller before upload
  var MAX_SIDE = 2560; // the server keeps at most this many pixels on the long side anyway
  var submitButton = document.getElementById("submit-report");

  function $(id) { return document.getElementById(id); }
  function show(el, on) { if (el) el.hidden = !on; }
  function setError(id, text) {
    var el = $(id);
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
  }

  // --- categories -------------------------------------------------------------------------------
  var search = $("category-search");
  var radios = form.querySelectorAll("input[name=category]");
  var details = form.querySelectorAll(".rp-detail");

  function chosenCategory() {
    for (var i = 0; i < radios.length; i++) if (radios[i].checked) return radios[i];
    return null;
  }

  function activateCategory() {
    var chosen = chosenCategory();
    var code = chosen ? chosen.value : "";
    for (var i = 0; i < details.length; i++) {
      var active = details[i].getAttribute("data-for") === code;
      details[i].classList.toggle("active", active);
      // Only the chosen category's answers are sent.
      var inputs = details[i].querySelectorAll("input, textarea, select");
      for (var j = 0; j < inputs.length; j++) inputs[j].disabled = !active;
    }
    var anonymous = $("anonymous-box");
    var allowed = chosen && chosen.getAttribute("data-anonymous") === "1";
    show(anonymous, !!allowed);
    if (!allowed && anonymous) anonymous.querySelector("input").checked = false;
    if (chosen) setError("error-category", "");
    loadDuplicates();
  }

  function filterCategories() {
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var any = false;
    var groups = form.querySelectorAll(".rp-group");
    for (var g = 0; g < groups.length; g++) {
      var chips = groups[g].querySelectorAll(".rp-chip");
      var shownInGroup = 0;
      for (var c = 0; c < chips.length; c++) {
        var text = chips[c].getAttribute("data-search") || "";
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        var checked = chips[c].querySelector("input").checked;
        show(chips[c], match || checked);
        if (match) shownInGroup++;
      }
      show(groups[g], shownInGroup > 0 || groups[g].querySelector("input:checked"));
      if (shownInGroup) any = true;
    }
    show($("category-none"), !any);
  }

  if (search) {
    search.hidden = false;
    search.addEventListener("input", filterCategories);
  }
  for (var r = 0; r < radios.length; r++) radios[r].addEventListener("change", activateCategory);

  // --- photos ----------------------------------------------------------------------------------
  var camera = $("photo-camera");
  var album = $("photo-album");
  var previews = $("photo-previews");
  var status = $("photo-status");
  var photos = []; // File objects that will be sent
  var pending = 0; // photos still being made smaller
  var urls = [];
  var canKeep = typeof DataTransfer === "function";
  if (canKeep) {
    try { new DataTransfer().items.add(new File([""], "x.jpg", { type: "image/jpeg" })); }
    catch (e) { canKeep = false; }
  }

  function mb(bytes) { return (bytes / 1024 / 1024).toFixed(1); }

  function sync() {
    if (canKeep) {
      // Every chosen photo travels in the camera input; the album input is emptied.
      var dt = new DataTransfer();
      photos.forEach(function (f) { dt.items.add(f); });
      camera.files = dt.files;
      album.value = "";
    }
    urls.forEach(function (u) { URL.revokeObjectURL(u); });
    urls = [];
    previews.innerHTML = "";
    photos.forEach(function (file, index) {
      var box = document.createElement("div");
      box.className = "rp-thumb";
      var img = document.createElement("img");
      var url = URL.createObjectURL(file);
      urls.push(url);
      img.src = url;
      img.alt = "照片" + (index + 1);
      box.appendChild(img);
      if (canKeep) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "删除第" + (index + 1) + "张照片");
        remove.addEventListener("click", function () {
          photos.splice(index, 1);
          sync();
        });
        box.appendChild(remove);
      }
      previews.appendChild(box);
    });
    var lost = $("photos-lost");
    if (lost && photos.length) lost.hidden = true;
    if (!pending) {
      status.textContent = photos.length
        ? "已选择" + photos.length + "张照片" + (photos.length < MAX_PHOTOS ? "，还可添加" + (MAX_PHOTOS - photos.length) + "张" : "")
        : "";
    }
    updateSubmit();
  }

  function shrink(file) {
    // Make a big camera photo smaller before a slow upload; any failure keeps the original.
    // An iPhone's HEIC photo is turned into a JPEG here (the server takes JPEG, PNG, WebP).
    var heic = /^image\/hei[cf]$/.test(file.type);
    var usual = /^image\/(jpeg|png|webp)$/.test(file.type);
    if (!(heic || (usual && file.size >= SHRINK_ABOVE)) || typeof createImageBitmap !== "function") {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || (!heic && blob.size >= file.size)) return resolve(file);
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  function addPhotos(input) {
    var problems = [];
    var picked = Array.prototype.slice.call(input.files || []);
    if (!canKeep) {
      // Old browser: the two inputs are sent as they are; just check them.
      photos = Array.prototype.slice.call(camera.files || []).concat(
        Array.prototype.slice.call(album.files || []));
      photos.forEach(function (f) {
        if (f.size > MAX_BYTES) problems.push(f.name + "：文件过大（" + mb(f.size) + " MB），每张不超过 " + MAX_MB + " MB");
      });
      if (photos.length > MAX_PHOTOS) problems.push("最多上传" + MAX_PHOTOS + "张照片，当前选择了" + photos.length + "张");
      setError("error-photos", problems.join("；"));
      sync();
      return;
    }
    picked.forEach(function (file) {
      if (photos.length + pending >= MAX_PHOTOS) {
        if (problems.indexOf("max") === -1) problems.push("max");
        return;
      }
      if (file.type && !/^image\//.test(file.type)) {
        problems.push(file.name + "：不是图片文件，请选择照片");
        return;
      }
      if (file.size === 0) {
        problems.push(file.name + "：是空文件");
        return;
      }
      if (file.size > MAX_BYTES) {
        problems.push(file.name + "：文件过大（" + mb(file.size) + " MB），每张不超过 " + MAX_MB + " MB");
        return;
      }
      pending++;
      status.textContent = "正在处理照片…";
      updateSubmit();
      shrink(file).then(function (ready) {
        pending--;
        photos.push(ready);
        sync();
      });
    });
    problems = problems.map(function (p) {
      return p === "max" ? "最多上传" + MAX_PHOTOS + "张照片，多出的照片未添加" : p;
    });
    setError("error-photos", problems.join("；"));
    input.value = "";
    sync();
  }

  camera.addEventListener("change", function () { addPhotos(camera); });
  album.addEventListener("change", function () { addPhotos(album); });

  // --- location --------------------------------------------------------------------------------
  var lat = $("lat"), lon = $("lon"), accuracy = $("accuracy");
  var geoBox = $("geo-box"), geoStatus = $("geo-status");
  var regionBox = $("region-box"), addressLabel = $("address-label");

  function hasPoint() { return lat.value !== "" && lon.value !== ""; }

  function locationMode() {
    var point = hasPoint();
    show(regionBox, !point);
    addressLabel.textContent = point ? "补充地址或附近地标（选填）" : "详细地址或附近地标";
    if (point) {
      var acc = accuracy.value ? "，精度约" + Math.round(parseFloat(accuracy.value)) + "米" : "";
      geoStatus.textContent = "已获取当前位置（" + parseFloat(lat.value).toFixed(5) + "，" +
        parseFloat(lon.value).toFixed(5) + acc + "）";
    }
  }

  function manual(message) {
    lat.value = lon.value = accuracy.value = "";
    geoStatus.textContent = message;
    locationMode();
    clearDuplicates();
  }

  function locate() {
    if (!navigator.geolocation) {
      manual("此浏览器无法定位，请填写地址并选择所在社区");
      return;
    }
    geoStatus.textContent = "正在获取您的位置…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      // The browser gives WGS-84 coordinates (crs=wgs84).
      lat.value = pos.coords.latitude.toFixed(7);
      lon.value = pos.coords.longitude.toFixed(7);
      accuracy.value = pos.coords.accuracy ? String(Math.round(pos.coords.accuracy)) : "";
      setError("error-location", "");
      locationMode();
      loadDuplicates();
    }, function (err) {
      var why = err && err.code === 1 ? "您未允许定位" : "暂时无法获取位置";
      manual(why + "，请填写地址并选择所在社区，或点击“重新定位”");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  show(geoBox, true);
  $("geo-retry").addEventListener("click", locate);
  $("geo-manual").addEventListener("click", function () {
    manual("请填写地址并选择所在社区");
    $("address").focus();
  });
  if (hasPoint()) locationMode();
  else locate();

  // --- duplicate suggestions --------------------------------------------------------------------
  var duplicates = $("duplicates");
  var lastQuery = "";

  function clearDuplicates() { lastQuery = ""; duplicates.innerHTML = ""; }

  function loadDuplicates() {
    var chosen = chosenCategory();
    if (!chosen || !hasPoint() || !window.fetch) return clearDuplicates();
    var query = "category=" + encodeURIComponent(chosen.value) + "&lat=" + lat.value +
      "&lon=" + lon.value + "&crs=wgs84";
    if (query === lastQuery) return;
    lastQuery = query;
    fetch(form.getAttribute("data-duplicates-url") + "?" + query, {
      credentials: "same-origin", headers: { "HX-Request": "true" }
    }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      if (query === lastQuery) duplicates.innerHTML = html;
    }).catch(function () { /* suggestions are a help, not a requirement */ });
  }

  // --- submit ----------------------------------------------------------------------------------
  function updateSubmit() {
    if (!submitButton.getAttribute("data-busy")) {
      submitButton.disabled = pending > 0;
      submitButton.textContent = pending > 0 ? "正在处理照片…" : "提交上报";
    }
  }

  function missingAnswer() {
    var block = form.querySelector(".rp-detail.active");
    if (!block) return "";
    var required = block.querySelectorAll("[data-required]");
    for (var i = 0; i < required.length; i++) {
      var inputs = required[i].querySelectorAll("input, textarea, select");
      var answered = false;
      for (var j = 0; j < inputs.length; j++) {
        var el = inputs[j];
        if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value.trim()) answered = true;
      }
      if (!answered) return "请回答：" + required[i].getAttribute("data-required");
    }
    return "";
  }

  form.addEventListener("submit", function (event) {
    var first = null;
    function fail(id, text, section) {
      setError(id, text);
      if (!first) first = $(section);
    }
    if (!chosenCategory()) fail("error-category", "请选择问题类别", "sec-category");
    else {
      var missing = missingAnswer();
      if (missing) fail("error-category", missing, "sec-category");
    }
    if (pending > 0) fail("error-photos", "照片正在处理，请稍候", "sec-photos");
    else if (!photos.length && !(camera.files && camera.files.length) && !(album.files && album.files.length)) {
      fail("error-photos", "请至少拍摄或选择一张照片", "sec-photos");
    }
    if (!hasPoint()) {
      var address = $("address").value.trim();
      var region = $("region").value;
      if (!address || !region) {
        fail("error-location", "请允许定位，或填写地址并选择所在社区", "sec-location");
      }
    }
    if (!$("description").value.trim()) fail("error-description", "请描述问题", "sec-description");
    if (first) {
      event.preventDefault();
      first.scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    // One tap, one case: the button stays disabled while the upload runs (the server also
    // refuses a second case for the same form token).
    submitButton.setAttribute("data-busy", "1");
    submitButton.disabled = true;
    submitButton.textContent = "正在提交，请勿关闭页面…";
  });

  // Coming back with the browser's back button: the page may be restored as it was left.
  window.addEventListener("pageshow", function () {
    submitButton.removeAttribute("data-busy");
    updateSubmit();
  });

  activateCategory();
  if (search && search.value) filterCategories();
})();
