// The page's fixed parts: stylesheet, markup and the one inline script. No untrusted text is ever
// spliced into these; the data travels in `<script type="application/json">` blocks (see HTMLMapWriter)
// which the script reads with JSON.parse and renders with textContent only.
//
// The script draws with pixel writes into one ImageData per frame (no per-point canvas path), so a
// frame costs O(N) typed-array work (measured in headless Chromium on a loaded 2-core machine: a full
// redraw of 10^5 points in 3–25 ms, of 10^6 in 36–53 ms). Hover hit-testing uses a uniform grid
// (counting sort of points into ⌈√(N/4)⌉² cells, at most 1024²), so a query looks at a handful of cells.
// Texts are parsed after the first frame is on screen, as they are the largest payload.
//
// Page features: pan (drag), zoom (wheel, pinch, +/−, 0 resets), hover or tap to read a document, click
// to pin it, legend entries that show or hide categories (the top 30 by size plus "other" when there
// are more than 40), a label/cluster switch, case-insensitive search with a count and the first 100
// matches, and deep links `#doc=<row id>&q=<query>&color=label|cluster`. The page reports its state on
// `<body>` (`data-state`, `data-point-count`, `data-drawn-count`, `data-shown-count`, `data-pinned-id`,
// `data-search-count`, `data-errors`), which is how the browser tests read it.

