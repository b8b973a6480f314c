/* Hide or show every editor's note; the choice is kept (localStorage works from file:// too). */
(function () {
  "use strict";
  var KEY = "stenogram-notes-hidden";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function apply(hidden) {
    root.classList.toggle("notes-hidden", hidden);
    var button = document.getElementById("notes-toggle");
    if (button) {
      button.setAttribute("aria-pressed", hidden ? "true" : "false");
      button.textContent = hidden ? "Show notes" : "Hide notes";
    }
  }
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("notes-toggle");
    if (!button) { return; }
    button.hidden = false;
    apply(stored());
    button.addEventListener("click", function () {
      var hidden = !root.classList.contains("notes-hidden");
      try { window.localStorage.setItem(KEY, hidden ? "1" : "0"); } catch (e) { /* private mode */ }
      apply(hidden);
    });
  });
}());
