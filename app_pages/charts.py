"""Altair charts of the app pages: the evidence map and the trial timeline (the forest plot is in the library).

Colours are the Okabe–Ito palette (distinguishable with every common colour
vision deficiency), and meaning never rests on colour alone; every mark
carries its numbers in a tooltip. Functions return charts (no Streamlit
calls). ``evidence.forest`` holds the forest plot, which is also an export;
its names are re-exported here for the pages.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from evidence.forest import GREY, OKABE_ITO, forest_chart, forest_rows, forest_spec  # noqa: F401 (re-exported for the pages)
from evidence.i18n import DEFAULT_LANGUAGE, N_, label, translator
from evidence.vocab import TRIAL_FILTER_STATUSES, Disease, Target


COUNTS = (N_("Reports"), N_("Patients"), N_("Trials"))  # the evidence map's measures (column names of the cells)


def _in_language(cells: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The map's cells with disease and target names, and the measures' column names, in ``lang``."""
    if lang == DEFAULT_LANGUAGE or cells.empty:
        return cells
    _ = translator(lang)
    short = {"Disease": (Disease, "disease"), "Target": (Target, "target")}
    return cells.assign(**{shown: [label(vocab, c, lang).split(" (")[0] for c in cells[code]]
                           for shown, (vocab, code) in short.items()}).rename(columns={c: _(c) for c in COUNTS})


def evidence_map_chart(cells: pd.DataFrame, measure: str = "Reports", lang: str = DEFAULT_LANGUAGE) -> alt.Chart:
    """Diseases × CAR targets; colour and number show ``measure``, the tooltip all three counts (in ``lang``)."""
    _ = translator(lang)
    cells, measure = _in_language(cells, lang), _(measure)
    tip = ["Disease:N", "Target:N", *(f"{_(c)}:Q" for c in COUNTS)]
    base = alt.Chart(cells).encode(
        # slanted, all shown: level labels of neighbouring narrow columns overlap on a phone
        x=alt.X("Target:N", title=_("CAR target"),
                axis=alt.Axis(labelAngle=-45, labelAlign="left", labelOverlap=False, orient="top")),
        y=alt.Y("Disease:N", title=None, sort=alt.EncodingSortField(measure, op="sum", order="descending"),
                axis=alt.Axis(labelLimit=320)), tooltip=tip)
    rect = base.mark_rect(stroke="white").encode(color=alt.Color(
        f"{measure}:Q", scale=alt.Scale(scheme="blues", domainMin=0), legend=alt.Legend(title=measure)))
    text = base.mark_text(fontSize=12).encode(text=alt.Text(f"{measure}:Q"), color=alt.condition(
        f"datum['{measure}'] > {max(cells[measure].max() * 0.55, 1) if not cells.empty else 1}",
        alt.value("white"), alt.value("black")))
    height = 26 * max(cells["Disease"].nunique(), 1) + 30
    return (rect + text).transform_filter(f"datum['{measure}'] > 0").properties(height=height)


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


def timeline_chart(trials: pd.DataFrame, limit: int = TIMELINE_LIMIT, lang: str = DEFAULT_LANGUAGE
                   ) -> alt.Chart | None:
    """Start → (primary) completion per trial, coloured by status; None when no trial has a start date.

    ``trials`` carries its status labels in ``lang`` already; the legend order and tooltips follow it.
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
    colour = alt.Color("Status:N", scale=alt.Scale(domain=statuses, range=(OKABE_ITO * 2)[:len(statuses)]),
                       legend=alt.Legend(orient="top", title=None))
    tip = [alt.Tooltip(f"{c}:{t}", title=_(c)) for c, t in (("Registry ID", "N"), ("Title", "N"), ("Status", "N"),
                                                             ("Phase", "N"), ("Sponsor", "N"), ("Enrollment", "Q"))]
    tip += [alt.Tooltip("start:T", title=_("Start"), format="%b %Y"),
            alt.Tooltip("end:T", title=_("Completion"), format="%b %Y")]
    y = alt.Y("Registry ID:N", sort=list(frame["Registry ID"]), title=None, axis=alt.Axis(labelOverlap=False))
    bars = alt.Chart(frame).mark_bar(height=10, cornerRadius=2).encode(
        # one tick per year: monthly ticks formatted "%Y" printed every year several times
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1})),
        x2="end:T", y=y, color=colour,
        opacity=alt.condition("datum.estimated_end", alt.value(0.45), alt.value(1)), tooltip=tip)
    starts = alt.Chart(frame).mark_point(shape="circle", filled=True, size=35, color="black").encode(
        x="start:T", y=y, tooltip=tip)
    today = alt.Chart(pd.DataFrame({"d": [pd.Timestamp.now().normalize()]})).mark_rule(
        color=GREY, strokeDash=[3, 3]).encode(x="d:T")
    return (bars + starts + today).properties(height=20 * len(frame) + 40)
