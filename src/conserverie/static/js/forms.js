// Every page: tables that scroll sideways take the keyboard focus. The summary of a form's errors (core/templatetags/form_errors.py): focus on it when the page opens, so that a
// phone shows it and a screen reader reads it; each link puts the focus in its field, not just scrolls to it.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // A table wider than the screen scrolls sideways: reachable with the keyboard too (WCAG 2.1.1).
    document.querySelectorAll(".table-responsive").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
      }
    });
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    summary.focus();
    summary.scrollIntoView({block: "start"});
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-focus]");
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("data-focus"));
      if (!field) { return; }
      event.preventDefault();
      field.scrollIntoView({block: "center"});
      field.focus();
    });
  });
})();
