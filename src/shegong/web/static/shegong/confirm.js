/* Asks before a destructive tap on the lean H5 pages, which do not load shell.js.
 * A file, not an inline handler (the Content-Security-Policy runs no inline script).
 *
 *   form[data-confirm="…"]            asks before the form is posted
 *   button[data-confirm="…"]          asks before that button posts its form
 *
 * Dismissing the dialog leaves everything as it was: nothing is sent.
 */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
