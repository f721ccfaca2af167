// The book's chart script, bundled with Vega by `se_ambulance.publish.charts.write_bundle` into se-charts.js.
// Each chart's figure pushes [element id, Vega spec, meta] onto window.seChartQueue; this draws each one at its
// container's width, again whenever that width changes, and fills in the figure's CSV link and, when a reader
// opens it, its table of numbers. Plain ES2020, no other library.
import * as vega from "__VEGA_MODULE__";

const NARROW = __NARROW_PX__;
const CSV_DATA = "__CSV_DATA__";
const FONT = __FONT__;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];
const pad2 = (n) => (n < 10 ? "0" : "") + n;

// As the book writes a time (publish.format.mmss): m:ss under an hour, '5 h 07 min' from an hour.
function clock(minutes) {
  const sign = minutes < 0 ? "\u2212" : "";
  const s = Math.round(Math.abs(minutes) * 60);
  if (s >= 3600) {
    const whole = Math.round(s / 60);
    return sign + Math.floor(whole / 60) + " h " + pad2(whole % 60) + " min";
  }
  return sign + Math.floor(s / 60) + ":" + pad2(s % 60);
}

function monthName(v) {
  if (typeof v === "string") {
    const m = /^(\d{4})-(\d{2})/.exec(v);
    return m ? MONTHS[+m[2] - 1] + " " + m[1] : v;
  }
  const d = new Date(v);
  return isNaN(d) ? String(v) : MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
}

function number(v, digits) {
  const text = Math.abs(v).toLocaleString("en-GB", {minimumFractionDigits: digits, maximumFractionDigits: digits});
  return (v < 0 && +text.replace(/,/g, "") !== 0 ? "\u2212" : "") + text;
}

// `format` is "<kind>:<digits>", as publish.charts.Field writes it.
function seFormat(v, format) {
  const parts = String(format || "text:1").split(":");
  const kind = parts[0], digits = parts[1] === undefined ? 1 : +parts[1];
  if (v === null || v === undefined || v === "" || (typeof v === "number" && !isFinite(v))) return "no data";
  if (kind === "month") return monthName(v);
  if (kind === "text" || kind === "year" || isNaN(+v)) return String(v);
  v = +v;
  if (kind === "mmss") return clock(v);
  if (kind === "percent") return number(100 * v, digits) + "%";
  if (kind === "money") return (v < 0 ? "\u2212" : "") + "\u00a3" + number(Math.abs(v), digits) + "m";
  return number(v, digits);
}
vega.expressionFunction("seFormat", seFormat);

// Text measured in the charts' font, and broken into lines at spaces, each at most `px` wide (a single word longer
// than that stays whole). Vega draws an array of lines as multi-line text: axis labels, titles and legend labels
// wrap instead of being cut short with an ellipsis.
const measure = document.createElement("canvas").getContext("2d");
function textWidth(text, size, bold) {
  measure.font = (bold ? "bold " : "") + size + "px " + FONT;
  return measure.measureText(String(text)).width;
}
function lines(text, px, size, bold) {
  const out = [];
  let line = "";
  for (const word of String(text).split(" ")) {
    const next = line ? line + " " + word : word;
    if (line && textWidth(next, size, bold) > px) { out.push(line); line = word; } else line = next;
  }
  if (line || !out.length) out.push(line);
  return out;
}
function seWrap(text, px, size, bold) {
  if (Array.isArray(text)) return text;
  const out = lines(text, px, size, bold);
  return out.length > 1 ? out : out[0];
}
vega.expressionFunction("seWrap", seWrap);

// A tooltip inside the chart's own box (so it never widens the page), hidden from assistive technology: the
// figure's table of numbers is what a keyboard or a screen reader uses.
function tooltipIn(box) {
  const tip = document.createElement("div");
  tip.className = "se-tooltip";
  tip.setAttribute("aria-hidden", "true");
  tip.hidden = true;
  box.appendChild(tip);
  box.addEventListener("pointerleave", () => { tip.hidden = true; });
  return function (handler, event, item, value) {
    if (value === null || value === undefined || value === "") { tip.hidden = true; return; }
    tip.textContent = "";
    const rows = typeof value === "object" ? Object.entries(value) : [[null, value]];
    for (const [key, text] of rows) {
      const line = document.createElement("div");
      if (key !== null) {
        const k = document.createElement("span");
        k.className = "se-tooltip-key";
        k.textContent = key + ": ";
        line.appendChild(k);
      }
      line.appendChild(document.createTextNode(String(text)));
      tip.appendChild(line);
    }
    tip.hidden = false;
    const r = box.getBoundingClientRect();
    let x = event.clientX - r.left + 14, y = event.clientY - r.top + 14;
    if (x + tip.offsetWidth > r.width) x = Math.max(0, event.clientX - r.left - tip.offsetWidth - 14);
    if (y + tip.offsetHeight > r.height) y = Math.max(0, event.clientY - r.top - tip.offsetHeight - 14);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  };
}