enum MapPage {
    /// The stylesheet (allowed by `style-src 'unsafe-inline'`).
    static let style = ##"""
:root{--fg:#1d1d1f;--bg:#fff;--muted:#5f5f5f;--line:#ddd;--input-line:#bbb;--button:#f7f7f7;--button-line:#ccc;--pressed:#e3ecfa;--pressed-line:#7a9cd3;--hover:#f0f0f0;--tip:rgba(255,255,255,.96);--veil:rgba(255,255,255,.85);--error-bg:#fde2e1;--error-fg:#8a1c17}
:root[data-theme=dark]{color-scheme:dark;--fg:#ededed;--bg:#15171c;--muted:#a3a3a3;--line:#33363d;--input-line:#555a63;--button:#23262d;--button-line:#444851;--pressed:#2b3a55;--pressed-line:#5a7bb5;--hover:#262a31;--tip:rgba(32,35,42,.96);--veil:rgba(21,23,28,.85);--error-bg:#4a1e1c;--error-fg:#ffb4ab}
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg);display:flex;flex-direction:column}
header{padding:8px 14px;border-bottom:1px solid var(--line)}
header h1{font-size:17px;margin:0;font-weight:600}
header p{margin:2px 0 0;color:var(--muted);font-size:13px}
main{flex:1;display:flex;min-height:0}
#canvas-box{flex:1;position:relative;min-width:0;overflow:hidden}
#map{display:block;touch-action:none;cursor:crosshair}
#map.dragging{cursor:grabbing}
#empty{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;color:var(--muted);font-size:18px}
#empty[hidden]{display:none}
#status{position:absolute;left:8px;bottom:6px;background:var(--veil);padding:2px 6px;border-radius:4px;color:var(--muted);font-size:12px;pointer-events:none}
#reset-view{position:absolute;right:8px;top:8px}
#tip{position:absolute;max-width:320px;pointer-events:none;background:var(--tip);border:1px solid var(--input-line);border-radius:5px;padding:5px 7px;font-size:12px;box-shadow:0 2px 6px rgba(0,0,0,.15);white-space:pre-wrap;overflow-wrap:anywhere}
#tip[hidden]{display:none}
#tip .meta{color:var(--muted);display:block;margin-bottom:2px}
aside{width:360px;border-left:1px solid var(--line);overflow:auto;padding:10px 12px;display:flex;flex-direction:column;gap:12px}
aside h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0 0 4px}
button{font:inherit;color:inherit;border:1px solid var(--button-line);background:var(--button);border-radius:4px;padding:2px 8px;cursor:pointer}
button[aria-pressed=true]{background:var(--pressed);border-color:var(--pressed-line)}
#search{width:100%;font:inherit;color:inherit;background:var(--bg);padding:5px 8px;border:1px solid var(--input-line);border-radius:4px}
#search-count{color:var(--muted);font-size:12px;margin-top:4px;min-height:1em}
#coloring button{margin-right:4px}
#legend{list-style:none;margin:0;padding:0}
#legend li{margin:1px 0}
.legend-entry{display:flex;align-items:center;gap:6px;width:100%;text-align:left;border:none;background:none;padding:2px 4px}
.legend-entry[aria-pressed=true]{background:none}
.legend-entry:hover{background:var(--hover)}
.legend-entry[aria-pressed=false]{opacity:.35}
.legend-entry .name{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.legend-entry .count{color:var(--muted);font-variant-numeric:tabular-nums}
.swatch{width:12px;height:12px;border-radius:50%;flex:none;border:1px solid rgba(0,0,0,.2)}
.swatch.other{background-image:linear-gradient(90deg,#1f77b4 0 33%,#ff7f0e 33% 66%,#2ca02c 66%)}
.legend-tools{margin-top:4px;display:flex;gap:6px}
#document{border:1px solid var(--line);border-radius:6px;padding:8px}
#doc-state{color:var(--muted);font-size:12px}
#doc-fields{display:grid;grid-template-columns:auto 1fr;gap:0 8px;margin:4px 0;font-size:12px}
#doc-fields dt{color:var(--muted)}
#doc-fields dd{margin:0;overflow-wrap:anywhere}
#doc-text{white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0 0;font-size:14px}
#doc-text.empty{color:var(--muted);font-style:italic}
#results{list-style:none;margin:0;padding:0;font-size:12px}
#results button{display:block;width:100%;text-align:left;border:none;border-bottom:1px solid var(--line);background:none;padding:3px 2px;overflow-wrap:anywhere}
#results .more{color:var(--muted);padding:3px 2px}
#errors{background:var(--error-bg);color:var(--error-fg);padding:6px 14px}
@media (max-width:800px){main{flex-direction:column}aside{width:auto;border-left:none;border-top:1px solid var(--line);max-height:45vh}#canvas-box{min-height:55vh}}
"""##

    /// The static markup of `<body>`; every text in it is fixed.
    static let bodyMarkup = ##"""
<header><h1 id="title"></h1><p id="subtitle"></p></header>
<div id="errors" role="alert" hidden></div>
<main>
<div id="canvas-box"><canvas id="map" aria-label="Scatter plot of the documents; hover or tap a point to read it"></canvas><div id="empty" hidden>No points: this map is empty.</div><div id="tip" hidden><span class="meta" id="tip-meta"></span><span id="tip-text"></span></div><div id="status" role="status">Loading…</div><button type="button" id="reset-view" title="Back to the first view (key 0)">Reset view</button></div>
<aside>
<section><h2>Search texts</h2><input id="search" type="search" placeholder="Find documents containing…" autocomplete="off" disabled><div id="search-count" aria-live="polite"></div></section>
<section id="coloring-row"><h2>Colour by</h2><div id="coloring"></div></section>
<section><h2 id="legend-title"></h2><ul id="legend"></ul><div class="legend-tools"><button type="button" id="show-all">Show all</button><button type="button" id="hide-all">Hide all</button></div></section>
<section id="document" data-index=""><h2>Document</h2><div id="doc-state"></div><div id="doc-body" hidden><dl id="doc-fields"><dt>Row id</dt><dd id="doc-id"></dd></dl><p id="doc-text"></p></div></section>
<section><ul id="results" aria-label="Matching documents"></ul></section>
</aside>
</main>
"""##

    /// The page script. Its SHA-256 goes into the Content-Security-Policy, so it must be byte-identical
    /// to what is written between `<script>` and `</script>`.
    static let script = ##"""
"use strict";
(function () {
  var body = document.body;
  var errors = [];
  function reportError(message) {
    errors.push(String(message));
    body.setAttribute("data-errors", String(errors.length));
    var box = document.getElementById("errors");
    box.hidden = false;
    box.textContent = "Error: " + errors.join(" | ");
  }
  window.addEventListener("error", function (e) { reportError(e.message || "script error"); });
  window.addEventListener("unhandledrejection", function (e) { reportError(e.reason); });
  document.addEventListener("securitypolicyviolation", function (e) {
    reportError("blocked by the Content-Security-Policy (" + e.violatedDirective + ")");
  });

  var startTime = performance.now();
  var $ = function (id) { return document.getElementById(id); };
  var nf = new Intl.NumberFormat("en-US");
  var meta = JSON.parse($("map-data").textContent);
  var N = meta.count;
  body.setAttribute("data-point-count", String(N));
  document.title = meta.title || "Map";
  $("title").textContent = meta.title;
  $("subtitle").textContent = meta.subtitle;

  // ---- Binary payloads: base64 of little-endian typed arrays ----
  var littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  var arrayTypes = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array, f32: Float32Array, f64: Float64Array };
  var getters = { u16: "getUint16", u32: "getUint32", i32: "getInt32", f32: "getFloat32", f64: "getFloat64" };
  function decodeBase64(text) {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
    var s = atob(text), n = s.length, out = new Uint8Array(n);
    for (var i = 0; i < n; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function typedArray(spec) {
    var bytes = decodeBase64(spec.data), T = arrayTypes[spec.type];
    if (T === Uint8Array) return bytes;
    var size = T.BYTES_PER_ELEMENT, n = bytes.byteLength / size;
    if (littleEndian) return new T(bytes.buffer, bytes.byteOffset, n);
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), out = new T(n), get = getters[spec.type];
    for (var i = 0; i < n; i++) out[i] = view[get](i * size, true);
    return out;
  }
  var xy = N > 0 ? typedArray(meta.xy) : new Float32Array(0);
  var ids = meta.ids ? typedArray(meta.ids) : null;
  function idOf(i) { return ids ? ids[i] : i; }
  function indexOfId(id) {
    if (!ids) return id >= 0 && id < N && Math.floor(id) === id ? id : -1;
    for (var i = 0; i < N; i++) if (ids[i] === id) return i;
    return -1;
  }

  // ---- Colours (packed for a Uint32 view of ImageData: bytes R, G, B, A in memory) ----
  function rgbOf(hex) { var v = parseInt(hex.slice(1), 16); return [(v >> 16) & 255, (v >> 8) & 255, v & 255]; }
  function pack(rgb) {
    return littleEndian ? ((255 << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0
                        : ((rgb[0] << 24) | (rgb[1] << 16) | (rgb[2] << 8) | 255) >>> 0;
  }
  // The page's background (the plot theme's): points fade into it, rings are drawn on it.
  var BACKGROUND = rgbOf(meta.background || "#ffffff");
  var DARK = document.documentElement.getAttribute("data-theme") === "dark";
  document.documentElement.style.setProperty("--bg", meta.background || "#ffffff");
  function dimmed(rgb) { return rgb.map(function (c, k) { return Math.round(c * 0.18 + BACKGROUND[k] * 0.82); }); }
  var NONE_COLOR = "#9e9e9e";
  var LEGEND_LIMIT = 40, LEGEND_TOP = 30;

  // ---- Colourings: codes[i] = category index + 1, 0 = none ----
  function makeColoring(spec) {
    var k = spec.names.length;
    var codes = spec.codes;
    var counts = new Uint32Array(k + 1);
    for (var i = 0; i < N; i++) counts[codes[i]]++;
    var hexes = [spec.noneColor].concat(spec.colors);
    var colors = new Uint32Array(k + 1), dim = new Uint32Array(k + 1);
    for (var c = 0; c <= k; c++) { var rgb = rgbOf(hexes[c]); colors[c] = pack(rgb); dim[c] = pack(dimmed(rgb)); }
    var entries = [];
    function entry(name, color, members) {
      var count = 0;
      for (var m = 0; m < members.length; m++) count += counts[members[m]];
      return { name: name, color: color, members: members, count: count, enabled: true };
    }
    if (k <= LEGEND_LIMIT) {
      for (var j = 0; j < k; j++) entries.push(entry(spec.names[j], spec.colors[j], [j + 1]));
    } else {
      var order = [];
      for (var j2 = 0; j2 < k; j2++) order.push(j2);
      order.sort(function (a, b) { return counts[b + 1] - counts[a + 1] || a - b; });
      for (var t = 0; t < LEGEND_TOP; t++) entries.push(entry(spec.names[order[t]], spec.colors[order[t]], [order[t] + 1]));
      var rest = order.slice(LEGEND_TOP).map(function (c2) { return c2 + 1; });
      var other = entry("other (" + nf.format(rest.length) + " categories)", NONE_COLOR, rest);
      other.isOther = true;
      entries.push(other);
    }
    if (counts[0] > 0) entries.push(entry(spec.noneName, spec.noneColor, [0]));
    return { key: spec.key, title: spec.title, codes: codes, names: spec.names, colors: colors, dim: dim,
             enabled: new Uint8Array(k + 1).fill(1), entries: entries };
  }
  var colorings = meta.colorings.map(function (c) {
    return makeColoring({ key: c.key, title: c.title, names: c.names, colors: c.colors, noneColor: NONE_COLOR,
                          noneName: "(none)", codes: N > 0 ? typedArray(c) : new Uint8Array(0) });
  });
  var plain = colorings.length === 0
    ? makeColoring({ key: "none", title: "documents", names: [], colors: [], noneColor: meta.defaultColor,
                     noneName: "documents", codes: new Uint8Array(N) })
    : null;
  var active = plain || colorings[0];

  // ---- View: screen = (world - centre) * scale + half size, y up ----
  var canvas = $("map"), context = canvas.getContext("2d", { alpha: false });
  var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (var p = 0; p < N; p++) {
    var px0 = xy[2 * p], py0 = xy[2 * p + 1];
    if (px0 < minX) minX = px0; if (px0 > maxX) maxX = px0;
    if (py0 < minY) minY = py0; if (py0 > maxY) maxY = py0;
  }
  if (N === 0) { minX = minY = -1; maxX = maxY = 1; }
  // Spans of a rectangle for fitting: at least 1e-6, and 1 × 1 when it is a single point.
  function spans(x0, x1, y0, y1) {
    if (x1 - x0 < 1e-6 && y1 - y0 < 1e-6) return [1, 1];
    return [Math.max(x1 - x0, 1e-6), Math.max(y1 - y0, 1e-6)];
  }
  var allSpans = spans(minX, maxX, minY, maxY), spanX = allSpans[0], spanY = allSpans[1];
  // The first view (and "Reset view"): the document's rectangle when it has one (the PNG's frame,
  // which can leave a few far-off points out), else every point. Zooming out reaches every point.
  var home = meta.view ? { x0: meta.view[0], x1: meta.view[1], y0: meta.view[2], y1: meta.view[3] }
                       : { x0: minX, x1: maxX, y0: minY, y1: maxY };
  var homeSpans = spans(home.x0, home.x1, home.y0, home.y1), homeSpanX = homeSpans[0], homeSpanY = homeSpans[1];
  var view = { cx: (home.x0 + home.x1) / 2, cy: (home.y0 + home.y1) / 2, scale: 1 };
  var fitScale = 1, cssWidth = 1, cssHeight = 1, dpr = 1, image = null, pixels = null;
  function scaleToFit(sx, sy) { return Math.min(cssWidth / sx, cssHeight / sy) * 0.92; }
  function fitView() {
    fitScale = scaleToFit(homeSpanX, homeSpanY);
    view.cx = (home.x0 + home.x1) / 2; view.cy = (home.y0 + home.y1) / 2; view.scale = fitScale;
  }
  function toWorld(sx, sy) { return [(sx - cssWidth / 2) / view.scale + view.cx, view.cy - (sy - cssHeight / 2) / view.scale]; }
  function toScreen(i) { return [(xy[2 * i] - view.cx) * view.scale + cssWidth / 2, cssHeight / 2 - (xy[2 * i + 1] - view.cy) * view.scale]; }
  function resize() {
    var box = canvas.parentElement.getBoundingClientRect();
    var firstFit = image === null;
    var old = toWorld(cssWidth / 2, cssHeight / 2);
    cssWidth = Math.max(1, Math.floor(box.width)); cssHeight = Math.max(1, Math.floor(box.height));
    dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(cssWidth * dpr)); canvas.height = Math.max(1, Math.round(cssHeight * dpr));
    canvas.style.width = cssWidth + "px"; canvas.style.height = cssHeight + "px";
    image = context.createImageData(canvas.width, canvas.height);
    pixels = new Uint32Array(image.data.buffer);
    var previousFit = fitScale;
    fitScale = scaleToFit(homeSpanX, homeSpanY);
    if (firstFit) fitView(); else { view.scale *= fitScale / previousFit; view.cx = old[0]; view.cy = old[1]; }
  }
  function zoomAt(sx, sy, factor) {
    var w = toWorld(sx, sy);
    view.scale = Math.min(Math.max(view.scale * factor, Math.min(fitScale, scaleToFit(spanX, spanY)) * 0.25), fitScale * 20000);
    view.cx = w[0] - (sx - cssWidth / 2) / view.scale;
    view.cy = w[1] + (sy - cssHeight / 2) / view.scale;
    requestDraw();
  }
  function panBy(dx, dy) { view.cx -= dx / view.scale; view.cy += dy / view.scale; requestDraw(); }

  // ---- Spatial grid for hit-testing (counting sort of points into G x G cells) ----
  var G = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(N / 4))));
  var cellStart = new Uint32Array(G * G + 1), cellItems = new Uint32Array(N);
  function cellX(x) { return Math.min(G - 1, Math.max(0, Math.floor((x - minX) / spanX * G))); }
  function cellY(y) { return Math.min(G - 1, Math.max(0, Math.floor((y - minY) / spanY * G))); }
  (function buildGrid() {
    var cellOf = new Uint32Array(N);
    for (var i = 0; i < N; i++) { cellOf[i] = cellY(xy[2 * i + 1]) * G + cellX(xy[2 * i]); cellStart[cellOf[i] + 1]++; }
    for (var c = 0; c < G * G; c++) cellStart[c + 1] += cellStart[c];
    var fill = cellStart.slice(0, G * G);
    for (var j = 0; j < N; j++) cellItems[fill[cellOf[j]]++] = j;
  })();
  function hitTest(sx, sy) {
    var radius = Math.max(pointRadiusCss() + 4, 7) / view.scale;
    var w = toWorld(sx, sy), best = -1, bestD = radius * radius;
    var x0 = cellX(w[0] - radius), x1 = cellX(w[0] + radius), y0 = cellY(w[1] - radius), y1 = cellY(w[1] + radius);
    var enabled = active.enabled, codes = active.codes;
    for (var cy = y0; cy <= y1; cy++) for (var cx = x0; cx <= x1; cx++) {
      var c = cy * G + cx;
      for (var k = cellStart[c]; k < cellStart[c + 1]; k++) {
        var i = cellItems[k];
        if (!enabled[codes[i]]) continue;
        var dx = xy[2 * i] - w[0], dy = xy[2 * i + 1] - w[1], d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = i; }
      }
    }
    return best;
  }

  // ---- Drawing: pixel writes into one ImageData (no per-point path calls) ----
  var matches = null, matchCount = 0, hovered = -1, pinned = -1, drawPending = false;
  function pointRadiusCss() {
    var base = N <= 2000 ? 3 : N <= 20000 ? 2 : N <= 200000 ? 1.5 : 1;
    return base * Math.min(6, Math.max(1, Math.sqrt(view.scale / fitScale)));
  }
  var stampCache = {};
  function stamp(r, width) {
    var key = r + "x" + width;
    if (stampCache[key]) return stampCache[key];
    var dx = [], dy = [], off = [];
    for (var y = -r; y <= r; y++) for (var x = -r; x <= r; x++) if (x * x + y * y <= r * r + r) { dx.push(x); dy.push(y); off.push(y * width + x); }
    return (stampCache[key] = { r: r, dx: Int32Array.from(dx), dy: Int32Array.from(dy), off: Int32Array.from(off) });
  }
  function requestDraw() { if (!drawPending) { drawPending = true; requestAnimationFrame(draw); } }
  function drawPass(s, ox, oy, st, onlyMatches, W, H) {
    var codes = active.codes, enabled = active.enabled, colors = active.colors, dim = active.dim;
    var r = st.r, off = st.off, sdx = st.dx, sdy = st.dy, n = off.length, drawn = 0;
    var searching = matches !== null;
    for (var i = 0; i < N; i++) {
      var c = codes[i];
      if (!enabled[c]) continue;
      var color;
      if (searching) { if ((matches[i] === 1) !== onlyMatches) continue; color = onlyMatches ? colors[c] : dim[c]; }
      else color = colors[c];
      var fx = xy[2 * i] * s + ox, fy = oy - xy[2 * i + 1] * s;
      if (fx < 0 || fy < 0 || fx >= W || fy >= H) {
        if (fx < -r || fy < -r || fx >= W + r || fy >= H + r) continue;
        var bx = Math.floor(fx), by = Math.floor(fy);
        for (var q = 0; q < n; q++) {
          var X = bx + sdx[q], Y = by + sdy[q];
          if (X >= 0 && Y >= 0 && X < W && Y < H) pixels[Y * W + X] = color;
        }
        continue;
      }
      var px = fx | 0, py = fy | 0;
      drawn++;
      if (r === 0) { pixels[py * W + px] = color; continue; }
      if (px >= r && py >= r && px < W - r && py < H - r) {
        var base = py * W + px;
        for (var q2 = 0; q2 < n; q2++) pixels[base + off[q2]] = color;
      } else {
        for (var q3 = 0; q3 < n; q3++) {
          var X2 = px + sdx[q3], Y2 = py + sdy[q3];
          if (X2 >= 0 && Y2 >= 0 && X2 < W && Y2 < H) pixels[Y2 * W + X2] = color;
        }
      }
    }
    return drawn;
  }
  function ring(i, color) {
    if (i < 0) return;
    var p = toScreen(i), r = pointRadiusCss() + 4;
    context.beginPath(); context.arc(p[0] * dpr, p[1] * dpr, r * dpr, 0, 2 * Math.PI);
    context.lineWidth = 3 * dpr; context.strokeStyle = meta.background || "#ffffff"; context.stroke();
    context.lineWidth = 1.5 * dpr; context.strokeStyle = color; context.stroke();
  }
  var lastDrawMs = 0;
  function draw() {
    drawPending = false;
    var t = performance.now();
    var W = canvas.width, H = canvas.height;
    pixels.fill(pack(BACKGROUND));
    var s = view.scale * dpr, ox = W / 2 - view.cx * s, oy = H / 2 + view.cy * s;
    var r = Math.max(0, Math.floor(pointRadiusCss() * dpr - 0.5));
    var drawn = drawPass(s, ox, oy, stamp(r, W), false, W, H);
    if (matches !== null) drawn += drawPass(s, ox, oy, stamp(r + 1, W), true, W, H);
    context.putImageData(image, 0, 0);
    ring(pinned, "#d62728");
    if (hovered !== pinned) ring(hovered, DARK ? "#eeeeee" : "#222222");
    lastDrawMs = performance.now() - t;
    body.setAttribute("data-drawn-count", String(drawn));
    updateStatus(drawn);
  }
  function shownCount() {
    var total = 0;
    for (var e = 0; e < active.entries.length; e++) if (active.entries[e].enabled) total += active.entries[e].count;
    return total;
  }
  function updateStatus(drawn) {
    var shown = shownCount();
    body.setAttribute("data-shown-count", String(shown));
    if (N === 0) { $("status").textContent = "No points: this map is empty."; return; }
    var text = nf.format(shown) + " of " + nf.format(N) + " points shown";
    if (drawn < shown) text += " (" + nf.format(drawn) + " in view; zoom out for the rest)";
    $("status").textContent = text + " \u00b7 drawn in " + Math.max(1, Math.round(lastDrawMs)) + " ms";
  }

  // ---- Legend and colouring switch ----
  function buildLegend() {
    var list = $("legend");
    list.textContent = "";
    active.entries.forEach(function (entry, index) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "legend-entry";
      button.setAttribute("aria-pressed", String(entry.enabled));
      button.setAttribute("data-entry", String(index));
      var swatch = document.createElement("span");
      swatch.className = "swatch" + (entry.isOther ? " other" : "");
      swatch.style.backgroundColor = entry.color;
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = entry.name;
      var count = document.createElement("span");
      count.className = "count";
      count.textContent = nf.format(entry.count);
      button.append(swatch, name, count);
      item.append(button);
      list.append(item);
    });
    $("legend-title").textContent = plain ? "Documents" : "Legend: " + active.title + " (click to show or hide)";
  }
  function setEntry(index, enabled) {
    var entry = active.entries[index];
    entry.enabled = enabled;
    for (var m = 0; m < entry.members.length; m++) active.enabled[entry.members[m]] = enabled ? 1 : 0;
  }
  $("legend").addEventListener("click", function (e) {
    var button = e.target.closest("button.legend-entry");
    if (!button) return;
    var index = Number(button.getAttribute("data-entry"));
    setEntry(index, !active.entries[index].enabled);
    button.setAttribute("aria-pressed", String(active.entries[index].enabled));
    afterVisibilityChange();
  });
  function setAll(enabled) {
    for (var e = 0; e < active.entries.length; e++) setEntry(e, enabled);
    buildLegend();
    afterVisibilityChange();
  }
  $("show-all").addEventListener("click", function () { setAll(true); });
  $("hide-all").addEventListener("click", function () { setAll(false); });
  function afterVisibilityChange() {
    if (hovered >= 0 && !active.enabled[active.codes[hovered]]) hovered = -1;
    updateSearchCount();
    showDocument();
    requestDraw();
  }
  function selectColoring(key) {
    var next = colorings.filter(function (c) { return c.key === key; })[0];
    if (!next || next === active) return;
    active = next;
    var buttons = $("coloring").querySelectorAll("button");
    for (var b = 0; b < buttons.length; b++) buttons[b].setAttribute("aria-pressed", String(buttons[b].getAttribute("data-key") === key));
    body.setAttribute("data-coloring", key);
    buildLegend();
    afterVisibilityChange();
  }
  if (colorings.length > 1) {
    colorings.forEach(function (c) {
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-key", c.key);
      button.setAttribute("aria-pressed", String(c === active));
      button.textContent = c.title;
      button.addEventListener("click", function () { selectColoring(c.key); });
      $("coloring").append(button);
    });
  } else {
    $("coloring-row").hidden = true;
  }
  body.setAttribute("data-coloring", active.key);

  // ---- Document panel (all untrusted text goes through textContent) ----
  var texts = null;
  function categoryRows() {
    var rows = $("doc-fields");
    colorings.forEach(function (c) {
      var dt = document.createElement("dt"); dt.textContent = c.title;
      var dd = document.createElement("dd"); dd.id = "doc-" + c.key;
      rows.append(dt, dd);
    });
  }
  var pointerAt = [0, 0];
  function showTip() {
    var tip = $("tip");
    if (hovered < 0 || texts === null) { tip.hidden = true; return; }
    var meta = "#" + idOf(hovered);
    colorings.forEach(function (c) { var code = c.codes[hovered]; meta += " \u00b7 " + (code === 0 ? "(none)" : c.names[code - 1]); });
    var t = texts[hovered];
    $("tip-meta").textContent = meta;
    $("tip-text").textContent = t === "" ? "(empty text)" : t.length > 280 ? t.slice(0, 280) + "\u2026" : t;
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = pointerAt[0] + 14, y = pointerAt[1] + 14;
    if (x + w > cssWidth - 4) x = Math.max(4, pointerAt[0] - 14 - w);
    if (y + h > cssHeight - 4) y = Math.max(4, pointerAt[1] - 14 - h);
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  function showDocument() {
    showTip();
    var i = hovered >= 0 ? hovered : pinned;
    var panel = $("document");
    if (i < 0 || texts === null) {
      panel.setAttribute("data-index", "");
      $("doc-state").textContent = N === 0 ? "" : "Hover over a point (or tap it) to read its document; click to pin it.";
      $("doc-body").hidden = true;
      return;
    }
    panel.setAttribute("data-index", String(i));
    $("doc-body").hidden = false;
    $("doc-state").textContent = i === pinned ? "Pinned (Esc or click empty space to unpin)" : "Hovered";
    $("doc-id").textContent = String(idOf(i));
    colorings.forEach(function (c) {
      var code = c.codes[i];
      $("doc-" + c.key).textContent = code === 0 ? "(none)" : c.names[code - 1];
    });
    var text = texts[i];
    $("doc-text").textContent = text === "" ? "(empty text)" : text;
    $("doc-text").classList.toggle("empty", text === "");
  }
  function pin(i, center) {
    pinned = i;
    body.setAttribute("data-pinned-id", i >= 0 ? String(idOf(i)) : "");
    if (i >= 0 && center) {
      var p = toScreen(i);   // bring the document into view only if it is near or past the edge
      if (p[0] < cssWidth * 0.1 || p[0] > cssWidth * 0.9 || p[1] < cssHeight * 0.1 || p[1] > cssHeight * 0.9) { view.cx = xy[2 * i]; view.cy = xy[2 * i + 1]; }
    }
    writeHash();
    showDocument();
    requestDraw();
  }

  // ---- Search ----
  var lowered = null, searchTimer = 0, RESULT_LIMIT = 100;
  function runSearch() {
    var query = $("search").value;
    if (query === "" || texts === null) {
      matches = null; matchCount = 0;
    } else {
      if (lowered === null) lowered = texts.map(function (t) { return t.toLowerCase(); });
      var q = query.toLowerCase();
      matches = new Uint8Array(N); matchCount = 0;
      for (var i = 0; i < N; i++) if (lowered[i].indexOf(q) !== -1) { matches[i] = 1; matchCount++; }
    }
    body.setAttribute("data-search-count", String(matchCount));
    updateSearchCount();
    listResults();
    writeHash();
    requestDraw();
  }
  function updateSearchCount() {
    var out = $("search-count");
    if (matches === null) { out.textContent = ""; return; }
    var visible = 0;
    for (var i = 0; i < N; i++) if (matches[i] && active.enabled[active.codes[i]]) visible++;
    var text = nf.format(matchCount) + (matchCount === 1 ? " document contains " : " documents contain ") + "\u201c" + $("search").value + "\u201d";
    if (visible !== matchCount) text += " (" + nf.format(visible) + " in shown categories)";
    out.textContent = text;
  }
  function listResults() {
    var list = $("results");
    list.textContent = "";
    if (matches === null) return;
    var shown = 0;
    for (var i = 0; i < N && shown < RESULT_LIMIT; i++) {
      if (!matches[i]) continue;
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-index", String(i));
      var t = texts[i];
      button.textContent = "#" + idOf(i) + " " + (t.length > 160 ? t.slice(0, 160) + "\u2026" : t);
      item.append(button);
      list.append(item);
      shown++;
    }
    if (matchCount > shown) {
      var more = document.createElement("li");
      more.className = "more";
      more.textContent = "\u2026 and " + nf.format(matchCount - shown) + " more (highlighted on the map)";
      list.append(more);
    }
  }
  $("results").addEventListener("click", function (e) {
    var button = e.target.closest("button[data-index]");
    if (button) pin(Number(button.getAttribute("data-index")), true);
  });
  $("search").addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 150); });
  $("search").addEventListener("keydown", function (e) {
    if (e.key === "Escape") { $("search").value = ""; runSearch(); }
    if (e.key === "Enter") { clearTimeout(searchTimer); runSearch(); }
    e.stopPropagation();
  });

  // ---- Deep links: #doc=<id>&q=<query>&color=<label|cluster> ----
  var applyingHash = false;
  function writeHash() {
    if (applyingHash) return;
    var params = new URLSearchParams();
    if (pinned >= 0) params.set("doc", String(idOf(pinned)));
    if ($("search").value !== "") params.set("q", $("search").value);
    if (!plain && active !== colorings[0]) params.set("color", active.key);
    var hash = params.toString();
    try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); } catch (err) { /* file:// may refuse */ }
  }
  function applyHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    applyingHash = true;
    try {
      if (params.has("color")) selectColoring(params.get("color"));
      if (params.has("q")) { $("search").value = params.get("q"); runSearch(); }
      if (params.has("doc")) {
        var i = indexOfId(Number(params.get("doc")));
        if (i >= 0) pin(i, true);
        else $("doc-state").textContent = "No document with id " + params.get("doc") + " in this map.";
      }
    } finally { applyingHash = false; }
  }
  window.addEventListener("hashchange", applyHash);

  // ---- Pointer input: hover, tap/click to pin, drag to pan, wheel and pinch to zoom ----
  var pointers = new Map(), dragMoved = false, pinch = null;
  function pinchState() {
    var pts = Array.from(pointers.values());
    return { mid: [(pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2],
             dist: Math.max(1, Math.hypot(pts[0][0] - pts[1][0], pts[0][1] - pts[1][1])) };
  }
  function local(e) { var box = canvas.getBoundingClientRect(); return [e.clientX - box.left, e.clientY - box.top]; }
  canvas.addEventListener("pointerdown", function (e) {
    canvas.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, local(e));
    if (pointers.size === 1) dragMoved = false;
    if (pointers.size === 2) { dragMoved = true; pinch = pinchState(); }
  });
  canvas.addEventListener("pointermove", function (e) {
    var p = local(e);
    if (!pointers.has(e.pointerId)) {
      if (e.pointerType === "mouse") {
        pointerAt = p;
        var hit = hitTest(p[0], p[1]);
        if (hit !== hovered) { hovered = hit; showDocument(); requestDraw(); } else if (hit >= 0) showTip();
      }
      return;
    }
    var previous = pointers.get(e.pointerId);
    pointers.set(e.pointerId, p);
    if (pointers.size === 1) {
      if (Math.abs(p[0] - previous[0]) + Math.abs(p[1] - previous[1]) > 0) {
        if (!dragMoved && Math.hypot(p[0] - previous[0], p[1] - previous[1]) < 3) return;
        dragMoved = true; canvas.classList.add("dragging");
        if (hovered >= 0) { hovered = -1; showDocument(); }
        panBy(p[0] - previous[0], p[1] - previous[1]);
      }
    } else if (pointers.size === 2) {
      var now = pinchState();
      if (pinch) { panBy(now.mid[0] - pinch.mid[0], now.mid[1] - pinch.mid[1]); zoomAt(now.mid[0], now.mid[1], now.dist / pinch.dist); }
      pinch = now;
    }
  });
  function endPointer(e) {
    if (!pointers.has(e.pointerId)) return;
    var p = pointers.get(e.pointerId);
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    if (pointers.size === 0) {
      canvas.classList.remove("dragging");
      if (!dragMoved && e.type === "pointerup") { var hit = hitTest(p[0], p[1]); if (e.pointerType !== "mouse") hovered = -1; pin(hit, false); }
    }
  }
  canvas.addEventListener("pointerup", endPointer);
  canvas.addEventListener("pointercancel", endPointer);
  canvas.addEventListener("pointerleave", function (e) { if (e.pointerType === "mouse" && hovered >= 0) { hovered = -1; showDocument(); requestDraw(); } });
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = local(e), delta = e.deltaY * (e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1);
    zoomAt(p[0], p[1], Math.exp(-Math.max(-300, Math.min(300, delta)) * 0.002));
  }, { passive: false });
  window.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { pin(-1, false); }
    else if (e.key === "+" || e.key === "=") zoomAt(cssWidth / 2, cssHeight / 2, 1.25);
    else if (e.key === "-") zoomAt(cssWidth / 2, cssHeight / 2, 0.8);
    else if (e.key === "0") { fitView(); requestDraw(); }
  });
  $("reset-view").addEventListener("click", function () { fitView(); requestDraw(); });
  window.addEventListener("resize", function () { resize(); requestDraw(); });

  // ---- Start: draw at once, then parse the texts (the largest payload) ----
  categoryRows();
  buildLegend();
  resize();
  if (N === 0) $("empty").hidden = false;
  draw();
  setTimeout(function () {
    texts = JSON.parse($("map-texts").textContent);
    if (!Array.isArray(texts) || texts.length !== N) { reportError("the embedded texts do not match the points"); texts = null; return; }
    $("search").disabled = N === 0;
    showDocument();
    applyHash();
    draw();
    body.setAttribute("data-load-ms", String(Math.round(performance.now() - startTime)));
    body.setAttribute("data-state", "ready");
  }, 0);
})();
"""##
}
