// Window workbench: keyboard shortcuts and the "all present" button. Plain JavaScript, no inline code (CSP).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    var typing = tag === "input" || tag === "textarea" || tag === "select";
    if (event.key === "/" && !typing) {
      var search = document.getElementById("item-q");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#all-present")) { return; }
    document.querySelectorAll("#checklist-lines tr.line").forEach(function (row) {
      var choice = row.dataset.necessity === "conditional" ? "na" : "ok";
      var radio = row.querySelector('input[type=radio][value="' + choice + '"]') || row.querySelector('input[type=radio][value="ok"]');
      if (radio) { radio.checked = true; }
    });
  });
  // A resident account found by identity number fills the fields the clerk has left empty.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "known-resident") { return; }
    var known = event.detail.target.querySelector("[data-name]");
    if (!known) { return; }
    [["id_applicant_name", known.dataset.name], ["id_applicant_phone", known.dataset.phone]].forEach(function (pair) {
      var input = document.getElementById(pair[0]);
      if (input && !input.value && pair[1]) { input.value = pair[1]; }
    });
  });
  // After choosing an item from the results, clear the list and move on to the applicant.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "checklist") {
      var results = document.getElementById("item-results");
      if (results) { results.innerHTML = ""; }
      var first = document.querySelector("#checklist-lines input[type=radio]");
      if (first) { first.focus(); }
    }
  });
})();