function eachLegend(node, fn) {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node.legends)) node.legends.forEach(fn);
  if (Array.isArray(node.marks)) node.marks.forEach((m) => eachLegend(m, fn));
}

function eachAxis(node, fn) {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node.axes)) node.axes.forEach((a) => fn(a, node));
  if (Array.isArray(node.marks)) node.marks.forEach((m) => eachAxis(m, fn));
}

// A scale by name, looked up from `node` outwards (a facet's panels carry their own scales).
function findScale(spec, name) {
  let found = null;
  (function walk(node) {
    if (!node || typeof node !== "object" || found) return;
    (node.scales || []).forEach((sc) => { if (sc.name === name) found = sc; });
    (node.marks || []).forEach(walk);
  })(spec);
  return found;
}

// The spec with a patch applied ([[path, value], ...], as publish.charts.json_patch writes it).
function patched(spec, patch) {
  let s = structuredClone(spec);
  for (const [path, value] of patch || []) {
    if (!path.length) { s = structuredClone(value); continue; }
    let node = s;
    for (let i = 0; i < path.length - 1; i++) node = node[path[i]];
    node[path[path.length - 1]] = structuredClone(value);
  }
  return s;
}

// An element's labels drawn through seWrap (keeping whatever text the compiled spec already makes).
// `centre`: a label of several lines is centred on its tick (a category axis), not hung from it.
function wrapText(owner, part, px, size, lineHeight, centre) {
  owner.encode = Object.assign({}, owner.encode);
  const enc = Object.assign({}, owner.encode[part]);
  const update = Object.assign({}, enc.update);
  const text = update.text && update.text.signal ? update.text.signal : "datum.label";
  const wrapped = `seWrap(${text}, ${Math.max(40, Math.floor(px))}, ${size})`;
  update.text = {signal: wrapped};
  if (lineHeight) update.lineHeight = {value: lineHeight};
  if (centre) update.dy = {signal: `isArray(${wrapped}) ? -(length(${wrapped}) - 1) * ${lineHeight / 2} : 0`};
  enc.update = update;
  owner.encode[part] = enc;
}

// A chart laid out in panels (a facet or concatenation, even of one panel) is sized by its panels' widths.
const panelled = (spec, meta) => meta.widths.length > 0 && (meta.panels > 1 || "layout" in spec);

