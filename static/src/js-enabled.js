// Runs first thing in <body> (templates/base.html), before the page is drawn: GOV.UK Frontend's
// styles for "JavaScript is on" and "this browser runs GOV.UK Frontend" (ES modules). A file, not
// an inline script, because the Content-Security-Policy allows scripts from this origin only.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
