"""Altair charts: the forest plot, the evidence map and the trial timeline.

Colours are the Okabe–Ito palette (distinguishable with every common colour
vision deficiency), and meaning never rests on colour alone: studies are
squares, pooled estimates diamonds, the prediction interval a dashed line,
and every mark carries its numbers in a tooltip. Functions return charts (no
Streamlit calls), so the export page renders the very same object to PNG/SVG.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
STUDY, POOLED, SUBPOOLED, GREY = "#0072B2", "#D55E00", "#E69F00", "#6b6b6b"
ROW_HEIGHT = 24


def pct(x: float | None, digits: int = 0) -> str:
    """A proportion as a percentage for labels ('—' when missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{100 * x:.{digits}f}%"


def _study_row(s: Any, row: int) -> dict:
    return {"row": row, "kind": "study", "label": s.label, "events": s.events, "total": s.total,
            "est": s.proportion, "lo": s.ci_low, "hi": s.ci_high, "weight": s.weight,
            "numbers": f"{s.events}/{s.total}", "ci_text": f"{pct(s.proportion)} ({pct(s.ci_low)}–{pct(s.ci_high)})",
            "weight_text": "" if s.weight is None else f"{s.weight:.0f}%"}


def _pooled_row(r: Any, row: int, name: str, kind: str) -> dict:
    return {"row": row, "kind": kind, "label": name, "events": sum(s.events for s in r.studies),
            "total": sum(s.total for s in r.studies), "est": r.estimate, "lo": r.ci_low, "hi": r.ci_high,
            "weight": None, "numbers": f"{sum(s.events for s in r.studies)}/{sum(s.total for s in r.studies)}",
            "ci_text": f"{pct(r.estimate)} ({pct(r.ci_low)}–{pct(r.ci_high)})", "weight_text": ""}


def _pi_row(r: Any, row: int) -> dict | None:
    if r.pi_low is None or r.pi_high is None or r.k < 2:
        return None
    return {"row": row, "kind": "pi", "label": "Prediction interval", "est": r.estimate, "lo": r.pi_low,
            "hi": r.pi_high, "numbers": "", "ci_text": f"({pct(r.pi_low)}–{pct(r.pi_high)})", "weight_text": ""}


def forest_rows(overall: Any, subgroups: dict[str, Any] | None = None, group_labels: dict[str, str] | None = None
                ) -> pd.DataFrame:
    """The rows of a forest plot, top to bottom: studies (in blocks), pooled diamonds, prediction interval."""
    rows: list[dict] = []
    if subgroups and len(subgroups) > 1:
        for key, res in subgroups.items():
            rows.append({"row": len(rows), "kind": "header", "label": (group_labels or {}).get(key, key)})
            start = len(rows)
            rows.extend([_study_row(s, start + i) for i, s in enumerate(res.studies)])
            if res.k > 1:
                rows.append(_pooled_row(res, len(rows), f"Subtotal (k = {res.k})", "subpooled"))
    else:
        rows.extend([_study_row(s, i) for i, s in enumerate(overall.studies)])
    if overall.k > 1:
        rows.append(_pooled_row(overall, len(rows), f"Pooled (k = {overall.k})", "pooled"))
        pi = _pi_row(overall, len(rows))
        if pi:
            rows.append(pi)
    return pd.DataFrame(rows)


def _row_scale(n: int) -> alt.Scale:
    return alt.Scale(domain=[-0.7, n - 0.3], reverse=True, nice=False, zero=False)


def _diamonds(rows: pd.DataFrame) -> pd.DataFrame:
    pooled = rows[rows["kind"].isin(["pooled", "subpooled"])]
    pts = []
    for r in pooled.itertuples():
        for x, half in ((r.lo, 0.0), (r.est, 0.36), (r.hi, 0.0)):
            pts.append({"row": r.row, "kind": r.kind, "x": x, "y": r.row - half, "y2": r.row + half,
                        "label": r.label, "ci_text": r.ci_text})
    return pd.DataFrame(pts)


def forest_chart(rows: pd.DataFrame, title: str = "", x_title: str = "Proportion",
                 subtitle: tuple[str, ...] = ()) -> alt.HConcatChart:
    """A forest plot: labels | squares, CIs, diamonds, PI | numbers, on one shared row axis.

    ``title`` and ``subtitle`` (exports: outcome; filters, method, warnings)
    stand above the whole figure, so a downloaded plot says what produced it.
    """
    n = len(rows)
    height = ROW_HEIGHT * max(n, 1) + 10
    y = alt.Y("row:Q", scale=_row_scale(n), axis=None)
    base = alt.Chart(rows).properties(height=height)
    bold = "datum.kind == 'header' || datum.kind == 'pooled' || datum.kind == 'subpooled'"
    labels = alt.layer(
        base.transform_filter(f"!({bold})").mark_text(align="left", fontSize=12, limit=300).encode(
            x=alt.value(0), y=y, text="label:N"),
        base.transform_filter(bold).mark_text(align="left", fontSize=12, fontWeight="bold", limit=300).encode(
            x=alt.value(0), y=y, text="label:N"),
    ).properties(width=300, title=alt.TitleParams(" ", anchor="start", fontSize=14))
    numbers = base.transform_filter("datum.kind != 'header'").mark_text(align="left", fontSize=12).encode(
        x=alt.value(0), y=y, text="numbers:N").properties(width=60, title=alt.TitleParams("Events/n", fontSize=11))
    cis = base.transform_filter("datum.kind != 'header'").mark_text(align="left", fontSize=12).encode(
        x=alt.value(0), y=y, text="ci_text:N").properties(width=120, title=alt.TitleParams("% (95% CI)", fontSize=11))
    weights = base.transform_filter("datum.kind == 'study'").mark_text(align="right", fontSize=12).encode(
        x=alt.value(40), y=y, text="weight_text:N").properties(width=45, title=alt.TitleParams("Weight", fontSize=11))
    chart = alt.hconcat(labels, _plot(rows, y, height, x_title), numbers, cis, weights, spacing=6)
    if title or subtitle:
        chart = chart.properties(title=alt.TitleParams(title or " ", subtitle=list(subtitle), anchor="start",
                                                       fontSize=14, subtitleFontSize=11))
    return chart.configure_view(stroke=None).configure_concat(spacing=6)


def _plot(rows: pd.DataFrame, y: alt.Y, height: int, x_title: str) -> alt.LayerChart:
    x = alt.X("lo:Q", scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format="%", title=x_title, grid=False, values=[0, 0.2, 0.4, 0.6, 0.8, 1]))
    tip = [alt.Tooltip("label:N", title="Study"), alt.Tooltip("numbers:N", title="Events/n"),
           alt.Tooltip("ci_text:N", title="% (95% CI)"), alt.Tooltip("weight_text:N", title="Weight")]
    studies = alt.Chart(rows).transform_filter("datum.kind == 'study'")
    rules = studies.mark_rule(color=STUDY, strokeWidth=1.5).encode(x=x, x2="hi:Q", y=y, tooltip=tip)
    boxes = studies.mark_point(shape="square", filled=True, color=STUDY, opacity=1).encode(
        x="est:Q", y=y, size=alt.Size("weight:Q", scale=alt.Scale(range=[30, 220]), legend=None), tooltip=tip)
    pi = alt.Chart(rows).transform_filter("datum.kind == 'pi'").mark_rule(
        color=POOLED, strokeDash=[5, 3], strokeWidth=2).encode(x="lo:Q", x2="hi:Q", y=y, tooltip=[
            alt.Tooltip("label:N", title=" "), alt.Tooltip("ci_text:N", title="Range")])
    layers = [rules, boxes, pi]
    dia = _diamonds(rows)
    if not dia.empty:
        colour = alt.Color("kind:N", scale=alt.Scale(domain=["pooled", "subpooled"], range=[POOLED, SUBPOOLED]),
                           legend=None)
        layers.append(alt.Chart(dia).mark_area(orient="vertical", opacity=0.95).encode(
            x="x:Q", y=alt.Y("y:Q", scale=_row_scale(len(rows)), axis=None), y2="y2:Q", detail="row:N", color=colour,
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("ci_text:N", title="% (95% CI)")]))
        pooled_est = rows.loc[rows["kind"] == "pooled", "est"]
        if not pooled_est.empty:
            layers.insert(0, alt.Chart(pd.DataFrame({"est": [float(pooled_est.iloc[0])]})).mark_rule(
                color=GREY, strokeDash=[2, 2]).encode(x="est:Q"))
    return alt.layer(*layers).properties(width=360, height=height)


