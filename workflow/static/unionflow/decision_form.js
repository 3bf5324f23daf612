// The case page's decision form: only the chosen outcome's fields are shown and sent;
// a destructive outcome turns the button red. (A file, not inline: the CSP allows scripts from this site only.)
(function () {
  var form = document.getElementById("uf-decision");
  if (!form) return;
  function update() {
    var chosen = form.querySelector("input[name=outcome]:checked");
    form.querySelectorAll(".uf-outcome-fields").forEach(function (set) {
      var on = chosen && set.dataset.outcome === chosen.value;
      set.hidden = !on; set.disabled = !on;
    });
    document.getElementById("uf-decide").classList.toggle("uf-destructive", !!chosen && chosen.dataset.destructive === "1");
  }
  form.addEventListener("change", update); update();
})();
