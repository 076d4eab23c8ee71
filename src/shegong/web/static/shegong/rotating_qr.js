/* The rotating QR code (a volunteer shift's check-in, a meeting's sign-in; core.rotating): the leader's phone and the big screen. */
(function () {
  // The code rotates every data-seconds s (a token is good for its own period and the next):
  // reload the image when the period changes, and count down to it.
  var img = document.getElementById("qr-img"), note = document.getElementById("qr-countdown");
  var seconds = parseInt(img.getAttribute("data-seconds"), 10);
  var left = parseInt(img.getAttribute("data-refresh-in"), 10);
  function tick() {
    left -= 1;
    if (left <= 0) {
      img.src = img.dataset.src + "?t=" + Date.now();
      left = seconds;
    }
    if (note) { note.textContent = left + " 秒后更新"; }
  }
  if (note) { note.textContent = left + " 秒后更新"; }
  setInterval(tick, 1000);
})();
