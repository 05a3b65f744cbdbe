// GOV.UK Frontend styles some components differently when JavaScript runs; a file rather
// than an inline script, so the Content-Security-Policy can forbid inline scripts.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
