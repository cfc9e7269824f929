/* bzf briefing: sortable tables and a district filter. The page reads fully without this script. */
(function () {
  "use strict";
  function value(cell) {
    var raw = cell ? cell.getAttribute("data-v") : "";
    if (raw === null || raw === "") return { empty: true, n: 0, s: "" };
    var n = Number(raw);
    return { empty: false, n: n, s: raw, num: raw.trim() !== "" && !isNaN(n) };
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var descending = th.getAttribute("aria-sort") !== "descending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a.cells[index]), y = value(b.cells[index]);
      if (x.empty !== y.empty) return x.empty ? 1 : -1;
      var order = x.num && y.num ? x.n - y.n : x.s.localeCompare(y.s, "zh-CN");
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.title = "按" + th.textContent + "排序";
      // print shows the plain label: Chromium drops a button's text from repeated table headers
      var label = document.createElement("span");
      label.className = "print-label";
      label.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.appendChild(label);
      button.addEventListener("click", function () { sortBy(table, index, th); });
    });
  });

  var names = [];
  Array.prototype.forEach.call(document.querySelectorAll("details.district"), function (d) {
    names.push(d.getAttribute("data-district"));
  });
  var nav = document.querySelector("nav.toc");
  if (nav && names.length > 1) {
    var label = document.createElement("label");
    label.className = "filter";
    label.textContent = "只看区县：";
    var select = document.createElement("select");
    var all = document.createElement("option");
    all.value = "";
    all.textContent = "全部区县";
    select.appendChild(all);
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      select.appendChild(option);
    });
    label.appendChild(select);
    nav.parentNode.insertBefore(label, nav.nextSibling);
    select.addEventListener("change", function () {
      var chosen = select.value;
      Array.prototype.forEach.call(document.querySelectorAll("[data-district]"), function (el) {
        el.hidden = chosen !== "" && el.getAttribute("data-district") !== chosen;
        if (chosen !== "" && !el.hidden && el.tagName === "DETAILS") el.open = true;
      });
    });
  }
  // print every district, opened or not (CSS opens them too where the browser allows)
  var closed = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
      if (!d.open) { closed.push(d); d.open = true; }
    });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
