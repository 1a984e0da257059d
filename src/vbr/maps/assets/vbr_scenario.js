/* vbr what-if: the decision procedure re-applied in the browser, and the overview map.
 *
 * vbr.scenarioCompute(data, setting) is vbr.core.procedure.decide for another budget, threshold
 * and policy, on the per-farm arrays that vbr.maps.scenario_data embeds (farms in the run's
 * national order): priority = distance_m <= threshold_m; round 1 by window, then (when every
 * priority farm has a time) by the first-come-first-served key, then the cost order; round 2 by
 * the cost order; the pots walked one after the other in whole cents (skip or stop), each farm
 * funded once; the national pot window by window with carry-over; a day whose applications do
 * not all fit at its turn takes the run's lottery order. The budget replaces the national pot's
 * budget, the policy every pot's, as `vbr run --budget --threshold-m --budget-policy` does.
 *
 * Sums of cents are JavaScript numbers: exact while they stay below 2**53 cents (EUR 90
 * trillion); the walk never adds more than a budget and one offer.
 *
 * Every text from the input is put on the page with textContent, never as HTML. Words come
 * from the run's language catalogue (vbr.setTexts / the page's texts object). Part of vbr (MIT).
 */
(function () {
  "use strict";

  var vbr = (window.vbr = window.vbr || { maps: [] });
  var MAX_EUR = 1e13;
  var FORMULA_START = ["=", "+", "-", "@", "\t", "\r"];
  var PLAIN_NUMBER = /^[+-]?(\d[\d.,]*|[.,]\d+)([eE][+-]?\d+)?$/;
  /* Statuses as vbr.maps.data.STATUSES: fill, stroke. */
  var STATUS = {
    priority_selected: ["#D55E00", "#6b2f00"],
    priority_not_selected: ["#F0E442", "#6b2f00"],
    selected: ["#009E73", "#004d38"],
    not_selected: ["#9aa5b1", "#4a525a"],
  };
  var DRAW_ORDER = ["not_selected", "selected", "priority_not_selected", "priority_selected"];

  /* np.rint: to the nearest integer, halves to even. */
  function rint(x) {
    var r = Math.round(x);
    return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
  }

  /* vbr.core.budget.to_cents for one amount. */
  function toCents(eur) {
    var value = Number(eur);
    if (!(value >= 0 && value <= MAX_EUR)) {
      throw new RangeError("budget_eur must be a number from 0 to " + MAX_EUR);
    }
    return rint(value * 100);
  }

  function needsLot(d, segment, left, policy) {
    var fit = 0;
    var all = 0;
    var anyFit = false;
    for (var k = 0; k < segment.length; k++) {
      var c = d.cents[segment[k]];
      if (c <= left) {
        fit += c;
        anyFit = true;
      }
      all += c;
    }
    return policy === "stop" ? anyFit && all > left : fit > left;
  }

  /* The national order of a setting: farm indices, and the priority flags. */
  function order(d, threshold) {
    var n = d.ids.length;
    var all = d.rules.priority_all;
    var pri = new Uint8Array(n);
    var anyPri = false;
    var allTimed = true;
    for (var i = 0; i < n; i++) {
      if (all || d.dist[i] <= threshold) {
        pri[i] = 1;
        anyPri = true;
        if (d.time[i] < 0) {
          allTimed = false;
        }
      }
    }
    var firstCome = anyPri && allTimed;
    var idx = new Array(n);
    for (var j = 0; j < n; j++) {
      idx[j] = j;
    }
    var win = d.win;
    var time = d.time;
    var cost = d.cost;
    idx.sort(function (a, b) {
      if (pri[a] !== pri[b]) {
        return pri[b] - pri[a];
      }
      if (pri[a]) {
        if (win[a] !== win[b]) {
          return win[a] - win[b];
        }
        if (firstCome && time[a] !== time[b]) {
          return time[a] - time[b];
        }
      }
      return cost[a] - cost[b];
    });
    return { order: idx, priority: pri, firstCome: firstCome };
  }

  /* Apply a setting: {budget_eur, threshold_m, policy[, pot]}; the budget is the national pot's,
   * or the pot named `pot`. Returns the selection in national order
   * ({selected, eur_used, nh3_kg}) and, for drawing, per farm: priority, funded (pot index or
   * -1) and the national order. */
  function compute(d, setting) {
    var R = d.rules;
    var threshold = Number(setting.threshold_m);
    var policy = setting.policy;
    if (!(threshold >= 0 && threshold <= 100000)) {
      throw new RangeError("threshold_m must be a number from 0 to 100000");
    }
    if (policy !== "skip" && policy !== "stop") {
      throw new RangeError("policy must be 'skip' or 'stop'");
    }
    var budget = Number(setting.budget_eur);
    toCents(budget);
    var n = d.ids.length;
    var o = order(d, threshold);
    var ord = o.order;
    var pri = o.priority;
    var byDay = o.firstCome && R.fcfs === "day";
    var group = new Int32Array(n).fill(-1);
    var starts = [];
    var ends = [];
    if (byDay) {
      for (var j = 0; j < n && pri[ord[j]]; j++) {
        var i = ord[j];
        var prev = j > 0 ? ord[j - 1] : -1;
        if (prev < 0 || d.win[prev] !== d.win[i] || d.time[prev] !== d.time[i]) {
          starts.push(j);
          ends.push(j);
        }
        group[i] = starts.length - 1;
        ends[ends.length - 1] = j + 1;
      }
    }
    var drawn = {};
    var funded = new Int8Array(n).fill(-1);

    function drawDay(g) {
      var block = ord.slice(starts[g], ends[g]);
      for (var k = 0; k < block.length; k++) {
        if (d.lot[block[k]] < 0) {
          throw new Error(
            "an application of a day drawn by lot is not in the run's draw: " + d.ids[block[k]]
          );
        }
      }
      block.sort(function (a, b) {
        return d.lot[a] - d.lot[b];
      });
      for (var m = 0; m < block.length; m++) {
        ord[starts[g] + m] = block[m];
      }
      drawn[g] = true;
    }

    /* One walk of pot k over the farms `may` admits, with `left` cents; the cents granted. */
    function walk(k, may, left) {
      var bit = 1 << k;
      var cands = [];
      for (var j = 0; j < n; j++) {
        var i = ord[j];
        if (d.pots[i] & bit && funded[i] < 0 && may(i)) {
          cands.push(i);
        }
      }
      var granted = 0;
      var stopped = false;
      var s = 0;
      while (s < cands.length) {
        var e = s + 1;
        var g = group[cands[s]];
        var round = pri[cands[s]];
        while (e < cands.length && group[cands[e]] === g && pri[cands[e]] === round) {
          e++;
        }
        var segment = cands.slice(s, e);
        s = e;
        if (stopped) {
          continue;
        }
        if (g >= 0 && !drawn[g] && needsLot(d, segment, left, policy)) {
          drawDay(g);
          var member = {};
          for (var q = 0; q < segment.length; q++) {
            member[segment[q]] = true;
          }
          segment = ord.slice(starts[g], ends[g]).filter(function (x) {
            return member[x] === true;
          });
        }
        var used = 0;
        var all = true;
        for (var t = 0; t < segment.length; t++) {
          var c = d.cents[segment[t]];
          if (used + c <= left) {
            used += c;
            funded[segment[t]] = k;
          } else {
            all = false;
            if (policy === "stop") {
              break;
            }
          }
        }
        granted += used;
        left -= used;
        if (policy === "stop" && !all) {
          stopped = true;
        }
      }
      return granted;
    }

    function everyone() {
      return true;
    }

    R.pots.forEach(function (pot, k) {
      var own = setting.pot === undefined || setting.pot === null
        ? pot.national
        : pot.name === setting.pot;
      if (!pot.national) {
        walk(k, everyone, own ? toCents(budget) : pot.cents);
        return;
      }
      var national = own ? budget : R.budget_eur === null ? Infinity : R.budget_eur;
      if (!R.windows.length) {
        walk(k, everyone, toCents(national));
        return;
      }
      var cap = toCents(Math.min(national, R.windows_eur));
      var spent = 0;
      var carry = 0;
      R.windows.forEach(function (w, wk) {
        var available = Math.min(w.cents + carry, cap - spent);
        var used = walk(
          k,
          function (i) {
            return d.win[i] === wk;
          },
          available
        );
        spent += used;
        carry = w.carry ? available - used : 0;
      });
    });
    if (R.draw_given) {
      var inDrawn = {};
      Object.keys(drawn).forEach(function (g) {
        for (var j = starts[g]; j < ends[g]; j++) {
          inDrawn[ord[j]] = true;
        }
      });
      for (var i = 0; i < n; i++) {
        if (d.lot[i] >= 0 && !inDrawn[i]) {
          throw new Error(
            "the run's draw lists farms that this setting does not draw by lot (vbr run " +
              "stops with such a draw): " + d.ids[i]
          );
        }
      }
    }
    var selected = [];
    var cents = 0;
    var nh3 = 0;
    for (var j2 = 0; j2 < n; j2++) {
      var f = ord[j2];
      if (funded[f] >= 0) {
        selected.push(d.ids[f]);
        cents += d.cents[f];
        nh3 += d.nh3[f];
      }
    }
    return {
      selected: selected,
      eur_used: cents / 100,
      nh3_kg: nh3,
      priority: pri,
      funded: funded,
      order: ord,
    };
  }

  vbr.scenarioCompute = compute;

  /* ---------------------------------------------------------------- the page's controls */

  var el = window.vbrDom.el; // vbr_dom.js, inlined before this file
  var fill = window.vbrDom.fill;

  function Formats(locale) {
    this.int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.amount = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    this.one = new Intl.NumberFormat(locale, {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
    this.two = new Intl.NumberFormat(locale, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    this.small = new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 });
    /* the per-area mol of the buy-out view: embedded to 4 significant digits */
    this.sig = new Intl.NumberFormat(locale, { maximumSignificantDigits: 4 });
    this.signed = new Intl.NumberFormat(locale, {
      maximumFractionDigits: 1,
      signDisplay: "exceptZero",
    });
    this.signedInt = new Intl.NumberFormat(locale, {
      maximumFractionDigits: 0,
      signDisplay: "exceptZero",
    });
  }

  /* An amount as people type it: `300.000.000`, `300 000 000`, `300000000`, `1,5e8`. */
  function parseAmount(text, lang) {
    var s = String(text).replace(/[\s\u00a0€]/g, "").replace(/^eur/i, "");
    if (lang === "nl") {
      s = s.replace(/\./g, "").replace(",", ".");
    } else {
      s = s.replace(/,/g, "");
    }
    if (!/^\d+(\.\d+)?([eE]\d+)?$/.test(s)) {
      return NaN;
    }
    return Number(s);
  }

  function csvCell(value, sep) {
    var s = String(value);
    if (FORMULA_START.indexOf(s.charAt(0)) >= 0 && !PLAIN_NUMBER.test(s)) {
      s = "'" + s;
    }
    if (s.indexOf(sep) >= 0 || /["\r\n]/.test(s)) {
      s = '"' + s.replace(/"/g, '""') + '"';
    }
    return s;
  }

  /* The selection of a scenario as CSV text for people: `;` and decimal comma in nl. */
  function selectionCsv(d, r, lang, T, view) {
    var sep = lang === "nl" ? ";" : ",";
    var number = function (x, digits) {
      var s = Number(x).toFixed(digits);
      return lang === "nl" ? s.replace(".", ",") : s;
    };
    /* the column names and true/false of the lists (ranking_excel.csv) */
    var head = ["rank", "farm_id", "priority", "distance_m", "nh3_kg", "subsidy_eur"];
    var lines = [head.concat(["eur_per_kg", "funded_by"]).join(sep)];
    var rank = 0;
    for (var j = 0; j < r.order.length; j++) {
      var i = r.order[j];
      rank++;
      if (r.funded[i] < 0 || (view && !view[i])) {
        continue;
      }
      lines.push(
        [
          String(rank),
          csvCell(d.ids[i], sep),
          r.priority[i] ? "true" : "false",
          number(d.dist[i], 2),
          number(d.nh3[i], 2),
          number(d.cents[i] / 100, 2),
          number(d.cents[i] / 100 / d.nh3[i], 2),
          csvCell(d.rules.pots[r.funded[i]].name, sep),
        ].join(sep)
      );
    }
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  function settingFromHash(hash, fallback) {
    var out = {
      budget_eur: fallback.budget_eur,
      threshold_m: fallback.threshold_m,
      policy: fallback.policy,
    };
    String(hash || "")
      .replace(/^#/, "")
      .split("&")
      .forEach(function (part) {
        var kv = part.split("=");
        var value = decodeURIComponent(kv[1] || "");
        if (kv[0] === "budget" && Number(value) >= 0 && Number(value) <= MAX_EUR) {
          out.budget_eur = Number(value);
        } else if (kv[0] === "threshold" && Number(value) >= 0 && Number(value) <= 100000) {
          out.threshold_m = Number(value);
        } else if (kv[0] === "policy" && (value === "skip" || value === "stop")) {
          out.policy = value;
        }
      });
    return out;
  }

  function settingHash(s) {
    return "#budget=" + s.budget_eur + "&threshold=" + s.threshold_m + "&policy=" + s.policy;
  }

  /* The what-if panel on `map` for the farms of `d`. `view` shows only some farms (a region):
   * a Uint8Array per farm, or null for all. `draw(result)` recolours the map's farms. */
  function panel(map, d, T, lang, draw, view, pot, position) {
    var R = d.rules;
    var F = new Formats(T.locale);
    var own = { budget_eur: pot.budget_eur, threshold_m: R.threshold_m, policy: R.policy };
    var box = el("div", "vbr-whatif leaflet-bar");
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    box.appendChild(el("h2", "vbr-whatif-title", T["whatif.title"]));

    var budgetText = pot.national ? T["whatif.budget"] : fill(T["whatif.budget_pot"], { pot: pot.name });
    var budgetLabel = el("label", "vbr-whatif-label", budgetText);
    var slider = el("input", "vbr-whatif-slider");
    slider.type = "range";
    slider.min = "0";
    slider.max = String(2 * own.budget_eur);
    slider.step = String(Math.max(1, Math.round((2 * own.budget_eur) / 400)));
    slider.setAttribute("aria-label", budgetText);
    var typed = el("input", "vbr-whatif-amount");
    typed.type = "text";
    typed.inputMode = "decimal";
    typed.setAttribute("aria-label", T["whatif.budget_typed"]);
    budgetLabel.appendChild(slider);
    box.appendChild(budgetLabel);
    box.appendChild(typed);

    var thresholdLabel = el("label", "vbr-whatif-label", T["whatif.threshold"]);
    var threshold = el("select", "vbr-whatif-threshold");
    R.thresholds.forEach(function (m) {
      var text = F.int.format(m) + " m";
      if (m === R.threshold_m) {
        text += " " + T["whatif.own"];
      }
      var option = el("option", null, text);
      option.value = String(m);
      threshold.appendChild(option);
    });
    thresholdLabel.appendChild(threshold);
    box.appendChild(thresholdLabel);

    var policyLabel = el("label", "vbr-whatif-label", T["whatif.policy"]);
    var policy = el("select", "vbr-whatif-policy");
    [
      ["skip", T["whatif.policy_skip"]],
      ["stop", T["whatif.policy_stop"]],
    ].forEach(function (p) {
      var option = el("option", null, p[1]);
      option.value = p[0];
      policy.appendChild(option);
    });
    policyLabel.appendChild(policy);
    box.appendChild(policyLabel);

    var buttons = el("div", "vbr-whatif-buttons");
    var reset = el("button", "vbr-whatif-reset", T["whatif.reset"]);
    reset.type = "button";
    var exportButton = el("button", "vbr-whatif-export", T["whatif.export"]);
    exportButton.type = "button";
    buttons.appendChild(reset);
    buttons.appendChild(exportButton);
    box.appendChild(buttons);

    var figures = el("table", "vbr-whatif-figures");
    box.appendChild(figures);
    var message = el("p", "vbr-whatif-message");
    box.appendChild(message);

    var base = null;
    var current = null;
    var last = null;

    function totals(r) {
      var count = 0;
      var cents = 0;
      var nh3 = 0;
      var prio = 0;
      for (var i = 0; i < d.ids.length; i++) {
        if (view && !view[i]) {
          continue;
        }
        if (r.priority[i]) {
          prio++;
        }
        if (r.funded[i] >= 0) {
          count++;
          cents += d.cents[i];
          nh3 += d.nh3[i];
        }
      }
      return { count: count, eur: cents / 100, nh3: nh3, priority: prio };
    }

    function row(label, value, change) {
      var tr = el("tr");
      tr.appendChild(el("th", null, label));
      tr.appendChild(el("td", "vbr-whatif-value", value));
      tr.appendChild(el("td", "vbr-whatif-change", change));
      figures.appendChild(tr);
    }

    function show(r) {
      var now = totals(r);
      var was = base || now;
      figures.textContent = "";
      // the heading says what the two columns are: the figures of the setting shown, and
      // their change against the run (0 until a control moves)
      var head = el("tr", "vbr-whatif-head");
      head.appendChild(el("th", null, ""));
      head.appendChild(el("th", "vbr-whatif-value", T["whatif.col_value"]));
      head.appendChild(el("th", "vbr-whatif-change", T["whatif.col_change"]));
      figures.appendChild(head);
      var mln = function (eur) {
        return fill(T["whatif.eur_mln"], { value: F.one.format(eur / 1e6) });
      };
      row(T["whatif.priority"], F.int.format(now.priority), F.signedInt.format(now.priority - was.priority));
      row(T["whatif.selected"], F.int.format(now.count), F.signedInt.format(now.count - was.count));
      row(
        T["whatif.eur_used"],
        mln(now.eur),
        fill(T["whatif.eur_mln"], { value: F.signed.format((now.eur - was.eur) / 1e6) })
      );
      row(
        T["whatif.nh3"],
        fill(T["whatif.tonnes"], { value: F.one.format(now.nh3 / 1000) }),
        fill(T["whatif.tonnes"], { value: F.signed.format((now.nh3 - was.nh3) / 1000) })
      );
    }

    function apply(setting, fromControls) {
      var r;
      try {
        r = compute(d, {
          budget_eur: setting.budget_eur,
          threshold_m: setting.threshold_m,
          policy: setting.policy,
          pot: pot.name,
        });
      } catch (error) {
        /* vbr run would stop on this setting (a draw that does not fit it): say so */
        message.textContent = fill(T["whatif.failed"], { error: error.message });
        if (!fromControls) {
          throw error;
        }
        return null;
      }
      current = setting;
      last = r;
      if (!fromControls || document.activeElement !== typed) {
        typed.value = F.amount.format(setting.budget_eur);
      }
      slider.value = String(setting.budget_eur);
      if (!R.thresholds.some(function (m) { return m === setting.threshold_m; })) {
        var option = el("option", null, F.int.format(setting.threshold_m) + " m");
        option.value = String(setting.threshold_m);
        threshold.appendChild(option);
      }
      threshold.value = String(setting.threshold_m);
      policy.value = setting.policy;
      message.textContent = "";
      show(r);
      draw(r);
      var hash = settingHash(setting);
      if (window.location.hash !== hash) {
        try {
          window.history.replaceState(null, "", hash);
        } catch (e) {
          window.location.hash = hash;
        }
      }
      return r;
    }

    /* What a scenario returns: the selection in national order (on a region map the region's
     * farms among it), the euro and the NH3 of those farms. */
    function shown(r) {
      if (!view) {
        return { selected: r.selected, eur_used: r.eur_used, nh3_kg: r.nh3_kg };
      }
      var selected = [];
      var cents = 0;
      var nh3 = 0;
      for (var j = 0; j < r.order.length; j++) {
        var i = r.order[j];
        if (view[i] && r.funded[i] >= 0) {
          selected.push(d.ids[i]);
          cents += d.cents[i];
          nh3 += d.nh3[i];
        }
      }
      return { selected: selected, eur_used: cents / 100, nh3_kg: nh3 };
    }

    function fromControls(budget) {
      return {
        budget_eur: budget,
        threshold_m: Number(threshold.value),
        policy: policy.value,
      };
    }

    slider.addEventListener("input", function () {
      apply(fromControls(Number(slider.value)), true);
    });
    typed.addEventListener("change", function () {
      var value = parseAmount(typed.value, lang);
      if (!(value >= 0 && value <= MAX_EUR)) {
        message.textContent = T["whatif.bad_amount"];
        return;
      }
      apply(fromControls(value), true);
    });
    threshold.addEventListener("change", function () {
      apply(fromControls(current.budget_eur), true);
    });
    policy.addEventListener("change", function () {
      apply(fromControls(current.budget_eur), true);
    });
    reset.addEventListener("click", function () {
      apply(own, true);
    });
    exportButton.addEventListener("click", function () {
      var blob = new Blob([selectionCsv(d, last, lang, T, view)], { type: "text/csv;charset=utf-8" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = T["whatif.file_name"];
      document.body.appendChild(a);
      a.click();
      setTimeout(function () {
        URL.revokeObjectURL(a.href);
        a.remove();
      }, 0);
    });
    window.addEventListener("hashchange", function () {
      apply(settingFromHash(window.location.hash, own), true);
    });

    var Control = L.Control.extend({
      onAdd: function () {
        return box;
      },
    });
    new Control({ position: position }).addTo(map);

    base = totals(compute(d, {
      budget_eur: own.budget_eur,
      threshold_m: own.threshold_m,
      policy: own.policy,
      pot: pot.name,
    }));
    if (apply(settingFromHash(window.location.hash, own), true) === null) {
      apply(own, true);
    }

    return {
      scenario: function (setting) {
        var s = {
          budget_eur: setting.budget_eur === undefined ? own.budget_eur : Number(setting.budget_eur),
          threshold_m:
            setting.threshold_m === undefined ? own.threshold_m : Number(setting.threshold_m),
          policy: setting.policy === undefined ? own.policy : setting.policy,
        };
        return shown(apply(s, false));
      },
      csv: function () {
        return selectionCsv(d, last, lang, T, view);
      },
      current: function () {
        return {
          setting: {
            budget_eur: current.budget_eur,
            threshold_m: current.threshold_m,
            policy: current.policy,
          },
          selected: shown(last).selected,
        };
      },
      reset: function () {
        return apply(own, false);
      },
    };
  }

  /* ---------------------------------------------------------------- the overview map */

  /* A layer that is one canvas in the overlay pane, redrawn (its `redraw`) on the map events
   * `_redrawOn` and hidden while the map zooms. `_prepare(map)` runs before the canvas is
   * placed, `_place(pane)` puts it in the pane. */
  var CanvasLayer = L.Layer.extend({
    _redrawOn: "moveend resize",
    _canvasClass: "",
    onAdd: function (map) {
      this._map = map;
      this._prepare(map);
      this._canvas = L.DomUtil.create("canvas", this._canvasClass);
      this._place(map.getPanes().overlayPane);
      map.on(this._redrawOn, this.redraw, this);
      map.on("zoomstart", this._hide, this);
      this.redraw();
    },
    onRemove: function (map) {
      map.off(this._redrawOn, this.redraw, this);
      map.off("zoomstart", this._hide, this);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },
    _prepare: function () {},
    _place: function (pane) {
      pane.appendChild(this._canvas);
    },
    _hide: function () {
      if (this._canvas) {
        this._canvas.style.visibility = "hidden";
      }
    },
    /* The canvas sized to the map (`size`, in CSS pixels, drawn at the screen's pixel ratio),
     * put at the view's top left corner and shown: its 2D context, in CSS pixels. */
    _frame: function (map, size) {
      var ratio = window.devicePixelRatio || 1;
      var canvas = this._canvas;
      canvas.width = size.x * ratio;
      canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.style.visibility = "visible";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      return ctx;
    },
  });

  /* All farms on one canvas: points projected once, redrawn on every view change. */
  var FarmCanvas = CanvasLayer.extend({
    _canvasClass: "vbr-farm-canvas",
    initialize: function (d) {
      this._d = d;
      this._status = new Uint8Array(d.ids.length);
    },
    _prepare: function (map) {
      var n = this._d.ids.length;
      this._px = new Float64Array(n);
      this._py = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var p = map.project([this._d.lat[i], this._d.lon[i]], 0);
        this._px[i] = p.x;
        this._py[i] = p.y;
      }
    },
    setStatus: function (status) {
      this._status = status;
      this.redraw();
    },
    _radius: function () {
      var z = this._map.getZoom();
      return z < 9 ? 1.6 : z < 11 ? 2.6 : z < 13 ? 3.6 : 5;
    },
    /* Container pixel of farm i. */
    point: function (i) {
      var map = this._map;
      var scale = map.getZoomScale(map.getZoom(), 0);
      var origin = map.getPixelOrigin();
      var pane = map.layerPointToContainerPoint([0, 0]);
      return [this._px[i] * scale - origin.x + pane.x, this._py[i] * scale - origin.y + pane.y];
    },
    redraw: function () {
      var map = this._map;
      if (!map) {
        return;
      }
      var t0 = performance.now();
      var size = map.getSize();
      var ctx = this._frame(map, size);
      var scale = map.getZoomScale(map.getZoom(), 0);
      var origin = map.getPixelOrigin();
      var pane = map.layerPointToContainerPoint([0, 0]);
      var ox = pane.x - origin.x;
      var oy = pane.y - origin.y;
      var r = this._radius();
      var px = this._px;
      var py = this._py;
      var status = this._status;
      ctx.lineWidth = r > 3 ? 1 : 0.6;
      for (var s = 0; s < DRAW_ORDER.length; s++) {
        var colours = STATUS[DRAW_ORDER[s]];
        ctx.beginPath();
        for (var i = 0; i < px.length; i++) {
          if (status[i] !== s) {
            continue;
          }
          var x = px[i] * scale + ox;
          var y = py[i] * scale + oy;
          if (x < -r || y < -r || x > size.x + r || y > size.y + r) {
            continue;
          }
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, 2 * Math.PI);
        }
        ctx.fillStyle = colours[0];
        ctx.fill();
        ctx.strokeStyle = colours[1];
        ctx.stroke();
      }
      this.lastDrawMs = performance.now() - t0;
      this.draws = (this.draws || 0) + 1;
    },
    /* The farm nearest to a container point, within `tolerance` pixels (or -1). */
    nearest: function (point, tolerance) {
      var best = -1;
      var bestD = tolerance * tolerance;
      var map = this._map;
      var scale = map.getZoomScale(map.getZoom(), 0);
      var origin = map.getPixelOrigin();
      var pane = map.layerPointToContainerPoint([0, 0]);
      for (var i = 0; i < this._px.length; i++) {
        var dx = this._px[i] * scale - origin.x + pane.x - point.x;
        var dy = this._py[i] * scale - origin.y + pane.y - point.y;
        var dd = dx * dx + dy * dy;
        if (dd <= bestD) {
          bestD = dd;
          best = i;
        }
      }
      return best;
    },
  });

  function statusOf(r) {
    var n = r.funded.length;
    var status = new Uint8Array(n);
    for (var i = 0; i < n; i++) {
      var key = r.priority[i]
        ? r.funded[i] >= 0
          ? "priority_selected"
          : "priority_not_selected"
        : r.funded[i] >= 0
          ? "selected"
          : "not_selected";
      status[i] = DRAW_ORDER.indexOf(key);
    }
    return status;
  }

  /* ------------------------------------------------------------ the buy-out view */

  /* The footprint's levels, mol N/ha/yr deposited by the farm, outer ring first, and colours. */
  var FOOTPRINT_LEVELS = [0.1, 0.3, 1, 3, 10];
  var FOOTPRINT_COLOURS = ["#c6dbef", "#9ecae1", "#4292c6", "#2171b5", "#08306b"];

  /* The distance (m) within which a farm of `nh3` kg NH3/yr deposits at least `level` mol
   * N/ha/yr by the kernel K(r) = c / (1 + r/r0)^p of vbr.core.deposition (0 beyond the
   * cut-off): r = r0 ((c nh3 / level)^(1/p) - 1); 0 where even its own cell gets less. */
  function footprintRadius(k, nh3, level) {
    var top = k.c * nh3;
    if (!(top > level)) {
      return 0;
    }
    return Math.min(k.r0_m * (Math.pow(top / level, 1 / k.power) - 1), k.cutoff_m);
  }
  vbr.footprintRadius = footprintRadius;

  function molText(F, value) {
    return value >= 0.1 || value === 0 ? F.one.format(value) : F.small.format(value);
  }

  /* The buy-out view of one farm (the overview's and the region maps' popups): `f` holds
   * dist (m), nh3 (kg/yr), eur (subsidy), mol (deposition on overloaded nature, mol N/yr;
   * undefined without deposition data), areas ([[name, mol], ...] or null) and others
   * ({count, mol} of the areas not listed, or null); with `kernel` the footprint's legend. */
  function buyoutBox(f, T, F, kernel) {
    var box = el("div", "vbr-whatif-buyout");
    box.appendChild(el("strong", null, T["whatif.buyout.title"]));
    box.appendChild(
      el("div", null, fill(T["whatif.buyout.distance"], { value: F.int.format(f.dist) }))
    );
    box.appendChild(el("div", null, fill(T["whatif.buyout.nh3"], { value: F.one.format(f.nh3) })));
    box.appendChild(
      el("div", null, fill(T["whatif.buyout.eur_per_kg"], { value: F.two.format(f.eur / f.nh3) }))
    );
    if (f.mol === undefined) {
      box.appendChild(el("div", "vbr-whatif-note", T["whatif.buyout.needs_exceedance"]));
      return box;
    }
    if (f.mol === null || !(f.mol > 0)) {
      box.appendChild(el("div", null, T["whatif.buyout.no_impact"]));
      return box;
    }
    box.appendChild(el("div", null, fill(T["whatif.buyout.mol"], { value: molText(F, f.mol) })));
    box.appendChild(
      el("div", null, fill(T["whatif.buyout.eur_per_mol"], { value: F.two.format(f.eur / f.mol) }))
    );
    if (f.areas && f.areas.length) {
      box.appendChild(el("div", "vbr-buyout-label", T["whatif.buyout.areas"]));
      var list = el("ul", "vbr-buyout-areas");
      f.areas.forEach(function (a) {
        list.appendChild(
          el("li", null, fill(T["whatif.buyout.area_line"], { area: a[0], value: F.sig.format(a[1]) }))
        );
      });
      if (f.others && f.others.count > 0) {
        list.appendChild(
          el("li", "vbr-whatif-note", fill(T["whatif.buyout.other_areas"], {
            count: F.int.format(f.others.count),
            value: F.sig.format(f.others.mol),
          }))
        );
      }
      box.appendChild(list);
    }
    if (kernel) {
      var key = el("div", "vbr-buyout-footprint");
      key.appendChild(
        el("div", "vbr-whatif-note", fill(T["whatif.buyout.footprint"], {
          cutoff: F.int.format(kernel.cutoff_m / 1000),
        }))
      );
      var scale = el("div", "vbr-buyout-scale");
      FOOTPRINT_LEVELS.forEach(function (level, k) {
        var step = el("span", "vbr-buyout-step", "\u2265 " + F.amount.format(level));
        var swatch = el("span", "vbr-buyout-swatch");
        swatch.style.background = FOOTPRINT_COLOURS[k];
        step.insertBefore(swatch, step.firstChild);
        scale.appendChild(step);
      });
      key.appendChild(scale);
      box.appendChild(key);
    }
    return box;
  }

  /* A farm's deposition footprint: rings of the kernel around it, coloured by the mol N/ha/yr
   * the farm deposits, kept only where the raster layer's picture marks overloaded cells (the
   * cells the kernel counts); the rings' edges are drawn everywhere. One canvas of its own,
   * under the farms, redrawn on every view change. */
  var Footprint = CanvasLayer.extend({
    _redrawOn: "moveend resize zoomend",
    _canvasClass: "vbr-footprint",
    initialize: function (kernel, raster, below) {
      this._kernel = kernel;
      this._raster = raster;
      this._below = below;
      this._farm = null;
      this._picture = null;
    },
    _place: function (pane) {
      this._canvas.style.pointerEvents = "none";
      if (this._below && this._below.parentNode === pane) {
        pane.insertBefore(this._canvas, this._below);
      } else {
        pane.appendChild(this._canvas);
      }
    },
    /* Show the footprint of a farm ({lat, lon, nh3}). */
    show: function (farm) {
      this._farm = farm;
      if (this._raster && !this._picture) {
        var self = this;
        this._picture = new Image();
        this._picture.onload = function () {
          self.redraw();
        };
        this._picture.src = this._raster._url;
      }
      this.redraw();
    },
    /* The rings (metres) of the farm shown: [level, radius] outer first. */
    rings: function () {
      var k = this._kernel;
      var nh3 = this._farm ? this._farm.nh3 : 0;
      return FOOTPRINT_LEVELS.map(function (level) {
        return [level, footprintRadius(k, nh3, level)];
      }).filter(function (r) {
        return r[1] > 0;
      });
    },
    redraw: function () {
      var map = this._map;
      var canvas = this._canvas;
      if (!map || !canvas || !this._farm) {
        return;
      }
      var size = map.getSize();
      var ctx = this._frame(map, size);
      var centre = map.latLngToContainerPoint([this._farm.lat, this._farm.lon]);
      /* metres per pixel at the farm (Web Mercator) */
      var mpp =
        (40075016.686 * Math.cos((this._farm.lat * Math.PI) / 180)) /
        (256 * Math.pow(2, map.getZoom()));
      var rings = this.rings();
      var drawn = 0;
      rings.forEach(function (ring) {
        ctx.beginPath();
        ctx.arc(centre.x, centre.y, ring[1] / mpp, 0, 2 * Math.PI);
        ctx.fillStyle = FOOTPRINT_COLOURS[FOOTPRINT_LEVELS.indexOf(ring[0])];
        ctx.fill();
        drawn++;
      });
      var picture = this._picture;
      if (picture && picture.complete && picture.naturalWidth && this._raster) {
        /* keep the rings only where the raster's picture has overloaded cells (stretched over
         * its bounds as the map's image layer draws it) */
        var b = this._raster.getBounds();
        var nw = map.latLngToContainerPoint(b.getNorthWest());
        var se = map.latLngToContainerPoint(b.getSouthEast());
        ctx.globalCompositeOperation = "destination-in";
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(picture, nw.x, nw.y, se.x - nw.x, se.y - nw.y);
        ctx.globalCompositeOperation = "source-over";
      } else {
        ctx.clearRect(0, 0, size.x, size.y);
      }
      ctx.setLineDash([4, 3]);
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#08306b";
      rings.forEach(function (ring) {
        ctx.beginPath();
        ctx.arc(centre.x, centre.y, ring[1] / mpp, 0, 2 * Math.PI);
        ctx.stroke();
      });
      ctx.setLineDash([]);
      this.draws = (this.draws || 0) + 1;
      this.ringsDrawn = drawn;
    },
  });

  /* The listed areas of farm i in a map's buy-out payload (`a`: flat arrays, see
   * vbr.maps.buyout.area_arrays): {areas: [[label, mol], ...], others: {count, mol} or null}. */
  function areaFigures(a, i, T) {
    if (!a.start) {
      a.start = new Int32Array(a.count.length + 1);
      for (var j = 0; j < a.count.length; j++) {
        a.start[j + 1] = a.start[j] + a.count[j];
      }
    }
    var areas = [];
    for (var k = a.start[i]; k < a.start[i + 1]; k++) {
      var nr = String(a.nr[a.area[k]]);
      var name = a.name[a.area[k]];
      areas.push([name ? fill(T["map.popup.area"], { name: name, nr: nr }) : nr, a.mol[k]]);
    }
    var count = a.reach[i] - areas.length;
    return { areas: areas, others: count > 0 ? { count: count, mol: a.rest[i] } : null };
  }

  /* The buy-out view of a map's farm popups, one owner for the region maps and the overview:
   * `page` the map's buy-out payload (vbr.maps.buyout.buyout_payload), `farm(i)` the facts of
   * farm i ({dist, nh3, eur, mol, lat, lon}: mol undefined without deposition data), `raster`
   * the map's layer of overloaded cells (or null), `below` the element the footprint goes under
   * (the farms). Returns {view(i): the popup's <details>, facts(i), footprint, shown()}. */
  function buyoutView(map, page, farm, raster, below, T) {
    var F = new Formats(T.locale);
    var footprint = page.kernel ? new Footprint(page.kernel, raster, below) : null;
    var shownFor = null;

    function close() {
      if (footprint && map.hasLayer(footprint)) {
        map.removeLayer(footprint);
      }
      shownFor = null;
    }

    function facts(i) {
      var f = farm(i);
      f.areas = null;
      f.others = null;
      if (page.areas && page.areas.count[i] > 0) {
        var a = areaFigures(page.areas, i, T);
        f.areas = a.areas;
        f.others = a.others;
      }
      return f;
    }

    function view(i) {
      var details = el("details", "vbr-popup-buyout");
      details.appendChild(el("summary", null, T["whatif.buyout.title"]));
      var box = buyoutBox(facts(i), T, F, footprint ? page.kernel : null);
      box.removeChild(box.firstChild); // the summary names it
      details.appendChild(box);
      details.addEventListener("toggle", function () {
        /* scroll the popup's body (it scrolls when long) to show the opened view */
        var body = details.closest(".vbr-popup-body");
        if (details.open && body) {
          var under = details.getBoundingClientRect().bottom - body.getBoundingClientRect().bottom;
          var room = details.getBoundingClientRect().top - body.getBoundingClientRect().top;
          if (under > 0) {
            body.scrollTop += Math.min(under + 4, room);
          }
        }
        if (!footprint) {
          return;
        }
        if (details.open) {
          shownFor = i;
          if (!map.hasLayer(footprint)) {
            footprint.addTo(map);
          }
          var f = farm(i);
          footprint.show({ lat: f.lat, lon: f.lon, nh3: f.nh3 });
        } else if (shownFor === i) {
          close();
        }
      });
      return details;
    }

    map.on("popupclose", close);
    return {
      view: view,
      footprint: footprint,
      facts: facts,
      shown: function () {
        return footprint && map.hasLayer(footprint) ? shownFor : null;
      },
    };
  }

  /* The buy-out view in a region map's farm popups (vbr_map.js asks `popupExtra` of the farm
   * data): the facts from the farm's row (ranking.csv). */
  vbr.regionBuyout = function (page) {
    var entry = vbr.maps[vbr.maps.length - 1];
    var d = entry.farms.vbrData;
    var col = function (name) {
      return d.columns.indexOf(name);
    };
    var cols = {
      dist: col("distance_m"),
      nh3: col("nh3_kg"),
      eur: col("subsidy_eur"),
      mol: col("impact_mol"),
    };
    var below = null;
    entry.farms.eachLayer(function (l) {
      if (!below && l.options.renderer && l.options.renderer._container) {
        below = l.options.renderer._container;
      }
    });
    var farm = function (i) {
      var row = d.rows[i];
      var number = function (k) {
        return k >= 0 && row[k] !== "" && row[k] !== null ? Number(row[k]) : null;
      };
      return {
        dist: number(cols.dist),
        nh3: number(cols.nh3),
        eur: number(cols.eur),
        mol: cols.mol >= 0 ? number(cols.mol) : undefined,
        lat: d.lat[i],
        lon: d.lon[i],
      };
    };
    var buyout = buyoutView(
      entry.map,
      page,
      farm,
      entry.overlays.deposition || null,
      below,
      vbr.T
    );
    d.popupExtra = buyout.view;
    entry.buyout = buyout;
    return buyout;
  };

  function legend(map, T) {
    var box = el("div", "vbr-whatif-legend leaflet-bar");
    ["priority_selected", "priority_not_selected", "selected", "not_selected"].forEach(
      function (key) {
        var line = el("div", "vbr-whatif-legend-row");
        var dot = el("span", "vbr-whatif-dot");
        dot.style.background = STATUS[key][0];
        dot.style.borderColor = STATUS[key][1];
        line.appendChild(dot);
        line.appendChild(el("span", null, T["status." + key]));
        box.appendChild(line);
      }
    );
    var Control = L.Control.extend({
      onAdd: function () {
        return box;
      },
    });
    new Control({ position: "bottomright" }).addTo(map);
  }

  /* The what-if on a region map (set up by vbr_map.js): the run's farms of all the country
   * (`page.farms`; the pots walk them all) and which of them are the region's (`page.view`,
   * national indices); the region's farms recolour, the panel counts the region's. */
  vbr.regionWhatif = function (page) {
    var entry = vbr.maps[vbr.maps.length - 1];
    var d = page.farms;
    var view = new Uint8Array(d.ids.length);
    page.view.forEach(function (i) {
      view[i] = 1;
    });
    var byId = entry.farms.vbrFarmsById;
    var fd = entry.farms.vbrData;
    /* the scenario's statuses as indices of the farm data's statuses (vbr.maps.data) */
    var index = {};
    fd.statuses.forEach(function (s, k) {
      index[s.key] = k;
    });
    var shown = new Array(fd.rows.length);
    var controls = panel(
      entry.map,
      d,
      page.texts,
      page.lang,
      function (r) {
        var status = statusOf(r);
        var counts = fd.statuses.map(function () {
          return 0;
        });
        var differs = false;
        page.view.forEach(function (i) {
          var layer = byId.get(d.ids[i]);
          var key = DRAW_ORDER[status[i]];
          var colours = STATUS[key];
          if (layer) {
            layer.setStyle({ fillColor: colours[0], color: colours[1] });
            var row = layer.feature.properties.i;
            shown[row] = index[key];
            counts[index[key]]++;
            differs = differs || fd.status[row] !== index[key];
          }
        });
        fd.scenarioStatus = shown;
        if (entry.legend && entry.legend.setCounts) {
          entry.legend.setCounts(counts, differs ? page.texts["whatif.legend_note"] : null);
        }
      },
      view,
      page.pot,
      "topright"
    );
    vbr.refit(entry);
    vbr.scenario = controls.scenario;
    vbr.scenarioCsv = controls.csv;
    vbr.current = controls.current;
    entry.whatif = controls;
    return controls;
  };

  /* The national overview map: `page` holds the farm data, the words, the view and the areas. */
  vbr.national = function (page) {
    var started = performance.now();
    var d = page.farms;
    var T = page.texts;
    var lang = page.lang;
    var map = L.map("map", { preferCanvas: true, minZoom: 6, maxZoom: 19, zoomSnap: 0.5 });
    map.fitBounds(page.view);
    var tiles = L.tileLayer(page.basemap.url, {
      attribution: page.basemap.attribution,
      maxZoom: 19,
    });
    tiles.addTo(map);
    if (page.areas) {
      L.geoJSON(page.areas, {
        style: { color: "#7a3e9d", weight: 1, fillColor: "#b07cc6", fillOpacity: 0.3 },
        interactive: false,
      }).addTo(map);
    }
    var raster = null;
    if (page.deposition) {
      /* the exceedance raster's overloaded cells, the picture of the region maps */
      raster = L.imageOverlay(page.deposition.url, page.deposition.bounds, { opacity: 0.6 });
      raster.addTo(map);
      var overlays = {};
      overlays[page.deposition.name] = raster;
      L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    var farms = new FarmCanvas(d);
    farms.addTo(map);
    legend(map, T);
    var buyout = buyoutView(
      map,
      page.buyout || { kernel: null, areas: null },
      function (i) {
        return {
          dist: d.dist[i],
          nh3: d.nh3[i],
          eur: d.cents[i] / 100,
          mol: d.impact ? d.impact[i] : undefined,
          lat: d.lat[i],
          lon: d.lon[i],
        };
      },
      raster,
      farms._canvas,
      T
    );
    var F = new Formats(T.locale);
    var state = { r: null };
    map.on("click", function (e) {
      var i = farms.nearest(e.containerPoint, 8);
      if (i < 0 || !state.r) {
        return;
      }
      var r = state.r;
      var body = el("div", "vbr-whatif-popup");
      body.appendChild(el("strong", null, d.ids[i]));
      var key = statusOf({ funded: [r.funded[i]], priority: [r.priority[i]] })[0];
      body.appendChild(el("div", null, T["status." + DRAW_ORDER[key]]));
      var facts = [
        [T["whatif.popup.distance"], F.int.format(d.dist[i]) + " m"],
        [T["whatif.popup.nh3"], F.one.format(d.nh3[i]) + " kg"],
        [T["whatif.popup.subsidy"], "€ " + F.int.format(d.cents[i] / 100)],
        [T["whatif.popup.eur_per_kg"], "€ " + F.two.format(d.cents[i] / 100 / d.nh3[i])],
        [
          T["whatif.popup.funded_by"],
          r.funded[i] >= 0 ? d.rules.pots[r.funded[i]].name : T["whatif.popup.none"],
        ],
        [T["whatif.popup.regions"], d.regions[i] || T["whatif.popup.no_region"]],
      ];
      var table = el("table");
      facts.forEach(function (f) {
        var tr = el("tr");
        tr.appendChild(el("th", null, f[0]));
        tr.appendChild(el("td", null, f[1]));
        table.appendChild(tr);
      });
      body.appendChild(table);
      var view = buyout.view(i);
      body.appendChild(view);
      /* the popup scrolls when taller than the map allows; opening the view lays it out again
       * and pans the map to show it whole, below the page's title */
      var popup = L.popup({
        maxHeight: Math.max(160, map.getSize().y - 160),
        autoPanPaddingTopLeft: [10, 80],
      });
      view.addEventListener("toggle", function () {
        popup.update();
      });
      popup.setLatLng([d.lat[i], d.lon[i]]).setContent(body).openOn(map);
    });
    var draw = function (r) {
      state.r = r;
      farms.setStatus(statusOf(r));
    };
    var controls = null;
    if (page.pot) {
      controls = panel(map, d, T, lang, draw, null, page.pot, "topleft");
      vbr.scenario = controls.scenario;
      vbr.scenarioCsv = controls.csv;
      vbr.current = controls.current;
    } else {
      /* a run without a budget: the run's priority, nobody selected, no controls */
      var priority = new Uint8Array(d.ids.length);
      for (var i = 0; i < d.ids.length; i++) {
        priority[i] = d.rules.priority_all || d.dist[i] <= d.rules.threshold_m ? 1 : 0;
      }
      draw({ priority: priority, funded: Int8Array.from(d.funded) });
      vbr.scenario = function () {
        throw new Error("this run has no budget (vbr run --no-budget): there is nothing to select");
      };
    }
    vbr.maps.push({ map: map, farms: farms, data: d, national: true, buyout: buyout });
    /* milliseconds since navigation: when the map code started (the page and its data read)
     * and when the farms were drawn */
    vbr.timings = { started_ms: started, drawn_ms: performance.now() };
    return controls;
  };
})();
