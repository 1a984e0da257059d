"""``index.html``: the regions with their headline figures, linking every map and list.

Plain HTML with inline styles and no script: it opens offline in any browser. Every text that
comes from the input (region and budget names) is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from vbr._version import __version__
from vbr.maps.summary import RegionSummary, format_eur, format_kg

__all__ = ["index_html"]

_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.meta { color: #555; margin: 0 0 16px; }
table { border-collapse: collapse; }
th, td { padding: 5px 10px; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f3f4f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { color: #555; border-bottom: none; }
ul { padding-left: 20px; }
.note { color: #555; font-size: 13px; max-width: 60em; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def index_html(
    summaries: Sequence[RegionSummary],
    *,
    national: dict[str, str],
    parameters: Sequence[tuple[str, str]],
    notes: Sequence[str] = (),
) -> str:
    """The text of ``index.html``.

    Parameters
    ----------
    summaries
        One per region, in the regions file's order.
    national
        Figures of the whole run (label -> text), shown above the table.
    parameters
        (label, text) of the run's rules and budget.
    notes
        Extra lines shown under the table.
    """
    head = (
        "<tr><th>Region</th><th>Map</th><th>List</th><th>Farms</th><th>Priority farms</th>"
        "<th>Selected farms</th><th>NH3 of selected farms</th><th>Subsidy of selected farms</th>"
        "<th>Budget</th><th>Budget used</th><th>Budget left</th></tr>"
    )
    rows = []
    for s in summaries:
        slug = _e(s.slug)
        has_budget = s.budget is not None
        cells = [
            f"<td>{_e(s.name)}</td>",
            f'<td><a href="{slug}/map.html">map</a></td>',
            f'<td><a href="{slug}/ranking.csv">ranking.csv</a></td>',
            f'<td class="num">{s.farms:,}</td>',
            f'<td class="num">{s.priority:,}</td>',
            f'<td class="num">{s.selected:,}</td>' if has_budget else '<td class="num">-</td>',
            f'<td class="num">{_e(format_kg(s.selected_nh3_kg or 0.0))}</td>'
            if has_budget
            else '<td class="num">-</td>',
            f'<td class="num">{_e(format_eur(s.selected_eur or 0.0))}</td>'
            if has_budget
            else '<td class="num">-</td>',
            f"<td>{_e(s.budget_label)}</td>",
            f'<td class="num">{_e(format_eur(s.budget.used_eur))}</td>'
            if has_budget
            else '<td class="num">-</td>',
            f'<td class="num">{_e(format_eur(s.budget.left_eur))}</td>'
            if has_budget
            else '<td class="num">-</td>',
        ]
        rows.append(f'<tr data-slug="{slug}">' + "".join(cells) + "</tr>")
    if not rows:
        rows.append('<tr><td colspan="11">The run had no regions.</td></tr>')
    national_items = "".join(f"<li>{_e(k)}: {_e(v)}</li>" for k, v in national.items())
    parameter_items = "".join(f"<li>{_e(k)}: {_e(v)}</li>" for k, v in parameters)
    note_items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vbr: maps and lists per region</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>vbr: maps and lists per region</h1>
<p class="meta">vbr {_e(__version__)}. Every page here opens offline; only the map backgrounds
(basemap tiles) need a network.</p>
<table>
<thead>{head}</thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p class="note">Selected farms, their NH3 and subsidy count the farms of the region selected by
the budget shown for it. Used and left are for that whole budget, which regions in one regional
budget share.</p>
<h2>Whole run</h2>
<ul>{national_items}</ul>
<ul>
<li><a href="ranking.csv">ranking.csv</a> (national order)</li>
<li><a href="ranking.xlsx">ranking.xlsx</a> (national and regional sheets)</li>
<li><a href="ranking.gpkg">ranking.gpkg</a> (for QGIS)</li>
<li><a href="rejected.csv">rejected.csv</a> (rows that could not be used, with the reason)</li>
<li><a href="manifest.json">manifest.json</a> (inputs, parameters, counts)</li>
</ul>
<h2>Rules and budget</h2>
<ul>{parameter_items}</ul>
{f"<h2>Notes</h2><ul>{note_items}</ul>" if note_items else ""}
</body>
</html>
"""
