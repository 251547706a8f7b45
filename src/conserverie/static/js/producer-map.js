/* The map of the network's farms on /t/<territory>/producteurs/carte/. Data come from a json_script tag.
   With no tile server configured (or offline), the farms and the collection radius still show on a plain
   background; the numbered list below the map has every farm anyway. */
(function () {
  "use strict";
  var holder = document.getElementById("producer-map");
  var source = document.getElementById("producer-map-data");
  if (!holder || !source || typeof L === "undefined") {
    if (holder) holder.hidden = true;
    return;
  }
  var data = JSON.parse(source.textContent);
  var points = data.points || [];
  holder.style.height = "420px";
  var map = L.map(holder, { scrollWheelZoom: false });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap" }).addTo(map);
  } else {
    holder.classList.add("workshop-map-blank");
  }
  var hub = [data.hub.lat, data.hub.lon];
  L.circle(hub, { radius: data.radius_m, color: "#2e7d32", weight: 2, fillOpacity: 0.05 }).addTo(map);
  L.circleMarker(hub, { radius: 7, color: "#1b5e20", fillOpacity: 1 })
    .bindTooltip(data.hub.name)
    .addTo(map);
  var bounds = L.latLng(hub).toBounds(data.radius_m * 2); // circle.getBounds() needs a map view first
  points.forEach(function (point) {
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.name;
    popup.appendChild(title);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(point.place));
    popup.appendChild(document.createElement("br"));
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = data.link;
    popup.appendChild(link);
    L.marker([point.lat, point.lon], { title: point.name, alt: point.name }).bindPopup(popup).addTo(map);
    bounds.extend([point.lat, point.lon]);
  });
  map.fitBounds(bounds, { padding: [16, 16] });
  holder.dataset.ready = "true";
  holder.dataset.markers = String(points.length);
})();
