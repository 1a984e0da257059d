/* vbr region map: farm layer, area layers, legend, headline panel, search and popups.
 *
 * Every text that comes from the input (farm ids, names, carried-through columns) is put on the
 * page with textContent, never as HTML, so a farm id that holds markup shows as that text and
 * runs nothing. The data arrives as JSON literals written by vbr.maps.
 * Part of vbr (MIT licence).
 */
(function () {
  "use strict";

  var vbr = { maps: [] };

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
          var box = el("div", "vbr-tip");
          box.appendChild(el("strong", null, p.name));
          box.appendChild(
            el("div", null, "Natura 2000 nr " + p.nr + (p.overloaded ? " · overloaded" : " · not overloaded"))
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

  /* The farms: one GeoJSON layer of circle markers drawn on one canvas. */
  vbr.farms = function (map, d) {
    var renderer = L.canvas({ padding: 0.5, tolerance: 2 });
    var idCol = d.columns.indexOf("farm_id");
    var rankCol = d.columns.indexOf("rank");
    var natCol = d.columns.indexOf("national_rank");
    var n = d.rows.length;
    var features = new Array(n);
    for (var k = 0; k < n; k++) {
      var i = d.draw[k];
      features[k] = {
        type: "Feature",
        geometry: { type: "Point", coordinates: [d.lon[i], d.lat[i]] },
        properties: {
          i: i,
          farm_id: d.rows[i][idCol],
          rank: d.rows[i][rankCol],
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
        var i = p.i;
        var box = el("div", "vbr-tip");
        box.appendChild(el("strong", null, p.farm_id));
        box.appendChild(
          el("div", null, "rank " + p.rank + " in region · " + d.rows[i][natCol] + " national")
        );
        return box;
      },
      { direction: "top", offset: [0, -4] }
    );
    layer.bindPopup(
      function (l) {
        return vbr.farmPopup(d, l.feature.properties.i);
      },
      { maxWidth: 380, minWidth: 260, autoPanPadding: [20, 20] }
    );
    layer.vbrFarmsById = byId;
    layer.vbrData = d;
    return layer;
  };

  vbr.farmPopup = function (d, i) {
    var row = d.rows[i];
    var s = d.statuses[d.status[i]];
    var box = el("div", "vbr-popup");
    box.setAttribute("data-farm-index", String(i));
    var head = el("div", "vbr-popup-head");
    var swatch = el("span", "vbr-swatch");
    swatch.style.background = s.fill;
    swatch.style.borderColor = s.stroke;
    head.appendChild(swatch);
    head.appendChild(el("strong", "vbr-popup-id", row[d.columns.indexOf("farm_id")]));
    head.appendChild(el("span", "vbr-popup-status", s.label));
    box.appendChild(head);
    var pairs = [];
    for (var c = 0; c < d.columns.length; c++) {
      var value = row[c];
      var name = d.columns[c];
      if (name === "nearest_n2000" && d.areaNames[value] !== undefined) {
        value = value + " (" + d.areaNames[value] + ")";
      }
      pairs.push([d.labels[c], value]);
    }
    if (d.extra) {
      for (var e = 0; e < d.extra.columns.length; e++) {
        pairs.push([d.extra.labels[e], d.extra.rows[i][e]]);
      }
    }
    var scroll = el("div", "vbr-popup-rows");
    scroll.appendChild(keyValueTable(pairs, "vbr-popup-table"));
    box.appendChild(scroll);
    return box;
  };

  /* Legend: colours by status, sizes by NH3. */
  vbr.legend = function (d) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = el("div", "vbr-box vbr-legend");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(el("div", "vbr-box-title", "Farms"));
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
      box.appendChild(el("div", "vbr-box-subtitle", "Size: NH3 emission (kg/yr)"));
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

  /* Headline figures of the region. */
  vbr.panel = function (d) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var box = el("div", "vbr-box vbr-panel");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(el("div", "vbr-box-title", d.headline.title));
      box.appendChild(keyValueTable(d.headline.figures, "vbr-panel-table"));
      for (var k = 0; k < d.headline.notes.length; k++) {
        box.appendChild(el("div", "vbr-note", d.headline.notes[k]));
      }
      var links = el("div", "vbr-links");
      for (var j = 0; j < d.headline.links.length; j++) {
        var a = el("a", null, d.headline.links[j][0]);
        a.href = d.headline.links[j][1];
        links.appendChild(a);
      }
      box.appendChild(links);
      return box;
    };
    return control;
  };

  /* Find a farm by farm_id: exact match (ignoring case and spaces around), else a short list of
   * ids that contain the text. */
  vbr.search = function (map, farms) {
    var d = farms.vbrData;
    var idCol = d.columns.indexOf("farm_id");
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var box = el("div", "vbr-box vbr-search");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var form = el("form");
      var input = el("input");
      input.type = "search";
      input.placeholder = "Find farm_id";
      input.setAttribute("aria-label", "Find a farm by farm_id");
      var button = el("button", null, "Find");
      button.type = "submit";
      var results = el("div", "vbr-search-results");
      form.appendChild(input);
      form.appendChild(button);
      box.appendChild(form);
      box.appendChild(results);

      function show(layer) {
        var i = layer.feature.properties.i;
        if (!map.hasLayer(farms)) {
          map.addLayer(farms);
        }
        map.setView(layer.getLatLng(), Math.max(map.getZoom(), 15));
        L.popup({ maxWidth: 380, minWidth: 260 })
          .setLatLng(layer.getLatLng())
          .setContent(vbr.farmPopup(d, i))
          .openOn(map);
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
            var id = d.rows[i][idCol];
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
          results.appendChild(el("div", "vbr-search-found", "found " + layer.feature.properties.farm_id));
          return;
        }
        if (!hits.length) {
          results.appendChild(el("div", "vbr-search-none", "no farm in this region has that farm_id"));
          return;
        }
        for (var h = 0; h < Math.min(hits.length, 10); h++) {
          var pick = el("button", "vbr-search-hit", hits[h]);
          pick.type = "button";
          pick.addEventListener(
            "click",
            (function (id) {
              return function () {
                show(farms.vbrFarmsById.get(id));
              };
            })(hits[h])
          );
          results.appendChild(pick);
        }
        if (hits.length > 10) {
          results.appendChild(el("div", "vbr-search-none", "more match; type more of the id"));
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
        var box = el("div", "vbr-tip");
        box.appendChild(el("strong", null, d.cell_text));
        box.appendChild(
          keyValueTable(
            [
              ["farms", p.n],
              ["NH3 (kg/yr)", p.nh3],
              ["priority farms", p.prio],
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

  vbr.publicSetup = function (map, grid, page) {
    var d = { headline: page.headline };
    vbr.panel(d).addTo(map);
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
    vbr.maps.push({ map: map, grid: grid, data: d, public: true });
    return map;
  };

  /* Wire up the controls once the layers exist; the page exposes everything as window.vbr. */
  vbr.setup = function (map, farms, page, overlays) {
    var d = { statuses: farms.vbrData.statuses, legend: page.legend, headline: page.headline };
    vbr.panel(d).addTo(map);
    vbr.search(map, farms).addTo(map);
    vbr.legend(d).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    vbr.maps.push({ map: map, farms: farms, data: d, overlays: overlays || {} });
    return map;
  };

  window.vbr = vbr;
})();
