// The lot form (production/forms.py):
// - asks the readings of the chosen recipe's HACCP critical control points: the pH when the acidity is critical,
//   the core curves when the sterilisation is;
// - offers only the raw lots usable on the production date: changing the date reopens the form for that day,
//   keeping the recipe (nothing else is typed above the date).
// Without JavaScript every reading stays visible and the raw lots are those of the day the page was opened for.
(function () {
  "use strict";
  var data = document.getElementById("readings-needed");
  var select = document.getElementById("id_recipe");
  var day = document.getElementById("id_produced_on");
  if (!data || !select) return;
  var needs = JSON.parse(data.textContent);
  function show() {
    var need = needs[select.value];
    document.querySelectorAll("[data-reading]").forEach(function (el) {
      el.hidden = need ? !need[el.dataset.reading] : false;
    });
  }
  select.addEventListener("change", show);
  show();
  if (day) {
    var opened = day.value;
    day.addEventListener("change", function () {
      if (!day.value || day.value === opened) return;
      var params = new URLSearchParams({ produced_on: day.value });
      if (select.value) params.set("recipe", select.value);
      window.location.search = params.toString();
    });
  }
})();
