// Binding registration form: show what applies to the membership and billing choices.
// Progressive enhancement only: without JavaScript every field is visible and the server checks it.
(function () {
  "use strict";
  function init() {
    var form = document.querySelector("form.binding-form");
    if (!form) { return; }
    var member = form.querySelector("input[name=is_member]");
    var fee = form.querySelector("[data-binding-fee]");
    var membersOnly = form.querySelectorAll("input[data-members-only]");
    function syncMembership() {
      var isMember = member && member.checked;
      if (fee) { fee.textContent = isMember ? fee.dataset.member : fee.dataset.nonMember; }
      membersOnly.forEach(function (input) {
        var row = input.closest(".form-check") || input.parentElement;
        if (!isMember) { input.checked = false; }
        row.hidden = !isMember;
      });
    }
    var recipients = form.querySelectorAll("input[name=billing_recipient]");
    var employerFields = form.querySelectorAll(".binding-employer-fields");
    function syncBilling() {
      var checked = form.querySelector("input[name=billing_recipient]:checked");
      var toPerson = checked && checked.value === "person";
      employerFields.forEach(function (block) { block.hidden = toPerson; });
    }
    if (member) { member.addEventListener("change", syncMembership); }
    recipients.forEach(function (radio) { radio.addEventListener("change", syncBilling); });
    syncMembership();
    syncBilling();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
