// The book's chart script, bundled with Vega by `se_ambulance.publish.charts.write_bundle` into se-charts.js.
// Each chart's figure pushes [element id, Vega spec, meta] onto window.seChartQueue; this draws each one at its
// container's width, again whenever that width changes, and fills in the figure's CSV link and, when a reader
// opens it, its table of numbers. Plain ES2020, no other library.
import * as vega from "__VEGA_MODULE__";

const NARROW = __NARROW_PX__;
const CSV_DATA = "__CSV_DATA__";
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];
const pad2 = (n) => (n < 10 ? "0" : "") + n;

function clock(minutes) {
  let s = Math.round(Math.abs(minutes) * 60);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return (minutes < 0 ? "\u2212" : "") + (h ? h + ":" + pad2(m) : m) + ":" + pad2(r);
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
  if (Array.isArray(node.axes)) node.axes.forEach(fn);
  if (Array.isArray(node.marks)) node.marks.forEach((m) => eachAxis(m, fn));
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

// The spec at a width: single views fit it exactly (Vega's "fit-x"); panels are sized to share it, one per
// row on a narrow screen; legends wrap into as many columns as fit; long axis labels are cut shorter on a
// narrow screen. `adjust` ({panel, label} in pixels) corrects the estimates after a first drawing.
function fit(spec, meta, width, adjust) {
  const narrow = width < NARROW;
  const s = patched(spec, narrow ? meta.narrow : null);
  (s.data || []).forEach((d) => { if (d.name === CSV_DATA) d.values = meta.csv; });
  const cut = (adjust && adjust.label) || 0;
  eachLegend(s, (legend) => {
    if (legend.type === "gradient") return;
    const columns = Math.max(1, Math.floor(width / 220));
    legend.columns = columns;
    legend.labelLimit = Math.max(60, Math.floor(width / columns) - 40 - cut);
  });
  if (narrow) {
    // Several legends on one side stack instead of sharing a row.
    const stack = {direction: "vertical", anchor: "start", margin: 6};
    s.config = Object.assign({}, s.config);
    s.config.legend = Object.assign({}, s.config.legend, {layout: {top: stack, bottom: stack}});
    eachAxis(s, (axis) => {
      if (axis.orient === "left" || axis.orient === "right") {
        axis.labelLimit = Math.max(40, Math.min(axis.labelLimit || 180, Math.floor(width * 0.4)) - cut);
      }
    });
  }
  if (meta.panels > 1) {
    const columns = narrow ? 1 : meta.panels;
    const inner = Math.max(100, Math.floor((width - 20 * (columns - 1)) / columns) - 60 - ((adjust && adjust.panel) || 0));
    (s.signals || []).forEach((sig) => { if (meta.widths.indexOf(sig.name) >= 0) sig.value = inner; });
  } else {
    s.width = width;
    s.autosize = {type: "fit-x", contains: "padding"};
    if (meta.aspect) {
      s.height = Math.round(Math.min(width * meta.aspect, 720));
      s.padding = {left: 12, right: 5, top: 5, bottom: 5};  // a map has no axis: room for a legend's first label
    }
  }
  return s;
}

const csvOf = (item) => item[2].csv;

// How far the drawing spills past `width`: the whole SVG, and its widest legend (legends start where the plot
// starts, so a long label can run past the chart's right edge).
function spill(svg, width) {
  const left = svg.getBoundingClientRect().left;
  const whole = svg.getBoundingClientRect().width - width;
  const legends = [...svg.querySelectorAll("g.role-legend")].map((g) => g.getBoundingClientRect().right - left - width);
  return {whole: whole, legend: Math.max(0, ...legends)};
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
      // Panel widths and legend labels are sized from estimates; correct them if the drawing spills over.
      const over = spill(svg, width);
      if ((over.whole > 0.5 || over.legend > 0.5) && (tries || 0) < 3) {
        const columns = width < NARROW ? 1 : item[2].panels;
        const next = {panel: ((adjust && adjust.panel) || 0) + (item[2].panels > 1 && over.whole > 0.5
                                                                ? Math.ceil(over.whole / columns) + 2 : 0),
                      label: ((adjust && adjust.label) || 0) + Math.ceil(over.legend) + 4};
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
  if (link) link.href = "data:text/csv;charset=utf-8," + encodeURIComponent(csvOf(item));
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
