/* Stenogram figures index: sort by a column, filter by kind, speaker and meeting.
   The table is complete without this script; nothing is fetched. Its rows stand in groups
   (money, percentages, counts and measures: one tbody each, opened by a heading row); a sort
   orders each group's rows, and a filter hides a group none of whose rows it keeps. */
(function () {
  "use strict";
  var table = document.querySelector("table.figures");
  var form = document.querySelector("form.figure-filters");
  if (!table || !form) { return; }
  var groups = Array.prototype.slice.call(table.tBodies);
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-kind]"));
  var count = form.querySelector(".figure-count");
  form.hidden = false;

  function cellKey(row, index, type) {
    var cell = row.cells[index];
    var raw = cell.getAttribute("data-value");
    if (type === "number") {
      return raw === "" || raw === null ? null : parseFloat(raw);
    }
    if (type === "date") { return raw || ""; }
    return cell.textContent.trim().toLowerCase();
  }

  function compare(a, b, descending) {
    if (a === b) { return 0; }
    if (a === null) { return 1; }            /* vague amounts last either way */
    if (b === null) { return -1; }
    var order = a < b ? -1 : 1;
    return descending ? -order : order;
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, index) {
    var type = th.getAttribute("data-sort");
    if (!type) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      /* ascending, then descending, then the page's own order again (newest meeting first) */
      var was = th.getAttribute("aria-sort");
      var descending = was === "ascending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      if (was === "descending") {
        rows.forEach(function (row) { row.parentNode.appendChild(row); });
        return;
      }
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      /* Amounts of money are sorted by currency first: 5 GBP is not less than 9 RUB. */
      var keyed = rows.map(function (row, position) {
        var unit = type === "number" ? row.cells[index].querySelector(".unit") : null;
        return { row: row, key: cellKey(row, index, type), position: position,
                 currency: unit && row.getAttribute("data-kind") === "money" ? unit.textContent : "" };
      });
      keyed.sort(function (a, b) {
        return (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0)
          || compare(a.key, b.key, descending) || a.position - b.position;
      });
      keyed.forEach(function (item) { item.row.parentNode.appendChild(item.row); });  /* within its group */
    });
  });

  function applyFilters() {
    var wanted = {
      kind: form.elements.kind.value,
      speaker: form.elements.speaker.value,
      meeting: form.elements.meeting.value
    };
    var shown = 0;
    rows.forEach(function (row) {
      var keep = ["kind", "speaker", "meeting"].every(function (name) {
        return !wanted[name] || row.getAttribute("data-" + name) === wanted[name];
      });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    groups.forEach(function (group) {   /* hidden when it keeps no row; else "87 of 162" */
      var all = group.querySelectorAll("tr[data-kind]").length;
      var kept = group.querySelectorAll("tr[data-kind]:not([hidden])").length;
      var head = group.querySelector(".group-count");
      group.hidden = kept === 0;
      if (head) { head.textContent = kept === all ? all.toLocaleString("en") : kept.toLocaleString("en") + " of " + all.toLocaleString("en"); }
    });
    /* The choices and their counts are this page's (a large archive's figures run to many pages). */
    count.textContent = shown === rows.length ? ""
      : shown === 0 ? "None of the " + rows.length + " figures on this page match."
      : shown + " of the " + rows.length + " figures on this page";
  }

  form.addEventListener("change", applyFilters);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
}());
