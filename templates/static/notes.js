/* Hide or show every editor's note; the choice is kept (localStorage works from file:// too).

On wide screens the notes stand in the margin beside their paragraphs. Placed by the
stylesheet alone, a note taller than its paragraph pushed the next paragraph down and left
a gap in the text; here the notes stop sizing their rows (class notes-placed) and each group
is moved down, if need be, just below the one before, so that none covers another. */
(function () {
  "use strict";
  var KEY = "stenogram-notes-hidden";
  var GAP = 12;  // px between one note and the next it was moved below
  var root = document.documentElement;
  var wide = window.matchMedia("screen and (min-width: 64rem)");  // the stylesheet's margin layout
  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function place() {
    var groups = document.querySelectorAll(".para-row.has-notes > .sidenotes");
    var placing = wide.matches && !root.classList.contains("notes-hidden");
    root.classList.toggle("notes-placed", placing);
    var bottom = -Infinity;
    for (var i = 0; i < groups.length; i++) {
      var group = groups[i];
      group.style.top = "";
      var notes = group.children;
      if (!placing || notes.length === 0) { continue; }
      var top = group.getBoundingClientRect().top;
      if (top < bottom + GAP) { group.style.top = (bottom + GAP - top) + "px"; }
      bottom = notes[notes.length - 1].getBoundingClientRect().bottom;
    }
  }
  var pending = false;
  function placeSoon() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; place(); });
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
    if (button) {
      button.hidden = false;
      apply(stored());
      button.addEventListener("click", function () {
        var hidden = !root.classList.contains("notes-hidden");
        try { window.localStorage.setItem(KEY, hidden ? "1" : "0"); } catch (e) { /* private mode */ }
        apply(hidden);
        place();
      });
    }
    place();
    // Again whenever the transcript changes size: a resize, fonts loading, the citation box opened.
    var transcript = document.querySelector(".transcript");
    if (transcript && window.ResizeObserver) {
      new window.ResizeObserver(placeSoon).observe(transcript);
    } else {
      window.addEventListener("resize", placeSoon);
      window.addEventListener("load", place);
    }
  });
}());
