"""The report's inline CSS and vanilla JavaScript (no external resources)."""

from __future__ import annotations

CSS = """
:root {
  --ink: #1d2330; --muted: #5f6b7a; --line: #dde2ea; --bg: #f6f7f9; --card: #fff;
  --accent: #2f6fdb; --font: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "Helvetica Neue", Arial, sans-serif;
}
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin: 0; font: 15px/1.5 var(--font); color: var(--ink); background: var(--bg); }
header.top { background: #1d2330; color: #fff; padding: 18px 24px 12px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; }
header.top p { margin: 0; color: #c5ccd8; font-size: 13px; }
nav.toc { position: sticky; top: 0; z-index: 5; background: #fff;
  border-bottom: 1px solid var(--line);
  padding: 6px 24px; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 14px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { max-width: 1240px; margin: 0 auto; padding: 8px 24px 48px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 16px 20px; margin: 18px 0; }
section > h2 { margin: 0 0 8px; font-size: 20px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p.note, .muted { color: var(--muted); font-size: 13px; }
code { font-size: 12px; background: #eef1f5; padding: 0 3px; border-radius: 3px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.tile b { display: block; font-size: 22px; }
.tile span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f0f2f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { background: #f7f8fa; font-weight: 600; white-space: nowrap; }
.wrap { overflow-x: auto; }
.chips span { display: inline-block; background: #eef1f5; border-radius: 10px; padding: 0 8px;
  margin: 2px 4px 2px 0; font-size: 12px; }
.links { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr));
  gap: 4px 12px; font-size: 12px; margin: 4px 0 6px; }
.links ul { margin: 2px 0; padding-left: 16px; }
.cands li { margin: 4px 0; border-left: 4px solid var(--c, #999); padding-left: 6px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--c, #999); border-radius: 6px;
  padding: 10px 12px; break-inside: avoid; }
.card h3 { margin: 0 0 2px; font-size: 15px; }
.card .sub { color: var(--muted); font-size: 12px; margin-bottom: 6px; }
.mix { display: flex; height: 12px; border-radius: 3px; overflow: hidden; background: #eee;
  margin: 6px 0 2px; }
.mix span { display: block; height: 100%; }
.mixlegend { font-size: 12px; color: var(--muted); }
.mixlegend i, .legend i, .sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 4px; vertical-align: -1px; }
blockquote.q { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #c9d1dd;
  background: #fafbfc; }
blockquote.q p { margin: 0; }
blockquote.q footer { font-size: 11.5px; color: var(--muted); }
blockquote.q footer code { font-size: 11px; }
details > summary { cursor: pointer; color: var(--accent); font-size: 13px; margin: 4px 0; }
.bars { display: grid; grid-template-columns: minmax(160px, max-content) 1fr; gap: 4px 10px;
  align-items: center; font-size: 13px; max-width: 760px; }
.barcell { display: flex; align-items: center; gap: 8px; }
.bar { height: 14px; border-radius: 3px; min-width: 1px; }
.quad { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.quad .card h3 { display: flex; justify-content: space-between; }
.quad .dir { font-size: 12px; color: var(--muted); font-weight: normal; }
table.heat td.hc { text-align: center; min-width: 82px; }
table.heat td.hc b { font-size: 14px; }
table.heat td.hc small { display: block; color: #333; font-size: 11px; }
table.heat .sig { color: #000; font-weight: 700; }
table.heat th.item { max-width: 340px; font-weight: 500; }
td.desc { min-width: 260px; }
td.market { min-width: 220px; }
.scale { display: inline-flex; align-items: center; gap: 4px;
  font-size: 12px; color: var(--muted); }
.scale span { display: inline-block; width: 28px; height: 12px; }
ol.findings > li { margin: 0 0 14px; }
ol.findings .stmt { font-weight: 600; margin: 0; }
ol.findings .stats { font-size: 12.5px; color: var(--muted); margin: 0 0 4px; }
.badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px;
  background: #fde7c8; color: #8a4b00; margin-left: 4px; }
figure.map { position: relative; margin: 8px 0; }
#map-canvas { width: 100%; height: 560px; display: block; border: 1px solid var(--line);
  border-radius: 6px; background: #fff; cursor: crosshair; }
.tip { position: absolute; z-index: 10; max-width: 380px; background: #1d2330; color: #fff;
  padding: 6px 9px; border-radius: 6px; font-size: 12.5px; pointer-events: none;
  box-shadow: 0 2px 8px rgba(0,0,0,.25); }
.tip .tip-m { color: #c5ccd8; font-size: 11.5px; margin-top: 3px; }
.maptools { display: flex; gap: 12px; align-items: center; font-size: 13px; margin: 4px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 6px; font-size: 12px; max-height: 160px;
  overflow-y: auto; }
.legend button { border: 1px solid transparent; background: none; border-radius: 4px;
  padding: 1px 4px;
  font: inherit; cursor: pointer; color: var(--ink); text-align: left; }
.legend button:hover { border-color: var(--line); }
.legend button.on { border-color: var(--ink); background: #f0f2f6; }
.legend[hidden] { display: none; }
@media (max-width: 800px) { .quad { grid-template-columns: 1fr; } main { padding: 8px; } }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 11pt; }
  nav.toc, .tip, .maptools, .noprint { display: none !important; }
  header.top { background: #fff; color: #000; border-bottom: 2px solid #000; }
  header.top p { color: #333; }
  main { max-width: none; padding: 0; }
  section { border: none; padding: 0; margin: 0 0 14pt; break-before: page; }
  section#overview { break-before: auto; }
  .card, blockquote.q, tr, .tile { break-inside: avoid; }
  .grid { grid-template-columns: 1fr 1fr; }
  .legend { max-height: none; overflow: visible; }
  .wrap { overflow: visible; }
}
"""

