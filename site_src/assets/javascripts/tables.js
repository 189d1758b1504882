/* Sortable tables: click a header of a .kx-sortable table to sort by that column.
 * Phone cards: a table of CARDS_FROM_COLUMNS or more columns becomes a stack of cards on a phone
 * (kexie.css, table[data-cards]), each cell showing its column's heading (data-label). List pages
 * have both from the build (generator/site/tables.py); record pages get them here, from the header
 * row, before the theme wraps the tables. Without JavaScript such a table scrolls sideways. */
(function () {
  "use strict";
  var CARDS_FROM_COLUMNS = 4; // generator/site/tables.py: the same number
  function labelCards(table) {
    if (table.hasAttribute("data-cards") || !table.tHead || !table.tHead.rows.length) return;
    var labels = [];
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      for (var k = 0; k < (cell.colSpan || 1); k++) labels.push(cell.textContent.replace(/\s+/g, " ").trim());
    });
    if (labels.length < CARDS_FROM_COLUMNS) return;
    Array.prototype.forEach.call(table.rows, function (row) {
      if (row.parentNode === table.tHead) return;
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (column < labels.length && labels[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", labels[column]);
        column += cell.colSpan || 1;
      });
    });
    table.setAttribute("data-cards", "");
  }
  function cellValue(row, index) {
    var cell = row.cells[index];
    var text = cell ? cell.textContent.trim() : "";
    var number = text.replace(/,/g, "");
    return /^-?\d+(\.\d+)?$/.test(number) ? parseFloat(number) : text;
  }
  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), "zh-Hans-CN");
  }
  function attach(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("role", "columnheader");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var result = compare(cellValue(x, index), cellValue(y, index));
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(); });
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".kx-record table"), labelCards);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sort]"), attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