// The spec at a width: single views fit it exactly (Vega's "fit-x"); panels are sized to share it, one per
// row on a narrow screen; legends take as many columns as their longest label allows and wrap a label that is
// still too long; the labels of a category axis (left or right) and any axis title too wide for the plot wrap
// onto more lines. `adjust` ({panel, label, right} in pixels) corrects the estimates after a first drawing.
function fit(spec, meta, width, adjust) {
  const narrow = width < NARROW;
  adjust = adjust || {};
  const s = patched(spec, narrow ? meta.narrow : null);
  (s.data || []).forEach((d) => { if (d.name === CSV_DATA) d.values = meta.csv; });
  const config = s.config || {}, axisCfg = config.axis || {}, legendCfg = config.legend || {};
  const cut = adjust.label || 0;
  eachLegend(s, (legend) => {
    if (legend.type === "gradient") return;
    const size = legend.labelFontSize || legendCfg.labelFontSize || 12;
    const scale = findScale(s, legend.stroke || legend.fill || legend.strokeDash || legend.shape || legend.size);
    const labels = scale && Array.isArray(scale.domain) ? scale.domain.map(String) : null;
    const longest = labels ? Math.max(...labels.map((l) => textWidth(l, size))) : 180;
    const room = 40;  // the symbol, its gap and the space between columns
    let columns = Math.max(1, Math.floor(width / (longest + room)));
    if (labels) columns = Math.min(columns, labels.length);
    if (adjust.columns) columns = Math.max(1, Math.min(columns, adjust.columns));
    legend.columns = columns;
    const limit = Math.max(60, Math.floor(width / columns) - room - cut);
    legend.labelLimit = limit + 20;
    wrapText(legend, "labels", limit, size, size + 2);
  });
  // Room for a category axis's labels: about a third of the width (two fifths on a phone).
  const labelRoom = Math.floor(width * (narrow ? 0.38 : 0.3));
  let leftRoom = 60;
  eachAxis(s, (axis, owner) => {
    const scale = findScale(owner, axis.scale) || findScale(s, axis.scale);
    const discrete = scale && (scale.type === "band" || scale.type === "point");
    const size = axis.labelFontSize || axisCfg.labelFontSize || 11;
    if ((axis.orient === "left" || axis.orient === "right") && discrete && axis.labels !== false) {
      const px = Math.min(axis.labelLimit || 1e9, labelRoom) - cut;
      axis.labelLimit = px + 20;
      wrapText(axis, "labels", px, size, size + 2, true);
      if (axis.orient === "left") leftRoom = Math.max(leftRoom, px + 24);
    } else if ((axis.orient === "left" || axis.orient === "right") && narrow) {
      axis.labelLimit = Math.max(40, Math.min(axis.labelLimit || 180, Math.floor(width * 0.4)) - cut);
    }
  });
  let inner = null;
  if (panelled(spec, meta)) {
    const columns = narrow ? 1 : meta.panels;
    inner = Math.max(100, Math.floor((width - 20 * (columns - 1)) / columns) - 60 - (adjust.panel || 0));
    (s.signals || []).forEach((sig) => { if (meta.widths.indexOf(sig.name) >= 0) sig.value = inner; });
  } else {
    s.width = width;
    s.autosize = {type: "fit-x", contains: "padding"};
    const pad = {left: 5 + (adjust.left || 0), right: 5 + (adjust.right || 0), top: 5, bottom: 5};
    if (meta.aspect) {
      s.height = Math.round(Math.min(width * meta.aspect, 720));
      pad.left += 7;  // a map has no axis: room for a legend's first label
    }
    s.padding = pad;
  }
  // Axis titles wider than the plot wrap (they are centred on it, and would run past the chart's edge).
  const plot = inner || width - leftRoom - (adjust.right || 0);
  eachAxis(s, (axis) => {
    if (typeof axis.title !== "string" || (axis.orient !== "bottom" && axis.orient !== "top")) return;
    const size = axis.titleFontSize || axisCfg.titleFontSize || 12;
    if (textWidth(axis.title, size, true) > plot) axis.title = lines(axis.title, plot, size, true);
  });
  return s;
}

const csvOf = (item) => item[2].csv;

// How far the drawing spills past `width`: the whole SVG, its widest legend (legends start where the plot starts,
// so a long label can run past the chart's right edge), and any text past either edge of the chart's box.
function spill(svg, width) {
  const box = svg.getBoundingClientRect(), left = box.left;
  const whole = box.width - width;
  const legends = [...svg.querySelectorAll("g.role-legend")].map((g) => g.getBoundingClientRect().right - left - width);
  let right = 0, before = 0;
  for (const t of svg.querySelectorAll("text")) {
    const r = t.getBoundingClientRect();
    if (!r.width) continue;
    right = Math.max(right, r.right - left - width);
    before = Math.max(before, left - r.left);
  }
  return {whole: whole, legend: Math.max(0, ...legends), text: Math.max(right, before), right: right, left: before};
}

function draw(item, width, adjust, tries) {
  const el = document.getElementById(item[0]);
  if (item.view) item.view.finalize();
  el.textContent = "";
  const view = new vega.View(vega.parse(fit(item[1], item[2], width, adjust)),
    {renderer: "svg", container: el, hover: true});
  view.tooltip(item.tooltip);
  item.view = view;
  item.width = width;
  return view.runAsync().then(() => {
    const svg = el.querySelector("svg");
    if (svg) {
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      // Panel widths, legend columns and labels are sized from estimates; correct them if the drawing spills over.
      const over = spill(svg, width);
      if ((over.whole > 0.5 || over.legend > 0.5 || over.text > 0.5) && (tries || 0) < 4) {
        const a = adjust || {}, panels = panelled(item[1], item[2]);
        const columns = width < NARROW ? 1 : item[2].panels;
        const grow = Math.ceil(Math.max(over.whole, over.text) / columns) + 2;
        const next = {panel: (a.panel || 0) + (panels && (over.whole > 0.5 || over.text > 0.5) ? grow : 0),
                      right: (a.right || 0) + (!panels && over.right > 0.5 ? Math.ceil(over.right) + 2 : 0),
                      left: (a.left || 0) + (!panels && over.left > 0.5 ? Math.ceil(over.left) + 2 : 0),
                      label: (a.label || 0) + (over.legend > 0.5 ? Math.ceil(over.legend) + 4 : 0),
                      columns: over.legend > 0.5 ? Math.max(1, (a.columns || 4) - 1) : a.columns};
        return draw(item, width, next, (tries || 0) + 1);
      }
    }
    el.parentNode.setAttribute("data-rendered", "true");
  });
}

