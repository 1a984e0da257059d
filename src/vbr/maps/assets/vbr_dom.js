/* vbr DOM helpers shared by vbr_map.js and vbr_scenario.js (inlined before them on every map
 * page): window.vbrDom.el makes an element with a class and text (always as textContent, never
 * as HTML), window.vbrDom.fill puts values into a catalogue text's {placeholders}. Part of vbr
 * (MIT).
 */
(function () {
  "use strict";

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

  window.vbrDom = { el: el, fill: fill };
})();
