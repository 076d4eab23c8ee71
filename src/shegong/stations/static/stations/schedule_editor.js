/* Schedule editor helpers; the form posts the same fields without them. */
(function () {
  var editor = document.getElementById("schedule-editor");
  if (!editor) return;
  var always = document.getElementById("always-open");
  var week = document.getElementById("week-table");
  function sync() { week.style.opacity = always.checked ? "0.4" : ""; }
  always.addEventListener("change", sync);
  sync();
  editor.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var days = button.getAttribute("data-copy") === "all" ? [2, 3, 4, 5, 6, 7] : [2, 3, 4, 5];
      days.forEach(function (day) {
        for (var n = 0; n < 3; n++) {
          ["start", "end"].forEach(function (edge) {
            var from = editor.querySelector('[name="d1_' + n + '_' + edge + '"]');
            var to = editor.querySelector('[name="d' + day + '_' + n + '_' + edge + '"]');
            if (from && to) to.value = from.value;
          });
        }
      });
    });
  });
})();
