/* Dashboard charts drawn as SVG from the app's own JSON (no third-party code or requests).
   Bar and line charts, and a tile-grid map of U.S. states and territories. Every chart has
   its data in a table next to it, so the SVG is decorative for screen readers. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  // Tile-grid layout: [column, row] of each state and territory.
  var TILES = {
    AK: [0, 0], ME: [11, 0], VT: [10, 1], NH: [11, 1], WA: [1, 2], ID: [2, 2], MT: [3, 2], ND: [4, 2], MN: [5, 2],
    IL: [6, 2], WI: [7, 2], MI: [8, 2], NY: [9, 2], MA: [10, 2], RI: [11, 2], OR: [1, 3], NV: [2, 3], WY: [3, 3],
    SD: [4, 3], IA: [5, 3], IN: [6, 3], OH: [7, 3], PA: [8, 3], NJ: [9, 3], CT: [10, 3], CA: [1, 4], UT: [2, 4],
    CO: [3, 4], NE: [4, 4], MO: [5, 4], KY: [6, 4], WV: [7, 4], VA: [8, 4], MD: [9, 4], DE: [10, 4], AZ: [2, 5],
    NM: [3, 5], KS: [4, 5], AR: [5, 5], TN: [6, 5], NC: [7, 5], SC: [8, 5], DC: [9, 5], OK: [4, 6], LA: [5, 6],
    MS: [6, 6], AL: [7, 6], GA: [8, 6], HI: [0, 7], TX: [4, 7], FL: [9, 7], GU: [0, 8], MP: [1, 8], AS: [2, 8],
    PR: [9, 8], VI: [10, 8]
  };

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function svg(width, height) {
    return el("svg", { viewBox: "0 0 " + width + " " + height, class: "chart-svg", focusable: "false" });
  }

  // Long labels wrap onto at most three lines rather than being cut off.
  function wrap(label, width) {
    var lines = [""];
    label.split(/\s+/).forEach(function (word) {
      var last = lines[lines.length - 1];
      if (last && (last + " " + word).length > width) { lines.push(word); }
      else { lines[lines.length - 1] = last ? last + " " + word : word; }
    });
    if (lines.length > 3) { lines = lines.slice(0, 2).concat([lines.slice(2).join(" ")]); }
    return lines;
  }

  function bars(series) {
    var lineH = 15, labelW = 250, width = 620, y = 5;
    var max = Math.max.apply(null, series.map(function (d) { return d.value; }).concat([1]));
    var rows = series.map(function (d) { return wrap(d.label, 34); });
    var height = rows.reduce(function (h, lines) { return h + Math.max(26, lines.length * lineH + 11); }, 10);
    var s = svg(width, height);
    series.forEach(function (d, i) {
      var lines = rows[i], rowH = Math.max(26, lines.length * lineH + 11), mid = y + rowH / 2;
      var w = (width - labelW - 60) * d.value / max;
      var text = el("text", { x: labelW - 8, y: mid - (lines.length - 1) * lineH / 2 + 4, class: "chart-label", "text-anchor": "end" });
      lines.forEach(function (line, n) {
        text.appendChild(el("tspan", { x: labelW - 8, dy: n ? lineH : 0 }, line));
      });
      s.appendChild(text);
      s.appendChild(el("rect", { x: labelW, y: mid - 9, width: Math.max(w, 0.5), height: 18, class: "chart-bar" }));
      s.appendChild(el("text", { x: labelW + w + 6, y: mid + 4, class: "chart-value" }, String(d.value)));
      y += rowH;
    });
    return s;
  }

  function line(series) {
    var width = 560, height = 220, pad = 36;
    var max = Math.max.apply(null, series.map(function (d) { return d.value; }).concat([1]));
    var step = series.length > 1 ? (width - 2 * pad) / (series.length - 1) : 0;
    var s = svg(width, height), points = [];
    s.appendChild(el("line", { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, class: "chart-axis" }));
    series.forEach(function (d, i) {
      var x = pad + i * step, y = height - pad - (height - 2 * pad) * d.value / max;
      points.push(x + "," + y);
      s.appendChild(el("circle", { cx: x, cy: y, r: 3.5, class: "chart-point" }));
      s.appendChild(el("text", { x: x, y: y - 8, class: "chart-value", "text-anchor": "middle" }, String(d.value)));
      if (i % Math.ceil(series.length / 6) === 0) {
        s.appendChild(el("text", { x: x, y: height - pad + 16, class: "chart-label", "text-anchor": "middle" }, d.label));
      }
    });
    s.insertBefore(el("polyline", { points: points.join(" "), class: "chart-line" }), s.firstChild.nextSibling);
    return s;
  }

  function map(series) {
    var size = 44, gap = 4, s = svg(12 * (size + gap), 9 * (size + gap));
    var max = Math.max.apply(null, series.map(function (d) { return d.value; }).concat([1]));
    series.forEach(function (d) {
      var tile = TILES[d.key];
      if (!tile) { return; }
      var x = tile[0] * (size + gap), y = tile[1] * (size + gap);
      var level = d.value === 0 ? 0 : 1 + Math.min(4, Math.floor(4 * d.value / (max + 1)));
      var g = el("g", { class: "tile tile-" + level });
      g.appendChild(el("title", {}, d.label + ": " + d.value + (d.value ? " requests" : " (not reached)")));
      g.appendChild(el("rect", { x: x, y: y, width: size, height: size, rx: 4 }));
      g.appendChild(el("text", { x: x + size / 2, y: y + 18, "text-anchor": "middle", class: "tile-code" }, d.key));
      g.appendChild(el("text", { x: x + size / 2, y: y + 35, "text-anchor": "middle", class: "tile-count" }, String(d.value)));
      s.appendChild(g);
    });
    return s;
  }

  var DRAW = { bar: bars, line: line, map: map };

  function render(data) {
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var series = data.charts[box.getAttribute("data-chart")] || [];
      var draw = DRAW[box.getAttribute("data-kind")];
      box.textContent = "";
      if (draw) { box.appendChild(draw(series)); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-src]");
    if (!section || !window.fetch) { return; }
    fetch(section.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(render)
      .catch(function () { /* the data tables below each chart still show every figure */ });
  });
})();
