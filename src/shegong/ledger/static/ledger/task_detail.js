/* A verification task: the organisation's fields show only when the outcome is "updated". */
(function () {
  const box = document.getElementById("org-changes");
  if (!box) return;
  const sync = () => {
    const picked = document.querySelector("input[name=outcome]:checked");
    box.hidden = !(picked && picked.value === "updated");
  };
  document.querySelectorAll("input[name=outcome]").forEach((el) => el.addEventListener("change", sync));
  sync();
})();
