/* "Cite this": the paragraph permalink opens a small box with a plain-text citation.
 *
 * One box is shared by the whole page and moved under the paragraph whose ¶
 * was followed, because long transcripts have thousands of paragraphs and
 * per-paragraph markup would weigh on every page. The citation is made here
 * from data the page already holds: the meeting's data-cite-* attributes,
 * the speaker line of the turn, and the paragraph's id. Without JavaScript
 * the ¶ is still an ordinary link to the paragraph.
 */
(function () {
  "use strict";

  var meeting = document.querySelector("article.meeting[data-cite-title]");
  if (!meeting) { return; }
  var box = null, text = null, done = null, opener = null, current = { citation: "", url: "" };

  function paragraphUrl(id) {
    var base = meeting.getAttribute("data-cite-url");
    return (base || location.href.split("#")[0]) + "#" + id;
  }

  function speakerOf(paragraph) {
    var turn = paragraph.closest(".turn");
    var line = turn && turn.querySelector(".speaker");
    if (!line) { return ""; }
    var copy = line.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".role, .label-note, .permalink"), function (e) { e.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  /* Speaker, “Meeting title”, place, date, paragraph N. URL. Source: URL. */
  function citation(paragraph) {
    var number = paragraph.id.slice(1);
    var parts = [], speaker = speakerOf(paragraph);
    if (speaker) { parts.push(speaker); }
    parts.push("\u201c" + meeting.getAttribute("data-cite-title") + "\u201d");
    ["data-cite-place", "data-cite-date"].forEach(function (name) {
      var value = meeting.getAttribute(name);
      if (value) { parts.push(value); }
    });
    parts.push("paragraph " + number);
    var out = parts.join(", ") + ". " + paragraphUrl(paragraph.id);
    var source = meeting.getAttribute("data-cite-source");
    if (source) { out += " Source: " + source + "."; }
    return out;
  }

  function make() {
    box = document.createElement("div");
    box.className = "cite-box";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Cite this paragraph");
    var heading = document.createElement("p");
    heading.className = "cite-heading";
    heading.textContent = "Cite this paragraph";
    text = document.createElement("textarea");
    text.className = "cite-text";
    text.readOnly = true;
    text.rows = 4;
    text.setAttribute("aria-label", "Citation");
    var actions = document.createElement("p");
    actions.className = "cite-actions";
    [["Copy citation", "citation"], ["Copy link", "url"], ["Close", ""]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = pair[0];
      button.setAttribute("data-cite-action", pair[1] || "close");
      actions.appendChild(button);
      actions.appendChild(document.createTextNode(" "));
    });
    done = document.createElement("span");
    done.className = "cite-done";
    done.setAttribute("role", "status");
    actions.appendChild(done);
    box.appendChild(heading);
    box.appendChild(text);
    box.appendChild(actions);
    box.addEventListener("click", function (event) {
      var action = event.target.getAttribute && event.target.getAttribute("data-cite-action");
      if (action === "close") { close(); }
      else if (action) { copy(current[action]); }
    });
    box.addEventListener("keydown", function (event) { if (event.key === "Escape") { close(); } });
  }

  function open(paragraph, link) {
    if (!box) { make(); }
    opener = link;
    current = { citation: citation(paragraph), url: paragraphUrl(paragraph.id) };
    text.value = current.citation;
    done.textContent = "";
    paragraph.insertAdjacentElement("afterend", box);
    box.hidden = false;
    text.style.height = "auto";  // as tall as the citation: four rows cut it off on a phone
    text.style.height = text.scrollHeight + 2 + "px";
    box.querySelector("button").focus();
  }

  function close() {
    if (!box || box.hidden) { return; }
    box.hidden = true;
    if (opener) { opener.focus(); }
  }

  /* The clipboard API where the browser allows it, else the old copy command, else a selected text to copy by hand. */
  function copy(value) {
    function copied() { done.textContent = "Copied."; }
    function byHand() {
      text.value = value;
      text.focus();
      text.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
      done.textContent = ok ? "Copied." : "Press Ctrl+C (\u2318C) to copy.";
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(value).then(copied, byHand);
    } else {
      byHand();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.permalink");
    if (!link || !meeting.contains(link)) { return; }
    var paragraph = link.closest(".para[id]");  // a turn's permalink stays a plain link
    if (paragraph) { open(paragraph, link); }
  });
})();
