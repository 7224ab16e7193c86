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
  // The market-entity register: a credit code that matches fills the empty fields; a name search offers
  // matches, and picking one fills the enterprise's name, code and legal representative (as applicant).
  function fillEntity(pick, overwrite) {
    [["id_enterprise_name", pick.dataset.name], ["id_credit_code", pick.dataset.code],
     ["id_applicant_name", pick.dataset.representative]].forEach(function (pair) {
      var input = document.getElementById(pair[0]);
      if (input && pair[1] && (overwrite || !input.value)) { input.value = pair[1]; }
    });
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "known-entity") { return; }
    var picks = event.detail.target.querySelectorAll(".entity-pick");
    var code = document.getElementById("id_credit_code");
    if (picks.length === 1 && code && code.value.trim().toUpperCase() === picks[0].dataset.code) { fillEntity(picks[0], false); }
  });
  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest("#known-entity .entity-pick");
    if (!pick) { return; }
    fillEntity(pick, true);
    var kind = document.querySelector('input[name=applicant_kind][value=enterprise]');
    if (kind) { kind.checked = true; }
    document.getElementById("known-entity").innerHTML = "";
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
  // A sign-out (idle timeout, or an htmx request that found the session gone) must not cost the clerk what
  // they typed: it is kept in this tab for a few minutes and put back into empty fields after signing in.
  var STASH = "workbench-typed";
  var pending = null;
  function intakeForm() { return document.getElementById("intake-form"); }
  function stash() {
    var form = intakeForm();
    if (!form) { return; }
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) { data[el.name] = el.value; } return; }
      if (el.value) { data[el.name] = el.value; }
    });
    try { sessionStorage.setItem(STASH, JSON.stringify({ at: Date.now(), data: data })); } catch (e) { /* private mode */ }
  }
  function fill(data) {
    var form = intakeForm();
    Object.keys(data).forEach(function (name) {
      var els = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          if (!form.querySelector('[name="' + name + '"]:checked')) { el.checked = el.value === data[name]; }
        } else if (!el.value) { el.value = data[name]; }
      });
    });
  }
  document.addEventListener("portal:signed-out", stash);
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 401) { stash(); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (pending && event.detail.target && event.detail.target.id === "checklist") { fill(pending); pending = null; }
  });
  function restore() {
    var form = intakeForm();
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(STASH) || "null"); sessionStorage.removeItem(STASH); } catch (e) { return; }
    if (!form || !kept || Date.now() - kept.at > 15 * 60 * 1000) { return; }
    fill(kept.data);
    var chosen = form.querySelector("#checklist input[name=item], #checklist input[name=bundle]");
    var target = kept.data.item ? "item=" + encodeURIComponent(kept.data.item) : (kept.data.bundle ? "bundle=" + encodeURIComponent(kept.data.bundle) : "");
    if (target && !chosen && window.htmx && form.dataset.checklistUrl) {
      pending = kept.data;
      window.htmx.ajax("GET", form.dataset.checklistUrl + "?" + target, { target: "#checklist", swap: "innerHTML" });
    }
    var note = document.getElementById("restored-note");
    if (note) { note.hidden = false; }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", restore); } else { restore(); }
})();