def evidence_map_chart(cells: pd.DataFrame, measure: str = "Reports") -> alt.Chart:
    """Diseases × CAR targets; colour and number show ``measure``, the tooltip all three counts."""
    tip = ["Disease:N", "Target:N", "Reports:Q", "Patients:Q", "Trials:Q"]
    base = alt.Chart(cells).encode(
        x=alt.X("Target:N", title="CAR target", axis=alt.Axis(labelAngle=0, orient="top")),
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


STATUS_LABELS = ["Recruiting", "Not yet recruiting", "Active, not recruiting", "Enrolling by invitation",
                 "Completed", "Terminated", "Withdrawn", "Suspended", "Unknown"]


TIMELINE_LIMIT = 120


def timeline_chart(trials: pd.DataFrame, limit: int = TIMELINE_LIMIT) -> alt.Chart | None:
    """Start → (primary) completion per trial, coloured by status; None when no trial has a start date."""
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
    statuses = [s for s in STATUS_LABELS if s in set(frame["Status"])] + sorted(set(frame["Status"]) - set(STATUS_LABELS))
    colour = alt.Color("Status:N", scale=alt.Scale(domain=statuses, range=(OKABE_ITO * 2)[:len(statuses)]),
                       legend=alt.Legend(orient="top", title=None))
    tip = ["Registry ID:N", "Title:N", "Status:N", "Phase:N", "Sponsor:N", "Enrollment:Q",
           alt.Tooltip("start:T", title="Start", format="%b %Y"), alt.Tooltip("end:T", title="Completion", format="%b %Y")]
    y = alt.Y("Registry ID:N", sort=list(frame["Registry ID"]), title=None, axis=alt.Axis(labelOverlap=False))
    bars = alt.Chart(frame).mark_bar(height=10, cornerRadius=2).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y")), x2="end:T", y=y, color=colour,
        opacity=alt.condition("datum.estimated_end", alt.value(0.45), alt.value(1)), tooltip=tip)
    starts = alt.Chart(frame).mark_point(shape="circle", filled=True, size=35, color="black").encode(
        x="start:T", y=y, tooltip=tip)
    today = alt.Chart(pd.DataFrame({"d": [pd.Timestamp.now().normalize()]})).mark_rule(
        color=GREY, strokeDash=[3, 3]).encode(x="d:T")
    return (bars + starts + today).properties(height=20 * len(frame) + 40)
