/* vbr region map: farm layer, area layers, legend, headline panel, search and popups.
 *
 * Every text that comes from the input (farm ids, names, carried-through columns) is put on the
 * page with textContent, never as HTML, so a farm id that holds markup shows as that text and
 * runs nothing. The data arrives as JSON literals written by vbr.maps; so do the words (one
 * object from the run's language catalogue, given to vbr.setTexts before any layer): this file
 * holds no text a person reads. Numbers are written from the exact values of the list with
 * Intl.NumberFormat in the run's locale, the same way vbr.locale.formats writes them in Python.
 * Part of vbr (MIT licence).
 */
(function () {
  "use strict";

  var vbr = { maps: [] };
  vbr.T = {};
  var fmt = null;

  var el = window.vbrDom.el; // vbr_dom.js, inlined before this file
  var fill = window.vbrDom.fill;

  function keyValueTable(pairs, className) {
    var table = el("table", className);
    var body = el("tbody");
    for (var k = 0; k < pairs.length; k++) {
      var row = el("tr");
      row.appendChild(el("th", null, pairs[k][0]));
      row.appendChild(el("td", null, pairs[k][1]));
      body.appendChild(row);
    }
    table.appendChild(body);
    return table;
  }

  /* The words and the locale of the run (one JSON object from vbr.locale). */
  vbr.setTexts = function (texts) {
    vbr.T = texts;
    var locale = texts.locale;
    var money = { style: "currency", currency: "EUR" };
    fmt = {
      n0: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
      n1: new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      n2: new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      eur0: new Intl.NumberFormat(
        locale,
        Object.assign({ minimumFractionDigits: 0, maximumFractionDigits: 0 }, money)
      ),
      eur2: new Intl.NumberFormat(
        locale,
        Object.assign({ minimumFractionDigits: 2, maximumFractionDigits: 2 }, money)
      ),
      time: new Intl.DateTimeFormat(locale, {
        timeZone: "Europe/Amsterdam",
        year: "numeric",
        month: "long",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }),
    };
  };

  /* A value of the list (text, exact) as people write it. `kind` says what it is; `opts` may
   * hold the priority threshold (a distance that would round onto it shows centimetres). */
  vbr.format = function (kind, raw, opts) {
    var T = vbr.T;
    if (raw === null || raw === undefined || raw === "") {
      return "";
    }
    if (kind === "text") {
      return String(raw);
    }
    if (kind === "selected") {
      if (raw === "true" || raw === "false") {
        return raw === "true" ? T["map.popup.selected"] : T["map.popup.not_selected"];
      }
      return String(raw);
    }
    if (kind === "list") {
      return String(raw).split(";").join(", ");
    }
    if (kind === "datetime") {
      var moment = new Date(raw);
      if (isNaN(moment.getTime())) {
        return String(raw);
      }
      var parts = {};
      fmt.time.formatToParts(moment).forEach(function (p) {
        parts[p.type] = p.value;
      });
      return parts.day + " " + parts.month + " " + parts.year + " " + parts.hour + ":" + parts.minute;
    }
    var x = Number(raw);
    if (!isFinite(x)) {
      return String(raw);
    }
    switch (kind) {
      case "count":
      case "rank":
        return fmt.n0.format(x);
      case "m": {
        var t = opts && opts.threshold !== undefined ? opts.threshold : null;
        var blurred = t !== null && x !== t && Math.round(x) === Math.round(t);
        return fill(T["units.m"], { value: (blurred ? fmt.n2 : fmt.n0).format(x) });
      }
      case "kg":
        return fill(T["units.kg_per_year"], { value: fmt.n1.format(x) });
      case "ratio":
        return fmt.n2.format(x);
      case "mol":
        return fill(T["units.mol_per_year"], { value: fmt.n1.format(x) });
      case "eur":
        return fmt.eur0.format(x);
      case "eur_per_kg":
        return fill(T["units.eur_per_kg"], { value: fmt.eur2.format(x) });
      case "eur_per_mol":
        return fill(T["units.eur_per_mol"], { value: fmt.eur2.format(x) });
      default:
        return String(raw);
    }
  };

  /* Polygons: Natura 2000 areas, the priority strip, the region outline. They take no pointer
   * events themselves: the farms' canvas lies on top of them and would swallow every event, so
   * the map finds what lies under the pointer itself (see areaHits). `d.kind` says what the
   * features are: "area" (Natura 2000, with nr, name, overloaded), "zone" or "region". */
  vbr.polygons = function (map, d) {
    var layer = L.geoJSON(d.geojson, {
      style: function () {
        return d.style;
      },
      interactive: false,
    });
    layer.vbrKind = d.kind;
    layer.vbrText = d.text;
    layer.vbrGeojson = d.geojson;
    return layer;
  };

  /* Point in polygon (even-odd rule over the rings of a GeoJSON polygon, in degrees). */
  function ringContains(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0];
      var yi = ring[i][1];
      var xj = ring[j][0];
      var yj = ring[j][1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  function polygonContains(rings, x, y) {
    if (!ringContains(rings[0], x, y)) {
      return false;
    }
    for (var k = 1; k < rings.length; k++) {
      if (ringContains(rings[k], x, y)) {
        return false;
      }
    }
    return true;
  }

  /* Every polygon of a feature with its bounding box, for quick hit tests. */
  function indexFeature(feature) {
    var g = feature.geometry;
    var polygons =
      g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    var parts = [];
    var all = [Infinity, Infinity, -Infinity, -Infinity];
    for (var p = 0; p < polygons.length; p++) {
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      var outer = polygons[p][0];
      for (var k = 0; k < outer.length; k++) {
        box[0] = Math.min(box[0], outer[k][0]);
        box[1] = Math.min(box[1], outer[k][1]);
        box[2] = Math.max(box[2], outer[k][0]);
        box[3] = Math.max(box[3], outer[k][1]);
      }
      parts.push({ box: box, rings: polygons[p] });
      all = [
        Math.min(all[0], box[0]),
        Math.min(all[1], box[1]),
        Math.max(all[2], box[2]),
        Math.max(all[3], box[3]),
      ];
    }
    return { feature: feature, parts: parts, box: all };
  }

  function featureContains(item, x, y) {
    if (x < item.box[0] || x > item.box[2] || y < item.box[1] || y > item.box[3]) {
      return false;
    }
    for (var p = 0; p < item.parts.length; p++) {
      var b = item.parts[p].box;
      var inBox = x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
      if (inBox && polygonContains(item.parts[p].rings, x, y)) {
        return true;
      }
    }
    return false;
  }

  /* The area layers of a map, indexed once: [{layer, kind, items}] in the order a tooltip lists
   * them (Natura 2000 areas, the strip, the region). */
  function areaIndex(overlays) {
    var order = ["overloaded", "other_areas", "zone", "outline"];
    var index = [];
    for (var k = 0; k < order.length; k++) {
      var layer = overlays[order[k]];
      if (!layer || !layer.vbrGeojson) {
        continue;
      }
      index.push({
        layer: layer,
        kind: layer.vbrKind,
        items: layer.vbrGeojson.features.map(indexFeature),
      });
    }
    return index;
  }

  /* What lies under a point, of the area layers that are on: [{kind, item, layer}]. The strip
   * is named only outside an overloaded area (inside one it says nothing more). */
  function areaHits(map, index, latlng) {
    var hits = [];
    var inOverloaded = false;
    for (var k = 0; k < index.length; k++) {
      var entry = index[k];
      if (!map.hasLayer(entry.layer)) {
        continue;
      }
      for (var f = 0; f < entry.items.length; f++) {
        if (featureContains(entry.items[f], latlng.lng, latlng.lat)) {
          if (entry.kind === "zone" && inOverloaded) {
            continue;
          }
          if (entry.kind === "area" && entry.items[f].feature.properties.overloaded) {
            inOverloaded = true;
          }
          hits.push({ kind: entry.kind, item: entry.items[f], layer: entry.layer });
          if (entry.kind === "zone") {
            break; // one strip is enough
          }
        }
      }
    }
    return hits;
  }

  /* The words for one area: its name, number and status. */
  function areaLines(p) {
    var T = vbr.T;
    return [
      p.name,
      fill(T["map.tip.area"], { nr: p.nr }) +
        " · " +
        (p.overloaded ? T["map.tip.area_overloaded"] : T["map.tip.area_not_overloaded"]),
    ];
  }

  /* A box naming everything under the pointer (areas, strip, region). */
  function hitsBox(hits) {
    var T = vbr.T;
    var box = el("div", "vbr-tip vbr-area-tip");
    for (var k = 0; k < hits.length; k++) {
      var h = hits[k];
      var part = el("div", "vbr-hit vbr-hit-" + h.kind);
      if (h.kind === "area") {
        var lines = areaLines(h.item.feature.properties);
        part.appendChild(el("strong", null, lines[0]));
        part.appendChild(el("div", null, lines[1]));
      } else if (h.kind === "zone") {
        part.appendChild(el("strong", null, T["map.tip.zone_name"]));
        part.appendChild(el("div", null, h.layer.vbrText));
      } else {
        var region = fill(T["map.tip.region"], { name: h.item.feature.properties.name });
        part.appendChild(el("div", "vbr-hit-region", region));
      }
      box.appendChild(part);
    }
    return box;
  }

  function hitsKey(hits) {
    return hits
      .map(function (h) {
        var p = h.item.feature.properties;
        return h.kind + ":" + (p.nr || p.name || "");
      })
      .join("|");
  }

  /* Hovering or clicking anywhere that is not a farm names the areas, the strip and the region
   * under the pointer, whatever layers are on. */
  function identifyAreas(map, farms, overlays) {
    var index = areaIndex(overlays);
    var tip = L.tooltip({
      direction: "auto", // right of the pointer, left of it in the map's right half
      offset: [14, 0],
      className: "vbr-area-tooltip",
      opacity: 0.96,
    });
    var shownKey = "";
    var overFarm = false;
    var farmClick = null;
    function hide() {
      if (map.hasLayer(tip)) {
        map.removeLayer(tip);
      }
      shownKey = "";
    }
    farms.on("mouseover", function () {
      overFarm = true;
      hide();
    });
    farms.on("mouseout", function () {
      overFarm = false;
    });
    farms.on("click", function (e) {
      farmClick = e.originalEvent;
    });
    // every pointer move on the map (the canvas passes on only one in 32 ms), at most once a frame
    var pending = null;
    function update() {
      var event = pending;
      pending = null;
      if (!event || overFarm || (farms._renderer && farms._renderer._hoveredLayer)) {
        hide();
        return;
      }
      var latlng = map.mouseEventToLatLng(event);
      var hits = areaHits(map, index, latlng);
      if (!hits.length) {
        hide();
        return;
      }
      var key = hitsKey(hits);
      if (key !== shownKey) {
        tip.setContent(hitsBox(hits));
        shownKey = key;
      }
      tip.setLatLng(latlng);
      if (!map.hasLayer(tip)) {
        tip.addTo(map);
      }
    }
    L.DomEvent.on(map.getContainer(), "mousemove", function (event) {
      if (event.target.closest && event.target.closest(".leaflet-control")) {
        pending = null;
        hide();
        return;
      }
      if (pending === null) {
        L.Util.requestAnimFrame(update);
      }
      pending = event;
    });
    map.on("mouseout zoomstart movestart popupopen", hide);
    map.on("click", function (e) {
      if (e.originalEvent && e.originalEvent === farmClick) {
        return; // a farm was clicked: its popup opens
      }
      var hits = areaHits(map, index, e.latlng);
      if (!hits.length) {
        return;
      }
      L.popup({ maxWidth: 330, className: "vbr-area-popup", autoPan: true })
        .setLatLng(e.latlng)
        .setContent(hitsBox(hits))
        .openOn(map);
    });
    return {
      index: index,
      tip: tip,
      hits: function (latlng) {
        return areaHits(map, index, latlng);
      },
    };
  }

  /* The earth's circumference at the equator, metres (Web Mercator: metres per pixel). */
  var EARTH_M = 40075016.686;

  /* Area names as labels where they fit: in the circle inside the area (lx, ly, radius lr in
   * metres, from vbr.maps.layout), never overlapping another label; bigger areas first. */
  function areaLabels(map, overlays) {
    var pane = map.createPane("vbr-labels");
    pane.style.zIndex = 450; // above the areas and farms (400), below tooltips and popups
    pane.style.pointerEvents = "none";
    var labels = [];
    ["overloaded", "other_areas"].forEach(function (key) {
      var layer = overlays[key];
      if (!layer || !layer.vbrGeojson) {
        return;
      }
      layer.vbrGeojson.features.forEach(function (f) {
        var p = f.properties;
        if (p.lx === undefined || p.lx === null) {
          return;
        }
        var text = el("span", "vbr-area-label-text", p.name);
        var holder = el("div");
        holder.appendChild(text);
        var marker = L.marker([p.ly, p.lx], {
          icon: L.divIcon({ className: "vbr-area-label", html: holder, iconSize: null }),
          interactive: false,
          keyboard: false,
          pane: "vbr-labels",
        });
        labels.push({ marker: marker, text: text, layer: layer, r: p.lr || 0, nr: p.nr });
      });
    });
    labels.sort(function (a, b) {
      return b.r - a.r || a.nr - b.nr;
    });
    var group = L.layerGroup(labels.map(function (l) { return l.marker; })).addTo(map);
    function place() {
      var size = map.getSize();
      var placed = [];
      var latitude = (map.getCenter().lat * Math.PI) / 180;
      var metresPerPx = (EARTH_M * Math.cos(latitude)) / Math.pow(2, map.getZoom() + 8);
      for (var k = 0; k < labels.length; k++) {
        var l = labels[k];
        var node = l.marker.getElement();
        if (!node) {
          continue;
        }
        if (!map.hasLayer(l.layer)) {
          node.style.display = "none";
          continue;
        }
        node.style.display = "";
        if (!l.size) {
          var r0 = l.text.getBoundingClientRect();
          l.size = { w: r0.width, h: r0.height };
        }
        var roomPx = (2 * l.r) / metresPerPx;
        var c = map.latLngToContainerPoint(l.marker.getLatLng());
        var rect = {
          left: c.x - l.size.w / 2,
          right: c.x + l.size.w / 2,
          top: c.y - l.size.h / 2,
          bottom: c.y + l.size.h / 2,
        };
        var fits = l.size.w <= roomPx * 1.15 && l.size.h <= roomPx;
        var inView = rect.right > 0 && rect.left < size.x && rect.bottom > 0 && rect.top < size.y;
        var free = placed.every(function (o) {
          var apart = rect.right + 4 < o.left || rect.left - 4 > o.right;
          return apart || rect.bottom + 2 < o.top || rect.top - 2 > o.bottom;
        });
        if (fits && inView && free) {
          placed.push(rect);
          node.style.visibility = "visible";
        } else {
          node.style.visibility = "hidden";
        }
      }
    }
    map.on("zoomend moveend overlayadd overlayremove resize", place);
    place();
    return { group: group, labels: labels, place: place };
  }

  /* A farm's status index as the map shows it: the what-if scenario's (vbr_scenario.js sets
   * d.scenarioStatus) or the run's. */
  function shownStatus(d, i) {
    return d.scenarioStatus ? d.scenarioStatus[i] : d.status[i];
  }

  /* The line under a farm's id in tooltips and search results: rank and status in words. */
  function farmLine(d, i) {
    var row = d.rows[i];
    var line = fill(vbr.T["map.tip.farm"], {
      rank: vbr.format("rank", row[d.rank]),
      national: d.national >= 0 ? vbr.format("rank", row[d.national]) : "",
    });
    return line + " · " + d.statuses[shownStatus(d, i)].label;
  }

  /* Popups are at most 380 px wide in all (330 px of content and Leaflet's padding); vbr pans
   * them into view itself, clear of the panel and the legend (see keepPopupClear). */
  var POPUP_OPTIONS = { maxWidth: 330, minWidth: 250, autoPan: false, className: "vbr-popup-box" };
  vbr.popupOptions = POPUP_OPTIONS;

  /* The farms: one GeoJSON layer of circle markers drawn on one canvas. */
  vbr.farms = function (map, d) {
    var renderer = L.canvas({ padding: 0.5, tolerance: 2 });
    var n = d.rows.length;
    var features = new Array(n);
    for (var k = 0; k < n; k++) {
      var i = d.draw[k];
      features[k] = {
        type: "Feature",
        geometry: { type: "Point", coordinates: [d.lon[i], d.lat[i]] },
        properties: {
          i: i,
          farm_id: d.rows[i][d.id],
          rank: d.rows[i][d.rank],
          status: d.statuses[d.status[i]].key,
        },
      };
    }
    var byId = new Map();
    var layer = L.geoJSON(
      { type: "FeatureCollection", features: features },
      {
        pointToLayer: function (feature, latlng) {
          var i = feature.properties.i;
          var s = d.statuses[d.status[i]];
          return L.circleMarker(latlng, {
            renderer: renderer,
            radius: d.radius[i],
            color: s.stroke,
            weight: 1,
            fillColor: s.fill,
            fillOpacity: 0.85,
          });
        },
        onEachFeature: function (feature, l) {
          byId.set(feature.properties.farm_id, l);
        },
      }
    );
    layer.bindTooltip(
      function (l) {
        var p = l.feature.properties;
        var box = el("div", "vbr-tip");
        box.appendChild(el("strong", null, p.farm_id));
        box.appendChild(el("div", null, farmLine(d, p.i)));
        return box;
      },
      { direction: "top", offset: [0, -4] }
    );
    layer.bindPopup(function (l) {
      return vbr.farmPopup(d, l.feature.properties.i);
    }, POPUP_OPTIONS);
    layer.vbrFarmsById = byId;
    layer.vbrData = d;
    return layer;
  };

  function areaName(d, nr) {
    var name = d.areaNames[nr];
    return name === undefined ? String(nr) : fill(vbr.T["map.popup.area"], { name: name, nr: nr });
  }

  function factValue(d, i, fact) {
    var T = vbr.T;
    var raw;
    if (fact.src === "submitted") {
      raw = d.submitted[i];
    } else {
      raw = d.rows[i][fact.col];
    }
    if (raw === "" || raw === null || raw === undefined) {
      return "";
    }
    if (fact.kind === "rank") {
      return fill(T["map.popup.rank_of"], { rank: vbr.format("rank", raw), total: fact.total });
    }
    if (fact.kind === "distance") {
      var metres = vbr.format("m", raw, { threshold: d.threshold });
      var nr = fact.area !== undefined ? d.rows[i][fact.area] : "";
      if (nr === "") {
        return metres;
      }
      if (Number(raw) === 0) {
        return fill(T["map.popup.inside"], { area: areaName(d, nr) });
      }
      return fill(T["map.popup.distance_value"], { distance: metres, area: areaName(d, nr) });
    }
    if (fact.kind === "choice") {
      return fact.choices[raw] !== undefined ? fact.choices[raw] : String(raw);
    }
    return vbr.format(fact.kind, raw, { threshold: d.threshold });
  }

  /* One sentence per budget walk: which budget, selected or not, spent up to this farm. */
  function walkLines(d, i) {
    var lines = [];
    for (var k = 0; k < d.walks.length; k++) {
      var w = d.walks[k];
      var values = w.src === "national" ? d.national_walk[i] : d.rows[i];
      if (values[w.selected] === "" || values[w.spent] === "") {
        continue;
      }
      lines.push(
        fill(vbr.T["map.popup.walk"], {
          budget: w.budget,
          status: vbr.format("selected", values[w.selected]),
          spent: vbr.format("eur", values[w.spent]),
        })
      );
    }
    return lines;
  }

  function factTable(d, i, facts, className) {
    var pairs = [];
    for (var f = 0; f < facts.length; f++) {
      var value = factValue(d, i, facts[f]);
      if (value !== "") {
        pairs.push([facts[f].label, value]);
      }
    }
    return pairs.length ? keyValueTable(pairs, className) : null;
  }

  /* A farm's popup: id and status, the key facts in words with units, why (the list's reason),
   * the budget walk, and the columns carried through from the input folded under "more". */
  vbr.farmPopup = function (d, i) {
    var T = vbr.T;
    var row = d.rows[i];
    var s = d.statuses[shownStatus(d, i)];
    var box = el("div", "vbr-popup");
    box.setAttribute("data-farm-index", String(i));
    var head = el("div", "vbr-popup-head");
    var swatch = el("span", "vbr-swatch");
    swatch.style.background = s.fill;
    swatch.style.borderColor = s.stroke;
    head.appendChild(swatch);
    head.appendChild(el("strong", "vbr-popup-id", row[d.id]));
    box.appendChild(head);
    box.appendChild(el("div", "vbr-popup-status", s.label));
    if (shownStatus(d, i) !== d.status[i]) {
      // the what-if scenario decides otherwise than the run, whose facts the popup lists
      box.appendChild(
        el("div", "vbr-popup-run-status", fill(T["map.popup.run_status"], {
          status: d.statuses[d.status[i]].label,
        }))
      );
    }
    var body = el("div", "vbr-popup-body");
    var facts = factTable(d, i, d.facts, "vbr-popup-table");
    if (facts) {
      body.appendChild(facts);
    }
    if (d.reason >= 0 && row[d.reason] !== "") {
      var why = el("div", "vbr-popup-reason");
      why.appendChild(el("div", "vbr-popup-label", T["map.popup.reason"]));
      why.appendChild(el("div", null, row[d.reason]));
      body.appendChild(why);
    }
    var walks = walkLines(d, i);
    if (walks.length) {
      var budget = el("div", "vbr-popup-budget");
      budget.appendChild(el("div", "vbr-popup-label", T["map.popup.walks"]));
      for (var w = 0; w < walks.length; w++) {
        budget.appendChild(el("div", "vbr-popup-walk", walks[w]));
      }
      body.appendChild(budget);
    }
    if (d.popupExtra) {
      body.appendChild(d.popupExtra(i)); // the buy-out view (vbr_scenario.js)
    }
    if (d.more.length) {
      var more = el("details", "vbr-popup-more");
      more.appendChild(el("summary", null, fill(T["map.popup.more"], { count: d.more.length })));
      var extra = [];
      for (var m = 0; m < d.more.length; m++) {
        extra.push([d.columns[d.more[m]], row[d.more[m]]]);
      }
      more.appendChild(keyValueTable(extra, "vbr-popup-table vbr-popup-raw"));
      body.appendChild(more);
    }
    box.appendChild(body);
    return box;
  };

  /* The legend's lines for the areas, the strip and the region's outline. */
  function areaLegend(entries) {
    var areas = el("div", "vbr-legend-areas");
    for (var a = 0; a < entries.length; a++) {
      var area = entries[a];
      var row = el("div", "vbr-legend-row");
      var patch = el("span", "vbr-patch");
      patch.style.background = area.fill || "transparent";
      patch.style.borderColor = area.stroke;
      if (area.dashed) {
        patch.style.borderStyle = "dashed";
      }
      row.appendChild(patch);
      row.appendChild(el("span", "vbr-legend-label", area.label));
      areas.appendChild(row);
    }
    return areas;
  }

  /* Legend: colours by status (only statuses the region has), sizes by NH3, the areas. */
  vbr.legend = function (d) {
    var control = L.control({ position: "bottomright" });

    /* One line per status: [{status, count_text}]. */
    function statusRows(box, entries) {
      box.textContent = "";
      for (var k = 0; k < entries.length; k++) {
        var entry = entries[k];
        var s = d.statuses[entry.status];
        var line = el("div", "vbr-legend-row");
        line.setAttribute("data-status", s.key);
        var swatch = el("span", "vbr-swatch");
        swatch.style.background = s.fill;
        swatch.style.borderColor = s.stroke;
        line.appendChild(swatch);
        line.appendChild(el("span", "vbr-legend-label", s.label));
        line.appendChild(el("span", "vbr-legend-count", entry.count_text));
        box.appendChild(line);
      }
    }

    /* The counts of a what-if scenario (one per status index; `note`: a line saying so), or
     * the run's again (null). */
    control.setCounts = function (counts, note) {
      var rows = control.vbrRows;
      if (!rows) {
        return;
      }
      var entries = d.legend.statuses;
      if (counts) {
        var format = new Intl.NumberFormat(vbr.T.locale, { maximumFractionDigits: 0 });
        entries = [];
        for (var k = 0; k < counts.length; k++) {
          if (counts[k] > 0) {
            entries.push({ status: k, count: counts[k], count_text: format.format(counts[k]) });
          }
        }
      }
      statusRows(rows, entries);
      if (counts && note) {
        rows.appendChild(el("div", "vbr-note vbr-legend-scenario", note));
      }
    };
    control.onAdd = function () {
      var T = vbr.T;
      var box = el("div", "vbr-box vbr-legend");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(el("div", "vbr-box-title", T["map.legend.title"]));
      if (!d.legend.statuses.length) {
        box.appendChild(el("div", "vbr-note vbr-legend-empty", T["map.legend.empty"]));
      }
      var rows = el("div", "vbr-legend-statuses");
      statusRows(rows, d.legend.statuses);
      box.appendChild(rows);
      control.vbrRows = rows;
      if (d.legend.sizes.length) {
        box.appendChild(el("div", "vbr-box-subtitle", T["map.legend.sizes"]));
        var sizes = el("div", "vbr-legend-sizes");
        for (var j = 0; j < d.legend.sizes.length; j++) {
          var size = d.legend.sizes[j];
          var item = el("div", "vbr-size");
          var dot = el("span", "vbr-dot");
          dot.style.width = dot.style.height = 2 * size.radius + "px";
          item.appendChild(dot);
          item.appendChild(el("span", null, size.text));
          sizes.appendChild(item);
        }
        box.appendChild(sizes);
      }
      box.appendChild(areaLegend(d.legend.areas));
      return box;
    };
    return control;
  };

  /* Headline figures of the region, with a button that folds the panel away. */
  vbr.panel = function (d) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var T = vbr.T;
      var box = el("div", "vbr-box vbr-panel");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var head = el("div", "vbr-panel-head");
      head.appendChild(el("div", "vbr-box-title", d.headline.title));
      var fold = el("button", "vbr-fold", "\u2212");
      fold.type = "button";
      head.appendChild(fold);
      box.appendChild(head);
      var body = el("div", "vbr-panel-body");
      body.appendChild(keyValueTable(d.headline.figures, "vbr-panel-table"));
      for (var k = 0; k < d.headline.notes.length; k++) {
        body.appendChild(el("div", "vbr-note", d.headline.notes[k]));
      }
      var links = el("div", "vbr-links");
      for (var j = 0; j < d.headline.links.length; j++) {
        var a = el("a", null, d.headline.links[j][0]);
        a.href = d.headline.links[j][1];
        links.appendChild(a);
      }
      body.appendChild(links);
      box.appendChild(body);
      function setFolded(folded) {
        box.classList.toggle("vbr-folded", folded);
        fold.textContent = folded ? "+" : "\u2212";
        fold.title = folded ? T["map.panel.unfold"] : T["map.panel.fold"];
        fold.setAttribute("aria-label", fold.title);
        fold.setAttribute("aria-expanded", folded ? "false" : "true");
      }
      fold.addEventListener("click", function () {
        setFolded(!box.classList.contains("vbr-folded"));
      });
      setFolded(false);
      control.setFolded = setFolded;
      return box;
    };
    return control;
  };

  /* Centre the map on farm `i` (index into the rows) and open its popup. */
  vbr.openFarm = function (map, farms, i) {
    var layer = farms.vbrFarmsById.get(farms.vbrData.rows[i][farms.vbrData.id]);
    if (!map.hasLayer(farms)) {
      map.addLayer(farms);
    }
    map.setView(layer.getLatLng(), Math.max(map.getZoom(), 15), { animate: false });
    return L.popup(POPUP_OPTIONS)
      .setLatLng(layer.getLatLng())
      .setContent(vbr.farmPopup(farms.vbrData, i))
      .openOn(map);
  };

  /* Text as the search compares it: lower case, accents and other marks dropped (NFD),
   * runs of white space as one space. */
  function plain(text) {
    return String(text)
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }
  vbr.plain = plain;

  /* The farms' search text, made on the first search: the searched columns of every row
   * (plain), and the same without spaces (a postcode typed as "6711ab" finds "6711 AB"). */
  function farmHaystacks(d) {
    if (d._hay) {
      return d._hay;
    }
    var cols = d.search.cols;
    var n = d.rows.length;
    var hay = new Array(n);
    var tight = new Array(n);
    for (var i = 0; i < n; i++) {
      var parts = new Array(cols.length);
      for (var c = 0; c < cols.length; c++) {
        parts[c] = plain(d.rows[i][cols[c]]);
      }
      hay[i] = "\u0001" + parts.join("\u0001") + "\u0001";
      tight[i] = hay[i].replace(/ /g, "");
    }
    d._hay = { text: hay, tight: tight };
    return d._hay;
  }

  /* How well a haystack answers a query (lower is better; -1: not at all): 0 the whole value,
   * 1 the start of a value, 2 the start of a word, 3 anywhere. Every word of the query must
   * occur; or the query without spaces in the text without spaces. */
  function matchScore(hay, tight, query, words, queryTight) {
    var every = true;
    for (var w = 0; w < words.length; w++) {
      if (hay.indexOf(words[w]) === -1) {
        every = false;
        break;
      }
    }
    if (!every && !(queryTight.length >= 3 && tight.indexOf(queryTight) !== -1)) {
      return -1;
    }
    if (hay.indexOf("\u0001" + query + "\u0001") !== -1) {
      return 0;
    }
    if (hay.indexOf("\u0001" + query) !== -1) {
      return 1;
    }
    if (hay.indexOf(" " + query) !== -1) {
      return 2;
    }
    return 3;
  }

  /* Farms that match `text`, best first (then in the region's order): [{i, score}]. */
  vbr.findFarms = function (d, text) {
    var query = plain(text);
    if (!query) {
      return [];
    }
    var words = query.split(" ");
    var queryTight = query.replace(/ /g, "");
    var hay = farmHaystacks(d);
    var found = [];
    for (var i = 0; i < hay.text.length; i++) {
      var score = matchScore(hay.text[i], hay.tight[i], query, words, queryTight);
      if (score >= 0) {
        found.push({ i: i, score: plain(d.rows[i][d.id]) === query ? -1 : score });
      }
    }
    found.sort(function (a, b) {
      return a.score - b.score || a.i - b.i;
    });
    return found;
  };

  /* Natura 2000 areas on the map that match `text` by name, or by number ("57", "nr 57"). */
  vbr.findAreas = function (index, text) {
    var query = plain(text);
    if (!query) {
      return [];
    }
    var number = /^(nr\.?\s*)?(\d+)$/.exec(query);
    var words = query.split(" ");
    var found = [];
    for (var k = 0; k < index.length; k++) {
      if (index[k].kind !== "area") {
        continue;
      }
      for (var f = 0; f < index[k].items.length; f++) {
        var item = index[k].items[f];
        var p = item.feature.properties;
        var name = "\u0001" + plain(p.name) + "\u0001";
        var score = -1;
        if (number) {
          score = String(p.nr) === number[2] ? 0 : -1;
        } else if (
          words.every(function (w) {
            return name.indexOf(w) !== -1;
          })
        ) {
          score = name.indexOf("\u0001" + query) !== -1 ? 1 : 2;
        }
        if (score >= 0) {
          found.push({ item: item, layer: index[k].layer, score: score });
        }
      }
    }
    found.sort(function (a, b) {
      return a.score - b.score || a.item.feature.properties.nr - b.item.feature.properties.nr;
    });
    return found;
  };

  /* A farm's name and place from the carried columns the search recognised (may be ""). */
  function farmName(d, i) {
    var cols = d.search.name;
    return cols.length ? d.rows[i][cols[0]] : "";
  }

  function farmPlace(d, i) {
    var parts = [];
    for (var k = 0; k < d.search.place.length; k++) {
      var value = d.rows[i][d.search.place[k]];
      if (value !== "" && value !== null && value !== undefined) {
        parts.push(value);
      }
    }
    return parts.join(", ");
  }

  /* Zoom to a Natura 2000 area (beside the panel) and name it in a popup at its label. */
  vbr.openArea = function (map, entry, panel) {
    var item = entry.item;
    if (!map.hasLayer(entry.layer)) {
      map.addLayer(entry.layer);
    }
    var b = item.box;
    fitView(map, [[b[1], b[0]], [b[3], b[2]]], panel, 16);
    var p = item.feature.properties;
    var labelled = p.lx !== undefined && p.lx !== null;
    var at = labelled ? L.latLng(p.ly, p.lx) : L.latLng((b[1] + b[3]) / 2, (b[0] + b[2]) / 2);
    return L.popup({ maxWidth: 330, className: "vbr-area-popup", autoPan: false })
      .setLatLng(at)
      .setContent(hitsBox([{ kind: "area", item: item, layer: entry.layer }]))
      .openOn(map);
  };

  /* The search box: farms by id, name, address, place or any text column carried through (the
   * map says which, under the box), and Natura 2000 areas by name or number. One farm found by
   * its id (or one thing found at all) opens at once; else a short list to pick from. */
  vbr.search = function (map, farms, areas, page, panel) {
    var d = farms.vbrData;
    var control = L.control({ position: "topleft" });
    var SHOWN = 10;
    control.onAdd = function () {
      var T = vbr.T;
      var box = el("div", "vbr-box vbr-search");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var form = el("form");
      var input = el("input");
      input.type = "search";
      input.placeholder = T["map.search.placeholder"];
      input.setAttribute("aria-label", T["map.search.label"]);
      var button = el("button", null, T["map.search.button"]);
      button.type = "submit";
      var results = el("div", "vbr-search-results");
      results.setAttribute("aria-live", "polite");
      form.appendChild(input);
      form.appendChild(button);
      box.appendChild(form);
      if (page.search) {
        var scope = el("div", "vbr-search-scope", page.search.text);
        if (page.search.all) {
          var all = el("details", "vbr-search-all");
          all.appendChild(el("summary", null, T["map.search.scope_all"]));
          all.appendChild(el("div", null, page.search.all));
          scope.appendChild(all);
        }
        box.appendChild(scope);
      }
      box.appendChild(results);

      function farmHit(i) {
        var pick = el("button", "vbr-search-hit");
        pick.type = "button";
        pick.setAttribute("data-farm-index", String(i));
        pick.appendChild(el("span", "vbr-search-id", d.rows[i][d.id]));
        var name = farmName(d, i);
        if (name) {
          pick.appendChild(el("span", "vbr-search-name", name));
        }
        var place = farmPlace(d, i);
        if (place) {
          pick.appendChild(el("span", "vbr-search-place", place));
        }
        pick.appendChild(el("span", "vbr-search-line", farmLine(d, i)));
        pick.addEventListener("click", function () {
          vbr.openFarm(map, farms, i);
        });
        return pick;
      }

      function areaHit(entry) {
        var lines = areaLines(entry.item.feature.properties);
        var pick = el("button", "vbr-search-hit vbr-search-area");
        pick.type = "button";
        pick.appendChild(el("span", "vbr-search-id", lines[0]));
        pick.appendChild(el("span", "vbr-search-line", lines[1]));
        pick.addEventListener("click", function () {
          vbr.openArea(map, entry, panel);
        });
        return pick;
      }

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        results.textContent = "";
        var text = input.value;
        if (!plain(text)) {
          return;
        }
        var foundAreas = vbr.findAreas(areas.index, text);
        var foundFarms = vbr.findFarms(d, text);
        var total = foundAreas.length + foundFarms.length;
        if (!total) {
          results.appendChild(el("div", "vbr-search-none", T["map.search.none"]));
          return;
        }
        var exact = foundFarms.length && foundFarms[0].score === -1;
        if (exact || total === 1) {
          results.appendChild(el("div", "vbr-search-found", T["map.search.found"]));
          if (exact || foundFarms.length) {
            results.appendChild(farmHit(foundFarms[0].i));
            vbr.openFarm(map, farms, foundFarms[0].i);
          } else {
            results.appendChild(areaHit(foundAreas[0]));
            vbr.openArea(map, foundAreas[0], panel);
          }
          return;
        }
        results.appendChild(
          el(
            "div",
            "vbr-search-found",
            fill(T["map.search.count"], {
              areas: vbr.format("count", foundAreas.length),
              farms: vbr.format("count", foundFarms.length),
            })
          )
        );
        var shown = 0;
        for (var a = 0; a < foundAreas.length && shown < SHOWN; a++, shown++) {
          results.appendChild(areaHit(foundAreas[a]));
        }
        for (var f = 0; f < foundFarms.length && shown < SHOWN; f++, shown++) {
          results.appendChild(farmHit(foundFarms[f].i));
        }
        if (total > shown) {
          var more = fill(T["map.search.more"], { shown: vbr.format("count", shown) });
          results.appendChild(el("div", "vbr-search-none", more));
        }
        // the list scrolls inside the map's height
        var view = map.getContainer().getBoundingClientRect();
        var top = results.getBoundingClientRect().top;
        results.style.maxHeight = Math.max(120, view.bottom - top - 40) + "px";
      });
      return box;
    };
    return control;
  };

  /* Public mode: farms aggregated to grid cells (no farm is shown). Each feature carries only
   * counts and sums; its colour class is computed in Python. */
  vbr.grid = function (map, d) {
    var layer = L.geoJSON(d.geojson, {
      style: function (feature) {
        var c = d.classes[feature.properties.c];
        return { color: c.stroke, weight: 0.6, fillColor: c.fill, fillOpacity: 0.7 };
      },
    });
    layer.bindTooltip(
      function (l) {
        var p = l.feature.properties;
        var T = vbr.T;
        var box = el("div", "vbr-tip");
        box.appendChild(el("strong", null, d.cell_text));
        box.appendChild(
          keyValueTable(
            [
              [T["public.cell_farms"], vbr.format("count", p.n)],
              [T["public.cell_nh3"], vbr.format("kg", p.nh3)],
              [T["public.cell_priority"], vbr.format("count", p.prio)],
            ],
            "vbr-popup-table"
          )
        );
        return box;
      },
      { sticky: true }
    );
    return layer;
  };

  /* The rectangles (page pixels) that a popup must stay clear of: the controls in the top
   * corners (zoom, panel, search, layers) and the legend. */
  function obstacles(map) {
    var found = [];
    var nodes = map.getContainer().querySelectorAll(".leaflet-top .leaflet-control, .vbr-legend");
    for (var k = 0; k < nodes.length; k++) {
      var r = nodes[k].getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        found.push(r);
      }
    }
    return found;
  }

  /* After Leaflet has panned an opened popup into view, pan on until it lies clear of the panel
   * and the legend; where the map is too small for that, fold the panel away. */
  function keepPopupClear(map, popup, panel) {
    var node = popup.getElement && popup.getElement();
    if (!node) {
      return;
    }
    var margin = 10;
    var view = map.getContainer().getBoundingClientRect();
    var box = node.querySelector(".leaflet-popup-content-wrapper").getBoundingClientRect();
    // the tip below the box points at the farm: keep it in view too
    var rect = { left: box.left, right: box.right, top: box.top, bottom: box.bottom + 24 };
    // first into the map's view (the top and left edges win when it does not fit)
    var dx = Math.min(0, view.right - margin - rect.right);
    dx = Math.max(dx, view.left + margin - rect.left);
    var dy = Math.min(0, view.bottom - margin - rect.bottom);
    dy = Math.max(dy, view.top + margin - rect.top);
    var blocked = obstacles(map);
    for (var round = 0; round < 3; round++) {
      var moved = false;
      for (var k = 0; k < blocked.length; k++) {
        var o = blocked[k];
        var overlaps =
          rect.left + dx < o.right + margin &&
          rect.right + dx > o.left - margin &&
          rect.top + dy < o.bottom + margin &&
          rect.bottom + dy > o.top - margin;
        if (!overlaps) {
          continue;
        }
        var options = [
          [o.right + margin - (rect.left + dx), 0],
          [o.left - margin - (rect.right + dx), 0],
          [0, o.bottom + margin - (rect.top + dy)],
          [0, o.top - margin - (rect.bottom + dy)],
        ].filter(function (s) {
          return (
            rect.left + dx + s[0] >= view.left &&
            rect.right + dx + s[0] <= view.right &&
            rect.top + dy + s[1] >= view.top &&
            rect.bottom + dy + s[1] <= view.bottom
          );
        });
        if (!options.length) {
          continue;
        }
        options.sort(function (a, b) {
          return Math.abs(a[0]) + Math.abs(a[1]) - (Math.abs(b[0]) + Math.abs(b[1]));
        });
        dx += options[0][0];
        dy += options[0][1];
        moved = true;
      }
      if (!moved) {
        break;
      }
    }
    var clear = blocked.every(function (o) {
      return !(
        rect.left + dx < o.right &&
        rect.right + dx > o.left &&
        rect.top + dy < o.bottom &&
        rect.bottom + dy > o.top
      );
    });
    if (dx || dy) {
      map.panBy([-dx, -dy], { animate: false });
    }
    if (!clear && panel && panel.setFolded) {
      panel.setFolded(true);
    }
  }

  /* How far the shown controls of a top corner (`side`: "leaflet-left" or "leaflet-right")
   * reach into the map, each measured by `reach(its box)`, plus a margin of 20 pixels; at
   * least that margin. */
  function controlsReach(map, side, reach) {
    var most = 20;
    var boxes = map.getContainer().querySelectorAll(".leaflet-top." + side + " .leaflet-control");
    for (var k = 0; k < boxes.length; k++) {
      var r = boxes[k].getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        most = Math.max(most, reach(r) + 20);
      }
    }
    return most;
  }

  /* The first view: the farms (or the region) fitted in the part of the map the panel leaves
   * free. */
  function fitView(map, bounds, panel, maxZoom) {
    var view = map.getContainer().getBoundingClientRect();
    var box = panel.getContainer().getBoundingClientRect();
    if (box.right - view.left > view.width / 2) {
      panel.setFolded(true); // a narrow screen: the map first, the panel on request
      box = panel.getContainer().getBoundingClientRect();
    }
    // the panel and the search box stand in the top left corner, one under the other
    var left = controlsReach(map, "leaflet-left", function (r) {
      return r.right - view.left;
    });
    // and the layer control and the what-if panel in the top right corner, when the map is
    // wide enough to leave room between them
    var right = controlsReach(map, "leaflet-right", function (r) {
      return view.right - r.left;
    });
    if (view.width - left - right < Math.max(240, view.width / 3)) {
      right = 20;
    }
    map.fitBounds(bounds, {
      paddingTopLeft: [left, 20],
      paddingBottomRight: [right, 20],
      maxZoom: maxZoom || 15,
      animate: false,
    });
  }

  /* The print view (where the page has one) and the first view of the map; the print view's
   * handle, or null. */
  function firstView(map, page, panel, legendBox, labels) {
    var printing = page.print ? printSheet(map, page, panel, legendBox, labels) : null;
    fitView(map, page.view, panel);
    if (printing) {
      printing.watch();
    }
    return printing;
  }

  /* The part of the map people see beside the open panel (what a print shows). */
  function visibleBounds(map, panel) {
    var size = map.getSize();
    var left = 0;
    if (panel && !panel.getContainer().classList.contains("vbr-folded")) {
      var view = map.getContainer().getBoundingClientRect();
      left = Math.min(size.x / 2, panel.getContainer().getBoundingClientRect().right - view.left);
    }
    return L.latLngBounds(
      map.containerPointToLatLng([left, 0]),
      map.containerPointToLatLng([size.x, size.y])
    );
  }

  /* The print view: a title, the run's date, the figures, the legend, the sources and the
   * limits around the map (print CSS in vbr_map.css hides every control); while printing the
   * map is fitted to its smaller frame, showing what was seen beside the panel, and the scale
   * bar and attribution stay clear of the farms. */
  /* Draw every canvas of the map now (Leaflet draws on the next animation frame, and the
   * browser lays out a print before there is one) and put a picture of it in its place:
   * Chromium prints a canvas as an opaque white block, hiding the areas, the basemap and the
   * other canvas under it, and prints a transparent PNG as it is. */
  function canvasesToPictures(map) {
    map.eachLayer(function (layer) {
      if (layer instanceof L.Canvas && layer._redrawRequest) {
        L.Util.cancelAnimFrame(layer._redrawRequest);
        layer._redraw();
      }
    });
    var canvases = map.getContainer().querySelectorAll(".leaflet-pane canvas");
    for (var k = 0; k < canvases.length; k++) {
      var canvas = canvases[k];
      var picture = el("img", "vbr-print-canvas");
      picture.alt = "";
      picture.src = canvas.toDataURL("image/png");
      picture.style.cssText = canvas.style.cssText;
      picture.style.position = "absolute";
      picture.style.left = "0";
      picture.style.top = "0";
      picture.style.pointerEvents = "none";
      canvas.parentNode.insertBefore(picture, canvas);
      canvas.style.visibility = "hidden";
    }
  }

  function picturesToCanvases(map) {
    var pictures = map.getContainer().querySelectorAll(".vbr-print-canvas");
    for (var k = 0; k < pictures.length; k++) {
      var canvas = pictures[k].nextSibling;
      if (canvas && canvas.tagName === "CANVAS") {
        canvas.style.visibility = "";
      }
      pictures[k].parentNode.removeChild(pictures[k]);
    }
  }

  /* The printed map's frame, mm: the width of an A4 page in landscape inside the margins of
   * @page in vbr_map.css, and at most this height (what the title and the legend under it
   * leave of the page, unless the figures under it take more: printFrameMm). */
  var PRINT_FRAME_MM = [279, 122];
  /* The page's height inside those margins, the margins between head, map and foot (with some
   * room to spare), and the least height of the map, mm. */
  var PRINT_PAGE_MM = 192;
  var PRINT_GAPS_MM = 6;
  var PRINT_MIN_MM = 80;

  /* The map's height on paper, mm: what the title above and the figures, legend and sources
   * under it leave of the page (the foot grows with the pots that funded farms in the region),
   * at most PRINT_FRAME_MM[1]. Both are measured at the printed width, hidden, as
   * vbr_map.css lays them out for print. */
  function printFrameMm(head, foot) {
    var taken = 0;
    [
      [head, "block"],
      [foot, "flex"],
    ].forEach(function (item) {
      var node = item[0];
      var saved = node.style.cssText;
      node.style.cssText =
        "display: " + item[1] + "; position: absolute; left: 0; top: 0; " +
        "visibility: hidden; width: " + PRINT_FRAME_MM[0] + "mm";
      taken += (node.getBoundingClientRect().height * 25.4) / 96;
      node.style.cssText = saved;
    });
    var left = PRINT_PAGE_MM - PRINT_GAPS_MM - taken;
    return Math.max(PRINT_MIN_MM, Math.min(PRINT_FRAME_MM[1], Math.floor(left)));
  }

  function printSheet(map, page, panel, legend, labels) {
    var T = vbr.T;
    var info = page.print;
    var container = map.getContainer();
    var head = el("header", "vbr-print vbr-print-head");
    head.appendChild(el("h1", "vbr-print-title", info.title));
    head.appendChild(el("div", "vbr-print-run", info.run));
    var foot = el("footer", "vbr-print vbr-print-foot");
    var figures = el("section", "vbr-print-figures");
    figures.appendChild(el("h2", null, page.headline.title));
    figures.appendChild(keyValueTable(page.headline.figures, "vbr-panel-table"));
    for (var k = 0; k < page.headline.notes.length; k++) {
      figures.appendChild(el("div", "vbr-note", page.headline.notes[k]));
    }
    foot.appendChild(figures);
    if (legend) {
      var copy = legend.cloneNode(true);
      copy.className = "vbr-print-legend";
      foot.appendChild(copy);
    }
    var about = el("section", "vbr-print-about");
    about.appendChild(el("h2", null, T["map.print.sources"]));
    var sources = el("ul");
    info.sources.forEach(function (line) {
      sources.appendChild(el("li", null, line));
    });
    var basemap = el("li", "vbr-print-basemap");
    sources.appendChild(basemap);
    about.appendChild(sources);
    about.appendChild(el("h2", null, T["map.print.limits"]));
    var limits = el("ul");
    info.limits.forEach(function (line) {
      limits.appendChild(el("li", null, line));
    });
    about.appendChild(limits);
    foot.appendChild(about);
    container.parentNode.insertBefore(head, container);
    container.parentNode.insertBefore(foot, container.nextSibling);

    function setBasemap(name) {
      basemap.textContent = name ? fill(T["map.print.source_basemap"], { name: name }) : "";
      basemap.style.display = name ? "" : "none";
    }
    setBasemap(info.basemap);
    map.on("baselayerchange", function (e) {
      var tiles = e.layer instanceof L.TileLayer;
      setBasemap(tiles ? e.name : "");
    });

    // Until someone moves the map, a print shows the first view (the farms); after that, what
    // they see beside the panel.
    var moved = false;
    var fitting = false;
    function watch() {
      map.on("movestart", function () {
        moved = moved || !fitting;
      });
    }
    var saved = null;
    function enter() {
      if (saved) {
        return;
      }
      saved = {
        center: map.getCenter(),
        zoom: map.getZoom(),
        bounds: moved ? visibleBounds(map, panel) : L.latLngBounds(page.view),
        snap: map.options.zoomSnap,
        width: container.style.width,
        height: container.style.height,
      };
      document.body.classList.add("vbr-printing");
      map.closePopup();
      // the frame on an A4 page in landscape (vbr_map.css: @page), set before the browser lays
      // the page out for print, so that the map is fitted to the frame it is printed in
      container.style.width = PRINT_FRAME_MM[0] + "mm";
      container.style.height = printFrameMm(head, foot) + "mm";
      fitting = true; // the fit for print is not someone moving the map
      map.invalidateSize({ animate: false, pan: false });
      map.options.zoomSnap = 0; // fit exactly into the printed frame
      map.fitBounds(saved.bounds, {
        paddingTopLeft: [8, 8],
        paddingBottomRight: [8, 34],
        animate: false,
      });
      fitting = false;
      labels.place();
      canvasesToPictures(map);
    }
    function leave() {
      if (!saved) {
        return;
      }
      document.body.classList.remove("vbr-printing");
      picturesToCanvases(map);
      container.style.width = saved.width;
      container.style.height = saved.height;
      map.options.zoomSnap = saved.snap;
      fitting = true;
      map.invalidateSize({ animate: false, pan: false });
      map.setView(saved.center, saved.zoom, { animate: false });
      fitting = false;
      labels.place();
      saved = null;
    }
    window.addEventListener("beforeprint", enter);
    window.addEventListener("afterprint", leave);
    var media = window.matchMedia ? window.matchMedia("print") : null;
    if (media && media.addEventListener) {
      media.addEventListener("change", function (e) {
        if (e.matches) {
          enter();
        } else {
          leave();
        }
      });
    }
    return { enter: enter, leave: leave, watch: watch };
  }

  vbr.publicSetup = function (map, grid, page, overlays) {
    var d = { headline: page.headline };
    var panel = vbr.panel(d).addTo(map);
    var control = L.control({ position: "bottomright" });
    var legendBox = null;
    control.onAdd = function () {
      var box = el("div", "vbr-box vbr-legend");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(el("div", "vbr-box-title", page.legend.title));
      for (var k = 0; k < page.legend.classes.length; k++) {
        var c = page.legend.classes[k];
        var line = el("div", "vbr-legend-row");
        var swatch = el("span", "vbr-patch");
        swatch.style.background = c.fill;
        swatch.style.borderColor = c.stroke;
        line.appendChild(swatch);
        line.appendChild(el("span", "vbr-legend-label", c.label));
        box.appendChild(line);
      }
      box.appendChild(el("div", "vbr-note", page.legend.note));
      if (page.legend.areas) {
        box.appendChild(areaLegend(page.legend.areas));
      }
      legendBox = box;
      return box;
    };
    control.addTo(map);
    L.control.scale({ imperial: false, maxWidth: 150 }).addTo(map);
    var areas = identifyAreas(map, grid, overlays || {});
    var labels = areaLabels(map, overlays || {});
    var printing = firstView(map, page, panel, legendBox, labels);
    vbr.maps.push({
      map: map,
      grid: grid,
      data: d,
      panel: panel,
      public: true,
      overlays: overlays || {},
      areas: areas,
      labels: labels,
      print: printing,
    });
    return map;
  };

  /* Wire up the controls once the layers exist; the page exposes everything as window.vbr. */
  vbr.setup = function (map, farms, page, overlays) {
    overlays = overlays || {};
    var d = { statuses: farms.vbrData.statuses, legend: page.legend, headline: page.headline };
    var panel = vbr.panel(d).addTo(map);
    var areas = identifyAreas(map, farms, overlays);
    vbr.search(map, farms, areas, page, panel).addTo(map);
    var legend = vbr.legend(d).addTo(map);
    L.control.scale({ imperial: false, maxWidth: 150 }).addTo(map);
    var labels = areaLabels(map, overlays);
    map.on("popupopen", function (event) {
      keepPopupClear(map, event.popup, panel);
    });
    // "Meer gegevens" opened or closed: the popup changed size (toggle does not bubble: capture)
    map.getContainer().addEventListener(
      "toggle",
      function (event) {
        var popup = map._popup;
        // (the box grows upwards from its tip; popup.update() would rebuild the content)
        if (popup && popup.isOpen() && popup.getElement().contains(event.target)) {
          keepPopupClear(map, popup, panel);
        }
      },
      true
    );
    var printing = firstView(map, page, panel, legend.getContainer(), labels);
    vbr.maps.push({
      map: map,
      farms: farms,
      data: d,
      view: page.view,
      legend: legend,
      panel: panel,
      overlays: overlays,
      areas: areas,
      labels: labels,
      print: printing,
    });
    return map;
  };

  /* Fit the first view again (after a control was added, such as the what-if panel). */
  vbr.refit = function (entry) {
    fitView(entry.map, entry.view, entry.panel);
  };

  window.vbr = vbr;
})();
