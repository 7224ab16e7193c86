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
    // Enter in a text field never accepts (the form's disabled first button already blocks implicit
    // submission); at the window it moves on to the next field, as clerks expect from a paper form.
    var form = event.target.form;
    if (event.key === "Enter" && tag === "input" && form && form.hasAttribute("data-enter-moves-on") &&
        ["text", "tel", "email", "number", "date"].indexOf(event.target.type) !== -1) {
      event.preventDefault();
      var fields = Array.prototype.filter.call(form.elements, function (el) {
        return !el.disabled && el.type !== "hidden" && el.offsetParent !== null && el.tabIndex >= 0;
      });
      var next = fields[fields.indexOf(event.target) + 1];
      if (next && next.type !== "submit") { next.focus(); }
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
