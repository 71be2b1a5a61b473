// Marks that scripts run, so the no-script fallbacks in app.css step aside for USWDS's own.
document.documentElement.classList.remove("no-js");
