// Sort a table by a column when its header is clicked (or Enter is pressed on it).
// Cells read as numbers when they start with one: $1.23M, 45.6k, 23.4%, +2.1 pts, 1,050; a
// bound (">99%", "<1%", a P(best) that is no certainty) sorts half a unit past its figure.
(function () {
  "use strict";
  var SCALE = { k: 1e3, K: 1e3, M: 1e6, B: 1e9 };
  function value(cell) {
    var text = cell.textContent.trim();
    var bound = /^[<>]/.exec(text);
    if (bound) { text = text.slice(1); }
    var match = /^([+\-\u2212]?)\$?([0-9][0-9,]*\.?[0-9]*)\s*([kKMB]?)/.exec(text);
    if (!match) { return { number: NaN, text: cell.textContent.trim().toLowerCase() }; }
    var number = parseFloat(match[2].replace(/,/g, "")) * (SCALE[match[3]] || 1);
    if (match[1] === "-" || match[1] === "\u2212") { number = -number; }
    if (bound) { number += bound[0] === ">" ? 0.5 : -0.5; }
    return { number: number, text: text.toLowerCase() };
  }
  function compare(a, b) {
    if (!isNaN(a.number) && !isNaN(b.number)) { return a.number - b.number; }
    if (!isNaN(a.number)) { return -1; }
    if (!isNaN(b.number)) { return 1; }
    return a.text < b.text ? -1 : (a.text > b.text ? 1 : 0);
  }
  function sortBy(table, column, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      return { row: row, index: index, key: value(row.cells[column] || row.cells[0]) };
    });
    rows.sort(function (a, b) {
      var order = compare(a.key, b.key);
      return (ascending ? order : -order) || a.index - b.index;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      header.addEventListener("click", function () { sortBy(table, column, header); });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { sortBy(table, column, header); }
      });
    });
  });
})();
