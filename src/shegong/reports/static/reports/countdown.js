/* Live countdowns: every [data-deadline] (ISO time) shows the time left, red once overdue,
   amber under 4 hours. The server renders the same text, so the page reads right without JS. */
(function () {
  var SOON = 4 * 3600 * 1000;
  function text(ms) {
    var over = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var t = d ? d + "天" + h + "小时" : (h ? h + "小时" + m + "分" : m + "分");
    return (over ? "超时 " : "剩余 ") + t;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var ms = Date.parse(el.getAttribute("data-deadline")) - now;
      if (isNaN(ms)) return;
      var out = el.querySelector(".sg-countdown-text") || el;
      out.textContent = text(ms);
      el.classList.toggle("text-danger", ms < 0);
      el.classList.toggle("fw-semibold", ms < 0);
      el.classList.toggle("text-warning-emphasis", ms >= 0 && ms < SOON);
    });
  }
  tick();
  setInterval(tick, 30000);
  document.addEventListener("htmx:afterSettle", tick);
})();
