/* The phone shell: a form with data-confirm asks before it is sent (退出登录, 撤回, 取消报名 …).
 * Without the script the form is sent as it is; the server checks everything again. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
