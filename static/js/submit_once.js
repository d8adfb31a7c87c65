// Forms marked "submit-once": a second click while the first submit is on its way does nothing.
// The server recognises a repeated submission by its hidden token anyway (domain/completions.py);
// this only spares the person a second request. Without JavaScript the form works as before.
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("form.submit-once").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitting === "1") {
          event.preventDefault();
          return;
        }
        form.dataset.submitting = "1";
        var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
        // Disabled after the browser has collected the form data, so the pressed button is still sent.
        window.setTimeout(function () {
          buttons.forEach(function (button) {
            button.disabled = true;
            button.setAttribute("aria-busy", "true");
          });
        }, 0);
      });
    });
  }
  // Coming back with the browser's back button shows the page from its cache: usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form.submit-once").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
