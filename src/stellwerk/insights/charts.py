"""Charts as static SVG rendered on the server with pygal: no JavaScript, no CDN, each with a title.

Pages show them as images with a text alternative and a data table next to them, so the numbers are
readable without the picture. Rendering takes some milliseconds, so callers cache the result per figures.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from html import escape

import pygal  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

# pygal appends an import hook for its map plugins (pygal.maps.*), which Stellwerk does not use. The hook has
# only the deprecated find_module, so every later import that reaches it warns (ImportWarning): take it out.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

WIDTH = 720
HEIGHT = 280
_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#9aa5b1",
    colors=("#1d5fa8", "#c05621", "#2f855a"),
    font_family="system-ui, -apple-system, 'Segoe UI', sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    title_font_size=16,
    value_font_size=12,
)
_MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


def _chart(kind: type[pygal.Bar], title: str) -> pygal.Bar:
    return kind(
        js=[],
        disable_xml_declaration=True,
        explicit_size=True,
        width=WIDTH,
        height=HEIGHT,
        style=_STYLE,
        show_legend=False,
        title=title,
        no_data_text="Keine Daten",
        print_values=False,
        show_minor_x_labels=False,
        truncate_label=-1,
        x_label_rotation=0,
        margin=12,
    )


def _svg(chart: pygal.Bar, title: str, description: str) -> str:
    """Render a chart without its script, with a role, a <title> and a <desc> for screen readers."""
    tree = chart.render_tree()
    # pygal always embeds a script with its tooltip settings; the chart does not need it.
    for script in tree.iter("{*}script", "script"):
        script.getparent().remove(script)
    svg: str = etree.tostring(tree, encoding="unicode")
    head, rest = svg.split(">", 1)
    labelled = f'{head} role="img" aria-labelledby="chart-title chart-desc">'
    text = (
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(description)}</desc>'
    )
    return labelled + text + rest


def week_label(monday: date) -> str:
    """Return a short German label of a week: its month where the week starts one, e.g. "Mär 25"."""
    return f"{_MONTHS[monday.month - 1]} {monday:%y}"


def demand_chart(weeks: Sequence[date], counts: Sequence[int], title: str) -> str:
    """Return a bar chart of new postings per week as SVG."""
    chart = _chart(pygal.Bar, title)
    # Only the first week of each month shows its label (the month); pygal tells major labels by their text,
    # so the other weeks get labels of their own (the day), which stay hidden.
    starts = {i for i, monday in enumerate(weeks) if i == 0 or monday.month != weeks[i - 1].month}
    chart.x_labels = [week_label(m) if i in starts else f"{m:%d.%m.}" for i, m in enumerate(weeks)]
    chart.x_labels_major = [week_label(weeks[i]) for i in sorted(starts)]
    chart.add("neue Angebote", list(counts))
    total = sum(counts)
    description = (
        f"{total} neue Stellenangebote in {len(counts)} Wochen vom {weeks[0]:%d.%m.%Y} bis "
        f"{weeks[-1]:%d.%m.%Y}, höchstens {max(counts, default=0)} in einer Woche."
    )
    return _svg(chart, title, description)


def pay_chart(histogram: Sequence[tuple[int, int, int]], title: str) -> str:
    """Return a bar chart of how many postings state monthly pay in each band, as SVG."""
    chart = _chart(pygal.Bar, title)
    chart.x_labels = [f"{low // 100:,}".replace(",", ".") for low, _, _ in histogram]
    chart.x_title = "Bruttomonatsgehalt ab … €"
    chart.y_title = "Stellenangebote"
    chart.add("Stellenangebote", [n for _, _, n in histogram])
    description = (
        f"{sum(n for _, _, n in histogram)} Gehaltsangaben in Stellenangeboten in Stufen von "
        f"{(histogram[0][1] - histogram[0][0]) // 100 if histogram else 0} Euro."
    )
    return _svg(chart, title, description)
