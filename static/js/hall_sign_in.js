// Residents' SMS sign-in: count down until another code may be sent. Plain JavaScript (CSP: no inline code).
(function () {
  "use strict";
  function start() {
    var button = document.getElementById("resend-code");
    if (!button) { return; }
    var left = parseInt(button.dataset.resendIn || "0", 10);
    var wait = document.getElementById("resend-wait");
    var shown = wait ? wait.querySelector("[data-countdown]") : null;
    if (!(left > 0)) { return; }
    // without this script the button stays enabled and the server answers with the time left
    button.disabled = true;
    var timer = window.setInterval(function () {
      left -= 1;
      if (shown) { shown.textContent = String(left); }
      if (left <= 0) {
        window.clearInterval(timer);
        button.disabled = false;
        if (wait) { wait.hidden = true; }
      }
    }, 1000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
