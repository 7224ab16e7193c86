// The resident's report form: fill the location from the phone's GPS (WGS-84, as the browser gives it)
// and show open reports of the same kind nearby as soon as the category and the place are known.
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  ready(function () {
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var lat = form.querySelector("[name=latitude]"), lng = form.querySelector("[name=longitude]");
    var button = document.getElementById("locate"), shown = document.getElementById("located");
    var live = document.getElementById("nearby-live");
    function nearby() {
      var category = form.querySelector("[name=category]").value;
      var township = form.querySelector("[name=township]").value;
      var village = form.querySelector("[name=village]").value;
      if (!category || !(lat.value && lng.value || village)) { live.innerHTML = ""; return; }
      var query = new URLSearchParams({ township: township, category: category, latitude: lat.value, longitude: lng.value, village: village });
      fetch(form.dataset.nearbyUrl + "?" + query.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { live.innerHTML = html; })
        .catch(function () { live.innerHTML = ""; });
    }
    if (button && navigator.geolocation) {
      button.addEventListener("click", function () {
        shown.textContent = "…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lng.value = pos.coords.longitude.toFixed(6);
          shown.textContent = lat.value + ", " + lng.value;
          nearby();
        }, function (err) { shown.textContent = err.message; }, { enableHighAccuracy: true, timeout: 15000 });
      });
    } else if (button) { button.hidden = true; }
    ["category", "village"].forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field) { field.addEventListener("change", nearby); }
    });
    var township = form.querySelector("[name=township]");
    if (township) {
      township.addEventListener("change", function () {
        // the categories and villages are the township's: reload the form for the chosen one
        window.location.search = "?township=" + encodeURIComponent(township.value);
      });
    }
  });
})();
