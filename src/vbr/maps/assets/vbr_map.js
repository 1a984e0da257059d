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

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  /* A catalogue text with its {placeholders} filled in. */
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

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

  /* Polygons: Natura 2000 areas, the priority strip, the region outline. */
  vbr.polygons = function (map, d) {
    var layer = L.geoJSON(d.geojson, {
      style: function () {
        return d.style;
      },
      interactive: d.tooltip !== "none",
    });
    if (d.tooltip === "area") {
      layer.bindTooltip(
        function (l) {
          var p = l.feature.properties;
          var T = vbr.T;
          var box = el("div", "vbr-tip");
          box.appendChild(el("strong", null, p.name));
          box.appendChild(
            el(
              "div",
              null,
              fill(T["map.tip.area"], { nr: p.nr }) +
                " · " +
                (p.overloaded ? T["map.tip.area_overloaded"] : T["map.tip.area_not_overloaded"])
            )
          );
          return box;
        },
        { sticky: true }
      );
    } else if (d.tooltip === "text") {
      layer.bindTooltip(
        function () {
          return el("div", "vbr-tip", d.text);
        },
        { sticky: true }
      );
    }
    return layer;
  };

  /* The line under a farm's id in tooltips and search results: rank and status in words. */
  function farmLine(d, i) {
    var row = d.rows[i];
    var line = fill(vbr.T["map.tip.farm"], {
      rank: vbr.format("rank", row[d.rank]),
      national: d.national >= 0 ? vbr.format("rank", row[d.national]) : "",
    });
    return line + " · " + d.statuses[d.status[i]].label;
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
    var s = d.statuses[d.status[i]];
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

  /* Legend: colours by status (only statuses the region has), sizes by NH3, the areas. */
  vbr.legend = function (d) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var T = vbr.T;
      var box = el("div", "vbr-box vbr-legend");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(el("div", "vbr-box-title", T["map.legend.title"]));
      if (!d.legend.statuses.length) {
        box.appendChild(el("div", "vbr-note vbr-legend-empty", T["map.legend.empty"]));
      }
      for (var k = 0; k < d.legend.statuses.length; k++) {
        var entry = d.legend.statuses[k];
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
      var areas = el("div", "vbr-legend-areas");
      for (var a = 0; a < d.legend.areas.length; a++) {
        var area = d.legend.areas[a];
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
      box.appendChild(areas);
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

  /* Find a farm by its id: exact match (ignoring case and spaces around), else a short list of
   * ids that contain the text. */
  vbr.search = function (map, farms) {
    var d = farms.vbrData;
    var control = L.control({ position: "topleft" });
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
      form.appendChild(input);
      form.appendChild(button);
      box.appendChild(form);
      box.appendChild(results);

      function show(layer) {
        vbr.openFarm(map, farms, layer.feature.properties.i);
      }

      function hit(layer) {
        var i = layer.feature.properties.i;
        var pick = el("button", "vbr-search-hit");
        pick.type = "button";
        pick.appendChild(el("span", "vbr-search-id", d.rows[i][d.id]));
        pick.appendChild(el("span", "vbr-search-line", farmLine(d, i)));
        pick.addEventListener("click", function () {
          show(layer);
        });
        return pick;
      }

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        results.textContent = "";
        var text = input.value.trim();
        if (!text) {
          return;
        }
        var layer = farms.vbrFarmsById.get(text);
        var needle = text.toLowerCase();
        var hits = [];
        if (!layer) {
          for (var i = 0; i < d.rows.length && hits.length < 11; i++) {
            var id = d.rows[i][d.id];
            if (id.toLowerCase() === needle) {
              layer = farms.vbrFarmsById.get(id);
              break;
            }
            if (id.toLowerCase().indexOf(needle) !== -1) {
              hits.push(id);
            }
          }
        }
        if (layer) {
          show(layer);
          var found = el("div", "vbr-search-found", T["map.search.found"]);
          found.appendChild(hit(layer));
          results.appendChild(found);
          return;
        }
        if (!hits.length) {
          results.appendChild(el("div", "vbr-search-none", T["map.search.none"]));
          return;
        }
        for (var h = 0; h < Math.min(hits.length, 10); h++) {
          results.appendChild(hit(farms.vbrFarmsById.get(hits[h])));
        }
        if (hits.length > 10) {
          results.appendChild(el("div", "vbr-search-none", T["map.search.more"]));
        }
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

  /* The first view: the farms (or the region) fitted in the part of the map the panel leaves
   * free. */
  function fitView(map, bounds, panel) {
    var view = map.getContainer().getBoundingClientRect();
    var box = panel.getContainer().getBoundingClientRect();
    if (box.right - view.left > view.width / 2) {
      panel.setFolded(true); // a narrow screen: the map first, the panel on request
      box = panel.getContainer().getBoundingClientRect();
    }
    map.fitBounds(bounds, {
      paddingTopLeft: [box.right - view.left + 20, 20],
      paddingBottomRight: [20, 20],
      maxZoom: 15,
      animate: false,
    });
  }

  vbr.publicSetup = function (map, grid, page) {
    var d = { headline: page.headline };
    var panel = vbr.panel(d).addTo(map);
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = el("div", "vbr-box vbr-legend");
      box.appendChild(el("div", "vbr-box-title", page.legend.title));
      for (var k = 0; k < page.legend.classes.length; k++) {
        var c = page.legend.classes[k];
        var line = el("div", "vbr-legend-row");
        var swatch = el("span", "vbr-swatch");
        swatch.style.background = c.fill;
        swatch.style.borderColor = c.stroke;
        line.appendChild(swatch);
        line.appendChild(el("span", "vbr-legend-label", c.label));
        box.appendChild(line);
      }
      box.appendChild(el("div", "vbr-note", page.legend.note));
      return box;
    };
    control.addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    fitView(map, page.view, panel);
    vbr.maps.push({ map: map, grid: grid, data: d, panel: panel, public: true });
    return map;
  };

  /* Wire up the controls once the layers exist; the page exposes everything as window.vbr. */
  vbr.setup = function (map, farms, page, overlays) {
    var d = { statuses: farms.vbrData.statuses, legend: page.legend, headline: page.headline };
    var panel = vbr.panel(d).addTo(map);
    vbr.search(map, farms).addTo(map);
    vbr.legend(d).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
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
    fitView(map, page.view, panel);
    vbr.maps.push({ map: map, farms: farms, data: d, panel: panel, overlays: overlays || {} });
    return map;
  };

  window.vbr = vbr;
})();
