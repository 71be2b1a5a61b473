// Marks that scripts run, so the no-script fallbacks in app.css step aside for USWDS's own.
document.documentElement.classList.remove("no-js");

// A form shown again with errors: move focus to the summary so it is read out first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});

// The request page's conversation scrolls on its own: open it at the newest entry.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-scroll-to-end]").forEach(function (region) {
    region.scrollTop = region.scrollHeight;
  });
});

// A link or redirect to a part of the page inside a closed accordion panel opens that panel.
window.addEventListener("load", function () {
  var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  var panel = target && target.closest(".usa-accordion__content");
  var button = panel && document.querySelector('.usa-accordion__button[aria-controls="' + panel.id + '"]');
  if (button && button.getAttribute("aria-expanded") !== "true") {
    button.click();
    target.scrollIntoView();
  }
});
