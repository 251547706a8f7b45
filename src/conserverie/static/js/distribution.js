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
// The form shows only the chosen kind's fields (without this script, all are shown). A hidden field is also
// disabled, so that a value typed before changing the kind is not sent with the other kind.
(function () {
  var blocks = document.querySelectorAll("[data-kinds]");
  if (!blocks.length) return;
  function show() {
    var checked = document.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : "";
    blocks.forEach(function (block) {
      var hidden = kind !== "" && block.dataset.kinds.split(" ").indexOf(kind) < 0;
      block.hidden = hidden;
      block.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = hidden;
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") show();
  });
  show();
})();
// Participants: suggestions from the server as the person types (first name or number, this territory only).
(function () {
  var list = document.getElementById("participant-options");
  var input = document.querySelector("input[list=participant-options]");
  if (!list || !input || !window.fetch) return;
  var timer = null;
  var asked = "";
  function suggest() {
    var q = input.value.trim();
    if (q.length < 2 && !/^\d+$/.test(q)) return;
    if (q === asked || q.indexOf("#") >= 0) return; // a picked suggestion already carries its number
    asked = q;
    fetch(list.dataset.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (q !== asked) return; // an older answer arriving late
        list.replaceChildren.apply(list, data.results.map(function (row) {
          var option = document.createElement("option");
          option.value = row.value;
          return option;
        }));
      })
      .catch(function () { asked = ""; });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
})();
// Beside each lot: the full jars of that lot and format at the chosen location (from the ledger), and how many of
// them a purchasing-group round holds (not free for this gift or sale).
(function () {
  var source = document.getElementById("stock-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  function value(id) {
    var field = document.getElementById(id);
    return field ? field.value : "";
  }
  function showRow(line) {
    var lot = value("id_lines-" + line.dataset.stockFor + "-lot");
    var fmt = value("id_lines-" + line.dataset.stockFor + "-jar_format");
    var place = value("id_location");
    if (!lot || !fmt || !place) {
      line.textContent = "";
      return;
    }
    var key = place + "|" + lot + "|" + fmt;
    var jars = data.stock[key] || 0;
    var aside = (data.aside || {})[key] || 0;
    line.textContent = aside
      ? data.label_aside
          .replace("%(n)s", jars)
          .replace("%(r)s", aside)
          .replace("%(f)s", Math.max(jars - aside, 0))
      : data.label.replace("%(n)s", jars);
  }
  function showAll() {
    document.querySelectorAll("[data-stock-for]").forEach(showRow);
  }
  document.addEventListener("change", function (event) {
    if (/^lines-\d+-(lot|jar_format)$/.test(event.target.name || "") || event.target.name === "location") showAll();
  });
  showAll();
})();