function fail(el, err) {
  el.setAttribute("data-render-error", String(err));
  console.error(err);
}

function table(item) {
  const meta = item[2], fields = meta.fields || {};
  const rows = vega.read(csvOf(item), {type: "csv"});
  const columns = rows.columns || Object.keys(rows[0] || {});
  const title = (c) => (fields[c] ? fields[c].title : c.replace(/_/g, " "));
  const show = (c, v) => (fields[c] ? seFormat(v, fields[c].format) : v);
  let head = columns.map(title), body;
  if (meta.table) {
    const t = meta.table, keys = [], seen = {}, grid = {}, order = [];
    rows.forEach((r) => {
      const key = t.columns.map((c) => r[c]).join(" \u00b7 ");
      if (!(key in seen)) { seen[key] = 1; keys.push(key); }
      if (!(r[t.rows] in grid)) { grid[r[t.rows]] = {}; order.push(r[t.rows]); }
      grid[r[t.rows]][key] = show(t.value, r[t.value]);
    });
    head = [title(t.rows)].concat(keys);
    body = order.map((k) => [show(t.rows, k)].concat(keys.map((key) => (key in grid[k] ? grid[k][key] : "no data"))));
  } else {
    body = rows.map((r) => columns.map((c) => show(c, r[c])));
  }
  const wrap = document.createElement("div");
  wrap.className = "se-table-scroll";
  wrap.setAttribute("role", "region");
  wrap.setAttribute("tabindex", "0");
  wrap.setAttribute("aria-label", "The numbers in this chart");
  const tbl = document.createElement("table");
  tbl.className = "se-numbers";
  const tr = document.createElement("tr");
  head.forEach((h) => { const th = document.createElement("th"); th.scope = "col"; th.textContent = h; tr.appendChild(th); });
  tbl.createTHead().appendChild(tr);
  const tb = tbl.createTBody();
  body.forEach((cells) => {
    const row = tb.insertRow();
    cells.forEach((v, i) => {
      const c = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) c.scope = "row";
      c.textContent = v;
      row.appendChild(c);
    });
  });
  wrap.appendChild(tbl);
  return wrap;
}

function prepare(item) {
  const el = document.getElementById(item[0]);
  const figure = el.closest("figure");
  const box = el.parentNode;
  item.tooltip = tooltipIn(box);
  const link = figure.querySelector("a.se-chart-csv");
  // The download: the chart's own CSV under plain headings (publish.charts.csv_header), not its column names.
  const csv = csvOf(item), body = csv.slice(csv.indexOf("\n") + 1);
  if (link) link.href = "data:text/csv;charset=utf-8," + encodeURIComponent((item[2].header || csv.split("\n")[0]) + "\n" + body);
  const details = figure.querySelector("details.se-chart-numbers");
  if (details) {
    details.addEventListener("toggle", () => {
      const slot = details.querySelector(".se-chart-table");
      if (details.open && slot && !slot.firstChild) slot.appendChild(table(item));
    });
  }
  let timer = null;
  new ResizeObserver(() => {
    const width = Math.floor(box.clientWidth);
    if (!item.view || Math.abs(width - item.width) < 2) return;
    clearTimeout(timer);
    timer = setTimeout(() => draw(item, Math.floor(box.clientWidth)).catch((e) => fail(el, e)), 120);
  }).observe(box);
  return draw(item, Math.floor(box.clientWidth)).catch((e) => fail(el, e));
}

function drain() {
  if (document.readyState === "loading") return;
  const queue = window.seChartQueue || [];
  while (queue.length) {
    const item = queue.shift();
    if (document.getElementById(item[0])) prepare(item);
  }
}

window.seCharts = {drain: drain, format: seFormat};
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drain);
else drain();
