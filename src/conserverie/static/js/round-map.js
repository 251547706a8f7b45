/* The map of a collection round: the depot, the farms numbered in visiting order, and the line
   depot → farms → depot. Data come from a json_script tag; no inline script. With no tile server
   configured (or offline) the numbered stops and the line still show on a plain background, and the
   table below the map has everything anyway. */
(function () {
  "use strict";
  var holder = document.getElementById("round-map");
  var source = document.getElementById("round-map-data");
  if (!holder || !source || typeof L === "undefined") {
    if (holder) holder.hidden = true;
    return;
  }
  var data = JSON.parse(source.textContent);
  var stops = data.stops || [];
  var depot = data.depot;
  if (!depot || !stops.length) {
    holder.hidden = true;
    return;
  }
  var map = L.map(holder, { scrollWheelZoom: false });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap" }).addTo(map);
  } else {
    holder.classList.add("round-map-blank");
  }

  function numbered(label, extra) {
    var badge = document.createElement("span");
    badge.className = "round-number" + (extra ? " " + extra : "");
    badge.textContent = label;
    return L.divIcon({ html: badge.outerHTML, className: "round-marker", iconSize: [30, 30], iconAnchor: [15, 15] });
  }

  function popup(lines) {
    var box = document.createElement("div");
    lines.forEach(function (line, index) {
      if (!line) return;
      if (index) box.appendChild(document.createElement("br"));
      var text = document.createTextNode(line);
      if (index === 0) {
        var strong = document.createElement("strong");
        strong.appendChild(text);
        box.appendChild(strong);
      } else {
        box.appendChild(text);
      }
    });
    return box;
  }

  var home = [depot.lat, depot.lon];
  var line = [home];
  L.marker(home, { icon: numbered("D", "round-depot"), title: depot.name, alt: depot.name })
    .bindPopup(popup([depot.name]))
    .addTo(map);
  stops.forEach(function (stop) {
    var at = [stop.lat, stop.lon];
    line.push(at);
    L.marker(at, { icon: numbered(String(stop.n)), title: stop.n + ". " + stop.name, alt: stop.n + ". " + stop.name })
      .bindPopup(popup([stop.n + ". " + stop.name, stop.place, stop.arrival]))
      .addTo(map);
  });
  line.push(home);
  var path = L.polyline(line, { color: "#198754", weight: 4, opacity: 0.8 }).addTo(map);
  map.fitBounds(path.getBounds(), { padding: [28, 28] });
  holder.dataset.ready = "true";
  holder.dataset.stops = String(stops.length);
})();
