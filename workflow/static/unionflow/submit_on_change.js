// A <select data-submit-on-change> submits its form when changed (the language switch).
// A file, not an inline onchange handler: the Content-Security-Policy allows no inline script.
// Turbo may run this again on every page visit; listen once.
if (!window.unionflowSubmitOnChange) {
  window.unionflowSubmitOnChange = true;
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-submit-on-change]") && target.form) {
      target.form.submit();
    }
  });
}
