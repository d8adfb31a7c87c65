// Export page: the columns of the office's list come in the order they are ticked.
// The ticked keys are kept, in order, in the hidden field "column_order"; each ticked box shows
// its place ("1.", "2.", …). Without JavaScript the columns come in the order of the page.
(function () {
  "use strict";
  function init() {
    var box = document.querySelector(".exports-columns");
    var order = document.querySelector("input[name=column_order]");
    if (!box || !order) { return; }
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox][name=columns]"));
    var picked = order.value ? order.value.split(",") : [];
    // Boxes ticked on the page but missing in the stored order (a saved layout, a reload) follow it.
    inputs.forEach(function (input) {
      if (input.checked && picked.indexOf(input.value) === -1) { picked.push(input.value); }
    });
    picked = picked.filter(function (key) {
      return inputs.some(function (input) { return input.value === key && input.checked; });
    });
    function badge(input) {
      var label = input.closest("label") || input.parentElement;
      var mark = label.querySelector(".exports-order");
      if (!mark) {
        mark = document.createElement("span");
        mark.className = "exports-order";
        label.appendChild(mark);
      }
      return mark;
    }
    function show() {
      order.value = picked.join(",");
      inputs.forEach(function (input) {
        var place = picked.indexOf(input.value);
        badge(input).textContent = place === -1 ? "" : " " + (place + 1) + ".";
      });
    }
    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        picked = picked.filter(function (key) { return key !== input.value; });
        if (input.checked) { picked.push(input.value); }
        show();
      });
    });
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
