/* The shell's few behaviours, as listeners rather than inline handlers (the Content-Security-Policy
 * runs no inline script). Delegated from the document, so parts swapped in by htmx work too.
 *
 *   [data-sg-menu-toggle]        opens and closes the sidebar on a phone
 *   form[data-confirm="…"]       asks before posting
 *   input[data-check-all="name"] checks or unchecks every input[name=…]
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-sg-menu-toggle]");
    if (toggle) {
      document.body.classList.toggle("sg-menu-open");
      return;
    }
    var all = event.target.closest("input[data-check-all]");
    if (all) {
      var name = all.getAttribute("data-check-all");
      document.querySelectorAll("input[name=\"" + name + "\"]").forEach(function (box) {
        box.checked = all.checked;
      });
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });
})();
