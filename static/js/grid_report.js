/* Grid event report: keep what was typed in this browser (localStorage) until the report is sent, so a
   report typed with poor signal is not lost; fill the location from the phone. Static file: CSP-safe. */
(function () {
  "use strict";
  var FIELDS = ["category", "grid", "description", "address", "latitude", "longitude", "client_key"];

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function newKey() {
    return "r" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  function show(el, text) {
    if (!el) { return; }
    el.textContent = text;
    el.hidden = false;
  }

  // The event page after a successful report: the draft is sent, forget it.
  var sent = document.querySelector("[data-report-sent]");
  if (sent && storage()) { storage().removeItem(sent.getAttribute("data-report-sent")); }

  // The home page: say that an unsent report is waiting.
  var unsent = document.getElementById("unsent-draft");
  if (unsent && storage() && storage().getItem("grid-report-draft")) { unsent.hidden = false; }

  var form = document.getElementById("report-form");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var status = document.getElementById("draft-status");
  var store = storage();

  function field(name) { return form.elements.namedItem(name); }

  function save() {
    if (!store) { return; }
    var data = {};
    FIELDS.forEach(function (name) {
      var el = field(name);
      if (el) { data[name] = el.value; }
    });
    var spot = field("handled_on_the_spot");
    data.handled_on_the_spot = !!(spot && spot.checked);
    try { store.setItem(key, JSON.stringify(data)); } catch (e) { /* full: nothing to do */ }
  }

  // Restore an unsent draft (the server's own values win where the form came back with errors).
  var saved = null;
  try { saved = store && JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
  var bound = form.querySelector(".errors");
  if (saved && !bound) {
    FIELDS.forEach(function (name) {
      var el = field(name);
      if (el && saved[name] && !el.value) { el.value = saved[name]; }
    });
    var spot = field("handled_on_the_spot");
    if (spot) { spot.checked = !!saved.handled_on_the_spot; }
    show(status, form.getAttribute("data-restored-text"));
  }
  // One key per report, kept with the draft: the server returns the first event if it is sent twice.
  var clientKey = field("client_key");
  if (clientKey && !clientKey.value) { clientKey.value = newKey(); }
  save();

  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    save();
    if (navigator.onLine === false) {
      event.preventDefault();
      show(status, form.getAttribute("data-offline-text"));
    }
  });

  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      show(status, form.getAttribute("data-locating-text"));
      navigator.geolocation.getCurrentPosition(function (position) {
        field("latitude").value = position.coords.latitude.toFixed(6);
        field("longitude").value = position.coords.longitude.toFixed(6);
        save();
        show(status, form.getAttribute("data-located-text"));
      }, function () {
        show(status, form.getAttribute("data-no-location-text"));
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  } else if (locate) {
    locate.hidden = true;
  }
}());
