// Findings form: offer only the legal bases that apply to the chosen kind of finding
// (each option's data-kinds lists them; "other" may rest on any basis).
(function () {
  "use strict";
  var kind = document.getElementById("kind");
  var basis = document.getElementById("basis_key");
  if (!kind || !basis) { return; }
  function filter() {
    var chosen = kind.value;
    Array.prototype.forEach.call(basis.options, function (option) {
      var kinds = (option.getAttribute("data-kinds") || "").split(" ");
      var fits = !option.value || !chosen || chosen === "other" || kinds.indexOf(chosen) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) { basis.value = ""; }
    });
  }
  kind.addEventListener("change", filter);
  filter();
})();
