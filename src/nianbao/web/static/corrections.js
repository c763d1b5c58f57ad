// 报告核查 · 更正读取的数值: clicking a value cell of the official tables chooses it in the correction form
// (id="correct-cell") and puts the cursor in "更正为", whose placeholder shows the value as printed.
// Without this script the form's list still works.
(function () {
  "use strict";

  function hint(form, option) {
    var value = form.querySelector("input[name=value]");
    var printed = option && option.value ? option.getAttribute("data-printed") : null;
    value.placeholder = printed !== null ? "原印 " + printed + "；留空表示空白" : "数字；留空表示空白";
    return value;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest || target.closest("a")) { return; }  // a rule code's link still jumps to its finding
    var cell = target.closest(".audit table.official td[id^='r1-c-']");
    var form = document.getElementById("correct-cell");
    if (!cell || !form) { return; }
    var select = form.querySelector("select[name=field]");
    var key = cell.id.slice("r1-c-".length);
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === key; });
    if (!option) { return; }
    select.value = key;
    var value = hint(form, option);
    form.scrollIntoView({ block: "center", behavior: "smooth" });
    value.focus({ preventScroll: true });
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("#correct-cell select[name=field]")) { return; }
    hint(select.form, select.options[select.selectedIndex]);
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("correct-cell")) { return; }
    document.querySelectorAll(".audit").forEach(function (el) { el.classList.add("correctable"); });
  });
})();
