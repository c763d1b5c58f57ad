// The report page (年度报告编制): mark unsaved changes, and mark the cells and sections the live audit names.
// Loaded with defer; no inline script anywhere (CSP script-src 'self').
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var dirty = false;

  function setDirty(value) {
    dirty = value;
    var note = document.getElementById("unsaved");
    if (note) { note.hidden = !value; }
  }

  function applyMarks() {
    var body = document.getElementById("audit-body");
    if (!body) { return; }
    var marks;
    try { marks = JSON.parse(body.getAttribute("data-marks") || "{}"); } catch (e) { return; }
    var cells = marks.cells || {};
    var sections = marks.sections || {};
    document.querySelectorAll("td[data-key]").forEach(function (td) {
      td.classList.remove("sev-error", "sev-warning", "sev-info");
      var severity = cells[td.getAttribute("data-key")];
      if (severity) { td.classList.add("sev-" + severity); }
    });
    document.querySelectorAll(".section-messages").forEach(function (list) { list.remove(); });  // now in the panel
    document.querySelectorAll("section[data-section]").forEach(function (section) {
      section.classList.remove("sev-error", "sev-warning", "sev-info");
      var severity = sections[section.getAttribute("data-section")];
      if (severity) { section.classList.add("sev-" + severity); }
    });
  }

  if (form) {
    form.addEventListener("input", function () { setDirty(true); });
    form.addEventListener("submit", function () { setDirty(false); });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "audit") { applyMarks(); }
  });
})();
