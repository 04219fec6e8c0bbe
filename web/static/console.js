// Dossier web console: progressive enhancement only. Every page works
// without this file; it adds keyboard shortcuts and submits a form when one
// of its options changes.
"use strict";
(function () {
  document.documentElement.classList.add("js");

  // "/" focuses the search box (unless typing in a field already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var box = document.getElementById("q") || document.getElementById("quick-q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // Options marked data-autosubmit apply at once; the submit button stays
  // for keyboard users and browsers without script.
  document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () {
      if (field.form) field.form.submit();
    });
  });

  // Marks the page as enhanced (the browser test checks the script ran
  // under the Content-Security-Policy).
  document.documentElement.setAttribute("data-console", "ready");
})();
