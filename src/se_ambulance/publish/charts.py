"""Charts: one Altair theme and a renderer that works offline and is deterministic.

Altair's stock HTML loads vega from a CDN and uses a random element id on every run. Here a
chart becomes a <figure> with an id derived from its spec, an inline spec, a caption with the
source line and a CSV download of exactly the data drawn, and a call to `seCharts.embed`,
which `_static/se-charts.js` (vl-convert's single-file bundle of vega, vega-lite and
vega-embed, wrapped so its names stay private) defines.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML

from se_ambulance.errors import BuildError

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
PALETTE = ["#005EB8", "#DA291C", "#009639", "#ED8B00", "#7C2855", "#425563", "#00A9CE"]
BUNDLE_NAME = "se-charts.js"


@alt.theme.register("se_ambulance", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 640, "continuousHeight": 300, "stroke": None},
            "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12, "subtitleColor": "#425563"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e8edee"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "labelLimit": 400},
            "range": {"category": PALETTE},
            "line": {"strokeWidth": 1.8},
        }
    }


def _csv_link(data: pd.DataFrame, name: str) -> str:
    payload = base64.b64encode(data.to_csv(index=False).encode("utf-8")).decode("ascii")
    return (f'<a class="se-chart-csv" download="{html.escape(name)}.csv" '
            f'href="data:text/csv;charset=utf-8;base64,{payload}">Download the data (CSV)</a>')


def figure(chart: alt.TopLevelMixin, *, name: str, title: str, units: str, source: str,
           alt_text: str) -> HTML:
    """Render a chart for the book. The chart's top-level data must be a DataFrame: it is
    what the CSV link offers, so the download is exactly the data drawn."""
    data = getattr(chart, "data", None)
    if not isinstance(data, pd.DataFrame):
        raise BuildError(f"Chart '{name}': its top-level data must be a pandas DataFrame "
                         "(so the CSV download is exactly what is drawn).")
    if not (title and units and source and alt_text):
        raise BuildError(f"Chart '{name}' needs a title, units, a source line and alt text.")
    # `description` becomes the SVG's aria-label; the wrapper carries it too.
    chart = chart.properties(title=alt.TitleParams(title, subtitle=[units]), description=alt_text)
    spec = chart.to_dict()
    spec_json = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    element = f"chart-{name}-{hashlib.sha256(spec_json.encode()).hexdigest()[:10]}"
    # `</` inside a JSON string would end the script element early.
    safe = spec_json.replace("</", "<\\/")
    body = (
        f'<figure class="se-chart" id="fig-{html.escape(name)}">\n'
        f'<div class="se-chart-vis" role="img" aria-label="{html.escape(alt_text)}"><div id="{element}"></div></div>\n'
        f'<figcaption><span class="se-chart-source">Source: {html.escape(source)}.</span> '
        f"{_csv_link(data, name)}</figcaption>\n"
        f'<script type="text/javascript">(window.seChartQueue = window.seChartQueue || [])'
        f'.push(["{element}", {safe}]); if (window.seCharts) window.seCharts.drain();</script>\n'
        "</figure>"
    )
    return HTML(body)


_WRAPPER = """/* vega, vega-lite and vega-embed (bundled by vl-convert-python {version}), kept private
   inside a function so their top-level names cannot clash with Sphinx's, plus a small queue:
   each chart pushes [element id, spec] and this draws it whenever both are ready. */
(function () {{
{bundle}
var embed = window.vegaEmbed;
function drain() {{
  var q = window.seChartQueue || [];
  while (q.length) {{
    var item = q.shift();
    var el = document.getElementById(item[0]);
    if (!el) continue;
    embed(el, item[1], {{actions: false, renderer: "svg"}}).then(function (res) {{
      var box = res.view.container();
      /* The figure's <div role="img" aria-label> names the chart; what vega draws inside it is
         presentation. Hidden from assistive technology, the SVG's own ARIA tree (where an empty
         mark, such as a rule layer with no rows in one facet, is an unnamed graphics-symbol)
         no longer competes with that name. */
      var svg = box.querySelector("svg");
      if (svg) svg.setAttribute("aria-hidden", "true");
      box.setAttribute("data-rendered", "true");
    }}).catch(function (err) {{
      el.setAttribute("data-render-error", String(err));
      console.error(err);
    }});
  }}
}}
window.seCharts = {{drain: drain}};
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drain);
else drain();
}})();
"""


def write_bundle(static_dir: Path) -> Path:
    """Write `se-charts.js` into the site's _static folder, unless the one there was made from the same
    vl-convert, vega-lite and wrapper (generating the bundle takes over a second on every build)."""
    import vl_convert as vlc

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    wrapper = hashlib.sha256(_WRAPPER.encode()).hexdigest()[:12]
    stamp = f"/* se-charts: vl-convert {vlc.__version__}, vega-lite {major_minor}, wrapper {wrapper} */\n"
    dest = static_dir / BUNDLE_NAME
    if dest.is_file():
        with dest.open(encoding="utf-8") as f:
            if f.readline() == stamp:
                return dest
    text = stamp + _WRAPPER.format(version=vlc.__version__, bundle=vlc.javascript_bundle(vl_version=major_minor))
    static_dir.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{BUNDLE_NAME}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(dest)  # atomic: an interrupted build never leaves half a bundle
    return dest
