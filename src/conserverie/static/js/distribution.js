// Distribution pages: print a receipt; on the sale form, show the list price.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
// A sale: the list price of the lot's recipe in the chosen format fills an empty price (it stays editable).
(function () {
  var source = document.getElementById("price-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  function kind() {
    var checked = document.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }
  function social() {
    var box = document.querySelector("input[name=social_price]");
    return box ? box.checked : false;
  }
  function listPrice(row) {
    var lot = document.getElementById("id_lines-" + row + "-lot").value;
    var fmt = document.getElementById("id_lines-" + row + "-jar_format").value;
    var code = data.lots[lot];
    if (!lot || !fmt || code === undefined) return null;
    // The recipe's own entry, else the format's entry for every recipe (as the server decides).
    var key = data.prices[code + "|" + fmt] !== undefined ? code + "|" + fmt : "|" + fmt;
    if (data.prices[key] === undefined) return null;
    var tierBox = document.querySelector("select[name=price_tier]");
    var percent = tierBox && tierBox.value ? data.tiers[tierBox.value] : undefined;
    if (percent !== undefined) {
      // A structure's social tier: its share of the list price, to the cent (as the server computes it).
      return (Math.round(parseFloat(data.prices[key]) * parseFloat(percent)) / 100).toFixed(2);
    }
    return social() && data.social[key] !== undefined ? data.social[key] : data.prices[key];
  }
  function fill(row) {
    var input = document.getElementById("id_lines-" + row + "-unit_price_eur");
    if (!input || (input.value !== "" && input.dataset.fromList !== "1")) return;
    var price = kind() === "group_sale" ? listPrice(row) : null;
    input.value = price === null ? "" : price;
    input.dataset.fromList = price === null ? "" : "1";
  }
  function fillAll() {
    var total = parseInt(document.getElementById("id_lines-TOTAL_FORMS").value, 10);
    for (var row = 0; row < total; row++) fill(row);
  }
  document.addEventListener("change", function (event) {
    var match = /^lines-(\d+)-(lot|jar_format)$/.exec(event.target.name || "");
    if (match) fill(match[1]);
    if (["kind", "social_price", "price_tier"].indexOf(event.target.name) >= 0) fillAll();
  });
})();
