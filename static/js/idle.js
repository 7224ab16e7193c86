// Idle logout warning: the server ends a session after data-idle-timeout idle seconds (township/middleware.py);
// this warns shortly before, offers to stay signed in, and when the time is up says so with a sign-in link
// that comes back to this page. Any request to the server (a page, htmx, a draft's autosave) restarts it.
(function () {
  "use strict";
  var watch = document.querySelector("[data-idle-timeout]");
  if (!watch || !window.fetch) { return; }
  var timeout = parseInt(watch.dataset.idleTimeout, 10) * 1000;
  if (!timeout) { return; }
  var lead = Math.min(120000, timeout / 3);
  var box = document.getElementById("idle-warning");
  var message = document.getElementById("idle-message");
  var stay = document.getElementById("idle-stay");
  var signIn = document.getElementById("idle-sign-in");
  var warnTimer = null, endTimer = null, tick = null, deadline = 0;

  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }
  function clear() { clearTimeout(warnTimer); clearTimeout(endTimer); clearInterval(tick); }
  function arm() {
    clear();
    deadline = Date.now() + timeout;
    box.hidden = true;
    warnTimer = setTimeout(warn, timeout - lead);
    endTimer = setTimeout(check, timeout + 1000);
  }
  function warn() {
    box.hidden = false;
    stay.hidden = false;
    signIn.hidden = true;
    var show = function () { message.textContent = watch.dataset.warnText.split("%(time)s").join(clock(deadline - Date.now())); };
    show();
    tick = setInterval(show, 1000);
    stay.focus();
  }
  function ping() {
    return fetch(watch.dataset.keepaliveUrl || window.location.href, {
      method: "GET", credentials: "same-origin", redirect: "manual", cache: "no-store"
    }).then(function (r) { return r.type !== "opaqueredirect" && r.status < 400; }, function () { return false; });
  }
  function check() {
    // Another tab may have kept the session alive; only say "signed out" when the server agrees.
    ping().then(function (alive) { if (alive) { arm(); } else { ended(); } });
  }
  function ended() {
    clear();
    box.hidden = false;
    stay.hidden = true;
    signIn.hidden = false;
    signIn.href = watch.dataset.signInUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    message.textContent = watch.dataset.endedText;
    document.dispatchEvent(new CustomEvent("portal:signed-out"));
  }
  stay.addEventListener("click", function () {
    ping().then(function (alive) { if (alive) { arm(); } else { ended(); } });
  });
  document.addEventListener("htmx:afterRequest", arm);
  document.addEventListener("portal:activity", arm);
  arm();
})();
