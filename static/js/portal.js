// Every page: the menu button that folds the navigation away at phone width. Plain JavaScript (CSP: no
// inline code); without it the menu stays open, as before.
(function () {
  "use strict";
  function start() {
    var button = document.getElementById("menu-button");
    var bar = document.getElementById("topbar");
    if (!button || !bar) { return; }
    button.hidden = false;
    bar.classList.add("menu-folds");
    button.addEventListener("click", function () {
      var open = bar.classList.toggle("menu-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && bar.classList.contains("menu-open")) {
        bar.classList.remove("menu-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
