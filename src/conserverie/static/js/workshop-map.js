/* The map of the workshop sites on /ateliers/. Data come from a json_script tag; no inline script.
   With no tile server configured (or offline), the markers still show on a plain background:
   the list below the map has everything anyway. */
(function () {
  "use strict";
  var holder = document.getElementById("workshop-map");
  var source = document.getElementById("workshop-map-data");
  if (!holder || !source || typeof L === "undefined") {
    if (holder) holder.hidden = true;
    return;
  }
  var data = JSON.parse(source.textContent);
  var points = data.points || [];
  if (!points.length) {
    holder.hidden = true;
    return;
  }
  var map = L.map(holder, { scrollWheelZoom: false });
  if (data.tiles) {
    L.tileLayer(data.tiles, {
      maxZoom: 18,
      attribution: "&copy; OpenStreetMap"
    }).addTo(map);
  } else {
    holder.classList.add("workshop-map-blank");
  }
  var bounds = [];
  points.forEach(function (point) {
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.name;
    popup.appendChild(title);
    [point.place, point.next].forEach(function (line) {
      if (!line) return;
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(line));
    });
    popup.appendChild(document.createElement("br"));
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = data.link || "Voir l'atelier";
    popup.appendChild(link);
    L.marker([point.lat, point.lon], { title: point.name, alt: point.name }).bindPopup(popup).addTo(map);
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length === 1) {
    map.setView(bounds[0], 14);
  } else {
    map.fitBounds(bounds, { padding: [24, 24] });
  }
  holder.dataset.ready = "true";
})();
