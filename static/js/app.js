// Marks that scripts run, so the no-script fallbacks in app.css step aside for USWDS's own.
document.documentElement.classList.remove("no-js");

// A form shown again with errors: move focus to the summary so it is read out first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
