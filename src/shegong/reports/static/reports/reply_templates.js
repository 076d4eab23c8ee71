/* Picking a reply template fills its text in (the server does the same when the text is empty). */
(function () {
  var texts = JSON.parse(document.getElementById("report-templates").textContent);
  document.querySelectorAll("select[data-template-for]").forEach(function (select) {
    select.addEventListener("change", function () {
      var target = document.getElementById("id_" + select.getAttribute("data-template-for"));
      if (target && texts[select.value]) target.value = texts[select.value];
    });
  });
})();
