// 报告核查: choosing a finding (its header, or a rule code in a cell) marks all of its cells in the tables.
// Without this script the links still jump between a cell and its findings (:target styles them).
(function () {
  "use strict";

  function clear() {
    document.querySelectorAll(".audit .picked").forEach(function (el) { el.classList.remove("picked"); });
  }

  function pick(item, scroll) {
    clear();
    if (!item) { return; }
    item.classList.add("picked");
    var first = null;
    item.querySelectorAll('table.refs a[href^="#"]').forEach(function (a) {
      var cell = document.getElementById(a.getAttribute("href").slice(1));
      if (cell) {
        cell.classList.add("picked");
        first = first || cell;
      }
    });
    if (scroll && first) { first.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
  }

  function fromHash() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var el = id ? document.getElementById(id) : null;
    if (el && el.classList.contains("finding")) { pick(el, false); }
  }

  document.addEventListener("click", function (event) {
    var head = event.target.closest && event.target.closest(".audit .fhead");
    if (head) {
      var item = head.closest(".finding");
      if (item && item.id) { history.replaceState(null, "", "#" + item.id); }
      pick(item, true);
    }
  });
  window.addEventListener("hashchange", fromHash);
  document.addEventListener("DOMContentLoaded", fromHash);
})();
