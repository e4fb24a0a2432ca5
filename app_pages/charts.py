"""The app pages' charts: the evidence map's shaded grid and the trial timeline (the forest plot is the library's).

Meaning never rests on colour alone. The timeline uses the Okabe–Ito palette
(distinguishable with every common colour vision deficiency) and every mark
carries its numbers in a tooltip; the map writes its count in every cell, on
a single-hue ramp with text that keeps WCAG AA contrast. Functions return
charts (no Streamlit calls). The forest plot is the library's (it is also an
export): its rows (``evidence.forest``) and its HTML (``evidence.forest_html``)
are re-exported here for the pages.
"""

from __future__ import annotations

import pandas as pd

from evidence.forest import GREY, OKABE_ITO, forest_rows  # noqa: F401 (forest_rows re-exported for the pages)
from evidence.forest_html import forest_html  # noqa: F401 (re-exported for the pages)
from evidence.i18n import DEFAULT_LANGUAGE, N_, label, translator
from evidence.vocab import TRIAL_FILTER_STATUSES, Disease, Target, without_detail


COUNTS = (N_("Reports"), N_("Patients"), N_("Trials"))  # the evidence map's measures (column names of the cells)


def _in_language(cells: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The map's cells with disease and target names, and the measures' column names, in ``lang``."""
    if lang == DEFAULT_LANGUAGE or cells.empty:
        return cells
    _ = translator(lang)
    short = {"Disease": (Disease, "disease"), "Target": (Target, "target")}
    return cells.assign(**{shown: [without_detail(label(vocab, c, lang)) for c in cells[code]]
                           for shown, (vocab, code) in short.items()}).rename(columns={c: _(c) for c in COUNTS})


# ColorBrewer "Blues" (the scheme of the former Vega map), lightest to darkest; the count is always written too.
BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")


def evidence_map_grid(cells: pd.DataFrame, measure: str = "Reports", lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Diseases × CAR targets: the count of ``measure`` per cell (0 where none), names in ``lang``.

    Rows and columns run from the most to the least evidence, and a disease
    or target with none of ``measure`` is left out, as the chart left empty
    cells undrawn. A plain table, not a chart: the Vega code alone cost a
    cold browser about 0.6 s on every first visit of the Overview.
    """
    _ = translator(lang)
    cells, measure = _in_language(cells, lang), _(measure)
    if cells.empty:
        return pd.DataFrame()
    grid = cells.pivot_table(index="Disease", columns="Target", values=measure, aggfunc="sum", fill_value=0)
    rows = grid.sum(axis=1).sort_values(ascending=False, kind="stable")
    cols = grid.sum().sort_values(ascending=False, kind="stable")
    grid = grid.loc[rows[rows > 0].index, cols[cols > 0].index].astype(int)
    grid.index.name, grid.columns.name = None, None
    return grid


WHITE_FROM = 6  # the first shade white text reads on at WCAG AA (#2171b5: 5.1:1; black keeps ≥ 6:1 below it)


def shade(count: int, top: int) -> str:
    """CSS for a map cell: a darker blue for more (an empty cell stays white), the text readable on it."""
    if not count:
        return ""
    step = min(len(BLUES) - 1, 1 + round((len(BLUES) - 2) * count / max(top, 1)))
    return f"background-color: {BLUES[step]}; color: {'white' if step >= WHITE_FROM else 'black'}"


def partial_date(value: str | None) -> pd.Timestamp | None:
    """'2023', '2023-11' or '2023-11-04' → a timestamp (first of the month/year), None when empty."""
    if not value:
        return None
    parts = str(value).split("-") + ["01", "01"]
    try:
        return pd.Timestamp(f"{parts[0]}-{parts[1]}-{parts[2]}")
    except ValueError:
        return None


STATUS_LABELS = [s.label for s in TRIAL_FILTER_STATUSES]  # legend order


TIMELINE_LIMIT = 120


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # None or NaN (JSON has neither)


def _iso(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")  # no zone: read as local time, as Altair writes timestamps


def timeline_chart(trials: pd.DataFrame, limit: int = TIMELINE_LIMIT, lang: str = DEFAULT_LANGUAGE) -> dict | None:
    """Start → (primary) completion per trial, coloured by status; None when no trial has a start date.

    A Vega-Lite spec written as a dict: building it with Altair cost a few
    hundred milliseconds on every Trials filter change. ``trials`` carries its
    status labels in ``lang`` already; the legend order and tooltips follow it.
    """
    _ = translator(lang)
    rows = []
    for t in trials.to_dict("records"):
        start = partial_date(t["Start"])
        end = partial_date(t["Completion"]) or partial_date(t["Primary completion"])
        if start is None:
            continue
        rows.append({"Registry ID": t["Registry ID"], "Title": t["Title"], "Status": t["Status"],
                     "Phase": t["Phase"], "start": start, "end": end or start + pd.DateOffset(months=24),
                     "estimated_end": end is None, "Enrollment": t["Enrollment"], "Sponsor": t["Sponsor"]})
    if not rows:
        return None
    frame = pd.DataFrame(rows).sort_values("start").tail(limit)
    shown = set(frame["Status"])
    order = [_(s) for s in STATUS_LABELS]
    statuses = [s for s in order if s in shown] + sorted(shown - set(order))
    values = [{**{k: None if _missing(v) else v for k, v in r.items()}, "start": _iso(r["start"]),
               "end": _iso(r["end"]), "Enrollment": None if _missing(r["Enrollment"]) else int(r["Enrollment"])}
              for r in frame.to_dict("records")]
    tip = [{"field": f, "type": "nominal", "title": _(f)} for f in ("Registry ID", "Title", "Status", "Phase",
                                                                     "Sponsor")] + [
        {"field": "Enrollment", "type": "quantitative", "title": _("Enrollment")},
        {"field": "start", "type": "temporal", "title": _("Start"), "format": "%b %Y"},
        {"field": "end", "type": "temporal", "title": _("Completion"), "format": "%b %Y"}]
    y = {"field": "Registry ID", "type": "nominal", "sort": list(frame["Registry ID"]), "title": None,
         "axis": {"labelOverlap": False}}
    # One status a line, whole: in a row, "Reclutamento non ancora avviato" was cut and a phone showed two of six.
    colour = {"field": "Status", "type": "nominal",
              "legend": {"orient": "top", "direction": "vertical", "title": None, "labelLimit": 0},
              "scale": {"domain": statuses, "range": (OKABE_ITO * 2)[:len(statuses)]}}
    today = pd.Timestamp.now().normalize()
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "height": 20 * len(frame) + 40,
        "layer": [
            {"data": {"values": values}, "mark": {"type": "bar", "height": 10, "cornerRadius": 2},
             "encoding": {
                 # one tick per year: monthly ticks formatted "%Y" printed every year several times
                 "x": {"field": "start", "type": "temporal", "title": None,
                       "axis": {"format": "%Y", "tickCount": {"interval": "year", "step": 1}}},
                 "x2": {"field": "end"}, "y": y, "color": colour, "tooltip": tip,
                 "opacity": {"condition": {"test": "datum.estimated_end", "value": 0.45}, "value": 1}}},
            {"data": {"values": values},
             "mark": {"type": "point", "shape": "circle", "filled": True, "size": 35, "color": "black"},
             "encoding": {"x": {"field": "start", "type": "temporal"}, "y": y, "tooltip": tip}},
            {"data": {"values": [{"d": _iso(today)}]}, "mark": {"type": "rule", "color": GREY, "strokeDash": [3, 3]},
             "encoding": {"x": {"field": "d", "type": "temporal"}}},
        ],
    }
