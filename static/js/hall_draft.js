// Online hall draft: saves what the resident types as they type, keeps it in this tab while the save cannot
// reach the server (signed out, offline) and puts it back after signing in, and says when a text is too
// long instead of letting the browser cut it. Plain JavaScript, no inline code (CSP).
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var key = form.dataset.draftKey;
  var timer = null;

  function text(name, values) {
    var template = form.dataset[name] || "";
    Object.keys(values || {}).forEach(function (k) { template = template.split("%(" + k + ")s").join(values[k]); });
    return template;
  }
  function say(message, isError) {
    if (!status) { return; }
    status.textContent = message;
    status.classList.toggle("errors", !!isError);
  }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && el.type !== "button" && el.name !== "csrfmiddlewaretoken";
    });
  }
  function values() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } } else { data[el.name] = el.value; }
    });
    return data;
  }
  function stash() { try { sessionStorage.setItem(key, JSON.stringify(values())); } catch (e) { /* private mode */ } }
  function unstash() { try { sessionStorage.removeItem(key); } catch (e) { /* private mode */ } }
  function stashed() { try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { return null; } }

  function counter(el) {
    var limit = parseInt(el.dataset.maxlength, 10);
    var out = form.querySelector('[data-counter-for="' + el.id + '"]');
    if (!limit || !out) { return true; }
    var length = el.value.length;
    if (length > limit) {
      out.textContent = text("tooLong", { length: length, limit: limit, over: length - limit });
      out.classList.add("errors");
      return false;
    }
    out.classList.remove("errors");
    out.textContent = length > limit * 0.8 ? text("lengthLeft", { length: length, limit: limit }) : "";
    return true;
  }
  function allFit() {
    var fit = true;
    fields().forEach(function (el) { if (el.dataset.maxlength && !counter(el)) { fit = false; } });
    return fit;
  }

  function save() {
    timer = null;
    var body = new FormData();
    var data = values();
    Object.keys(data).forEach(function (name) { body.append(name, data[name]); });
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    say(text("savingText"));
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        say(text("signedOutText"), true);
        return null;
      }
      document.dispatchEvent(new CustomEvent("portal:activity"));  // the server saw us: restart the idle timer
      return response.json().then(function (result) {
        if (result.saved) {
          unstash();
          say(text("savedText", { time: result.at }));
        } else {
          var names = Object.keys(result.errors || {}).map(function (name) {
            var label = form.querySelector('label[for="id_' + name + '"]');
            return (label ? label.textContent.replace(/[:：]\s*$/, "") : name) + ": " + result.errors[name].join(" ");
          });
          say((result.message || "") + " " + names.join("; "), true);
        }
      });
    }).catch(function () { say(text("offlineText"), true); });
  }
  function later() {
    stash();
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 1500);
  }

  form.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.maxlength) { counter(event.target); }
    if (event.target.type !== "file") { later(); }
  });
  form.addEventListener("change", function (event) { if (event.target.type === "radio" || event.target.tagName === "SELECT") { later(); } });
  // A text that does not fit is said before the page is sent, not cut.
  form.addEventListener("submit", function (event) {
    stash();
    if (!allFit()) { event.preventDefault(); say(text("fixLengthText"), true); }
  });

  // Text typed before a sign-out that never reached the server comes back after signing in.
  var previous = stashed();
  if (previous) {
    var now = values();
    var differs = Object.keys(previous).some(function (name) { return previous[name] !== now[name]; });
    if (differs) {
      fields().forEach(function (el) {
        if (!(el.name in previous)) { return; }
        if (el.type === "radio") { el.checked = el.value === previous[el.name]; } else { el.value = previous[el.name]; }
      });
      say(text("restoredText"));
      save();
    } else {
      unstash();
    }
  }
  allFit();
})();
