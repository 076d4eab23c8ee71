/* 申请支出: show only the select of the chosen 支出去向 (公益创投项目, 落地实事, 常态化服务);
   without this script every select shows and the action checks the one the target names. */
(function () {
  document.querySelectorAll("select[data-target-choice]").forEach(function (choice) {
    var form = choice.form;
    if (!form) { return; }
    function toggle() {
      form.querySelectorAll("select[data-target-kind]").forEach(function (pick) {
        var shown = pick.getAttribute("data-target-kind") === choice.value;
        var box = pick.closest("div");
        if (box) { box.hidden = !shown; }
        pick.disabled = !shown;
      });
    }
    choice.addEventListener("change", toggle);
    toggle();
  });
})();