JS = r"""
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  var data = source ? JSON.parse(source.textContent) : {};
  if (data.map && document.getElementById("map-canvas")) { initMap(data.map); }
  initPrint();
  document.body.dataset.ready = "1";

  function initPrint() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details:not([open])").forEach(function (d) {
        d.open = true; opened.push(d);
      });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    });
  }

  function initMap(m) {
    var canvas = document.getElementById("map-canvas");
    var tip = document.getElementById("map-tip");
    var tipText = tip.querySelector(".tip-t"), tipMeta = tip.querySelector(".tip-m");
    var ctx = canvas.getContext("2d");
    var n = m.x.length, cell = 12, W = 0, H = 0, hover = -1, mode = "cluster", focus = null;
    var px = new Float32Array(n), py = new Float32Array(n), grid = new Map();
    var info = {};
    m.clusters.forEach(function (c) { info[c[0]] = { label: c[1], color: c[2], labelled: c[3] }; });
    var grey = "#a3a9b3";

    function keyOf(i) { return mode === "category" ? m.g[i] : m.k[i]; }
    function colorOf(i) {
      if (mode === "category") { return m.g[i] >= 0 ? m.categories[m.g[i]][2] : grey; }
      return info[m.k[i]] ? info[m.k[i]].color : grey;
    }
    function layout() {
      var dpr = window.devicePixelRatio || 1, i;
      var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (i = 0; i < n; i++) {
        x0 = Math.min(x0, m.x[i]); x1 = Math.max(x1, m.x[i]);
        y0 = Math.min(y0, m.y[i]); y1 = Math.max(y1, m.y[i]);
      }
      var dx = Math.max(x1 - x0, 1), dy = Math.max(y1 - y0, 1);
      W = canvas.clientWidth;
      canvas.style.height = Math.round(Math.max(320, Math.min(640, W * dy / dx + 40))) + "px";
      H = canvas.clientHeight;
      if (!W || !H) { return; }
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      var pad = 18, scale = Math.min((W - 2 * pad) / dx, (H - 2 * pad) / dy);
      var ox = (W - scale * dx) / 2, oy = (H - scale * dy) / 2;
      grid = new Map();
      for (i = 0; i < n; i++) {
        px[i] = ox + (m.x[i] - x0) * scale;
        py[i] = oy + (y1 - m.y[i]) * scale;
        var gk = Math.floor(px[i] / cell) + "," + Math.floor(py[i] / cell);
        var list = grid.get(gk);
        if (!list) { list = []; grid.set(gk, list); }
        list.push(i);
      }
      draw();
    }
    function dot(i, r) {
      ctx.beginPath(); ctx.arc(px[i], py[i], r, 0, 2 * Math.PI); ctx.fill();
    }
    function draw() {
      ctx.clearRect(0, 0, W, H);
      var r = n > 8000 ? 1.5 : n > 3000 ? 2 : 2.8, i;
      for (var pass = 0; pass < 2; pass++) {
        for (i = 0; i < n; i++) {
          var back = focus === null ? (mode === "cluster" ? m.k[i] < 0 : m.g[i] < 0)
            : keyOf(i) !== focus;
          if ((pass === 0) !== back) { continue; }
          ctx.globalAlpha = back ? (focus === null ? 0.45 : 0.12) : 0.85;
          ctx.fillStyle = back && focus !== null ? grey : colorOf(i);
          dot(i, r);
        }
      }
      ctx.globalAlpha = 1;
      if (mode === "cluster") { drawLabels(); }
      if (hover >= 0) {
        ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
        ctx.beginPath(); ctx.arc(px[hover], py[hover], r + 3, 0, 2 * Math.PI); ctx.stroke();
      }
    }
    function drawLabels() {
      var sums = {};
      for (var i = 0; i < n; i++) {
        var k = m.k[i];
        if (k < 0 || !info[k] || !info[k].labelled || (focus !== null && k !== focus)) { continue; }
        var s = sums[k] || (sums[k] = [0, 0, 0]);
        s[0] += px[i]; s[1] += py[i]; s[2] += 1;
      }
      ctx.font = "600 11px system-ui, sans-serif";
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.fillStyle = "#1d2330";
      Object.keys(sums).forEach(function (k) {
        var s = sums[k], x = s[0] / s[2], y = s[1] / s[2], text = "#" + k;
        ctx.strokeText(text, x, y); ctx.fillText(text, x, y);
      });
    }
    function nearest(x, y) {
      var best = -1, bestD = 81, gx = Math.floor(x / cell), gy = Math.floor(y / cell);
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          var list = grid.get((gx + dx) + "," + (gy + dy)) || [];
          for (var j = 0; j < list.length; j++) {
            var i = list[j];
            if (focus !== null && keyOf(i) !== focus) { continue; }
            var d = (px[i] - x) * (px[i] - x) + (py[i] - y) * (py[i] - y);
            if (d < bestD) { bestD = d; best = i; }
          }
        }
      }
      return best;
    }
    function show(i) {
      if (i === hover) { return; }
      hover = i;
      draw();
      if (i < 0) { tip.hidden = true; return; }
      var k = m.k[i], cluster = k >= 0 && info[k] ? "#" + k + " " + info[k].label : "unassigned";
      var category = m.g[i] >= 0 ? " · " + m.categories[m.g[i]][1] : "";
      tipText.textContent = "\u201c" + m.t[i] + "\u201d";
      tipMeta.textContent = cluster + category + " — " + m.who[m.w[i]] +
        (m.s[i] ? " · " + m.s[i] : "") + " · " + m.u[i];
      tip.hidden = false;
      var left = px[i] + 14, top = py[i] + 10;
      if (left + tip.offsetWidth > W) { left = Math.max(0, px[i] - tip.offsetWidth - 14); }
      if (top + tip.offsetHeight > H) { top = Math.max(0, py[i] - tip.offsetHeight - 10); }
      tip.style.left = left + "px"; tip.style.top = top + "px";
    }
    canvas.addEventListener("mousemove", function (ev) {
      var box = canvas.getBoundingClientRect();
      show(nearest(ev.clientX - box.left, ev.clientY - box.top));
    });
    canvas.addEventListener("mouseleave", function () { show(-1); });
    function bindLegend(id, parse) {
      var legend = document.getElementById(id);
      if (!legend) { return; }
      legend.addEventListener("click", function (ev) {
        var button = ev.target.closest("button");
        if (!button) { return; }
        var key = parse(button.dataset.key);
        focus = focus === key ? null : key;
        legend.querySelectorAll("button").forEach(function (b) {
          b.classList.toggle("on", parse(b.dataset.key) === focus);
        });
        hover = -1; tip.hidden = true; draw();
      });
    }
    bindLegend("map-legend-cluster", function (v) { return parseInt(v, 10); });
    bindLegend("map-legend-category", function (v) { return parseInt(v, 10); });
    var select = document.getElementById("map-mode");
    if (select) {
      select.addEventListener("change", function () {
        mode = select.value; focus = null; hover = -1; tip.hidden = true;
        document.querySelectorAll(".legend button.on").forEach(function (b) {
          b.classList.remove("on");
        });
        document.getElementById("map-legend-cluster").hidden = mode !== "cluster";
        var cats = document.getElementById("map-legend-category");
        if (cats) { cats.hidden = mode !== "category"; }
        draw();
      });
    }
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; layout(); });
    });
    window.addEventListener("beforeprint", layout);
    layout();
  }
})();
"""
