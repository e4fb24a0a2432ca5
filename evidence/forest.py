"""The forest plot of a pooled proportion: its rows and its Altair chart (a Vega-Lite spec).

In the library because the figure is an export: the app shows this chart
and ``evidence.exports`` renders the very same spec to PNG and SVG, so a
downloaded plot is the plot on the page. Colours are the Okabe–Ito palette
(distinguishable with every common colour vision deficiency), and meaning
never rests on colour alone: studies are squares, pooled estimates diamonds,
the prediction interval a dashed line, and every mark carries its numbers in
a tooltip.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from evidence.i18n import DEFAULT_LANGUAGE, N_, format_estimate, format_percent, translator

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
STUDY, POOLED, SUBPOOLED, GREY = "#0072B2", "#D55E00", "#E69F00", "#6b6b6b"
ROW_HEIGHT = 24


def pct(x: float | None, digits: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    """A proportion as a percentage for labels ('—' when missing), as ``lang`` writes it."""
    return format_percent(x, lang, digits)


def _study_row(s: Any, row: int, lang: str) -> dict:
    return {"row": row, "kind": "study", "label": s.label, "events": s.events, "total": s.total,
            "est": s.proportion, "lo": s.ci_low, "hi": s.ci_high, "weight": s.weight,
            "numbers": f"{s.events}/{s.total}", "ci_text": format_estimate(s.proportion, s.ci_low, s.ci_high, lang),
            "weight_text": "" if s.weight is None else pct(s.weight / 100, 0, lang)}


def _pooled_row(r: Any, row: int, name: str, kind: str, lang: str) -> dict:
    return {"row": row, "kind": kind, "label": name, "events": sum(s.events for s in r.studies),
            "total": sum(s.total for s in r.studies), "est": r.estimate, "lo": r.ci_low, "hi": r.ci_high,
            "weight": None, "numbers": f"{sum(s.events for s in r.studies)}/{sum(s.total for s in r.studies)}",
            "ci_text": format_estimate(r.estimate, r.ci_low, r.ci_high, lang), "weight_text": ""}


def _pi_row(r: Any, row: int, lang: str) -> dict | None:
    if r.pi_low is None or r.pi_high is None or r.k < 2:
        return None
    _ = translator(lang)
    return {"row": row, "kind": "pi", "label": _("Prediction interval"), "est": r.estimate,
            "lo": r.pi_low, "hi": r.pi_high, "numbers": "",
            "ci_text": f"({format_percent(r.pi_low, lang)}–{format_percent(r.pi_high, lang)})", "weight_text": ""}


def forest_rows(overall: Any, subgroups: dict[str, Any] | None = None, group_labels: dict[str, str] | None = None,
                lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The rows of a forest plot, top to bottom: studies (in blocks), pooled diamonds, prediction interval.

    Row labels and numbers are written in ``lang`` (study labels are data and stay as stored).
    """
    _ = translator(lang)
    rows: list[dict] = []
    if subgroups and len(subgroups) > 1:
        for key, res in subgroups.items():
            rows.append({"row": len(rows), "kind": "header", "label": _((group_labels or {}).get(key, key))})
            start = len(rows)
            rows.extend([_study_row(s, start + i, lang) for i, s in enumerate(res.studies)])
            if res.k > 1:
                rows.append(_pooled_row(res, len(rows), _("Subtotal (k = {k})").format(k=res.k), "subpooled", lang))
    else:
        rows.extend([_study_row(s, i, lang) for i, s in enumerate(overall.studies)])
    if overall.k > 1:
        rows.append(_pooled_row(overall, len(rows), _("Pooled (k = {k})").format(k=overall.k), "pooled", lang))
        pi = _pi_row(overall, len(rows), lang)
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


def forest_chart(rows: pd.DataFrame, title: str = "", x_title: str = N_("Proportion"),
                 subtitle: tuple[str, ...] = (), lang: str = DEFAULT_LANGUAGE) -> alt.HConcatChart:
    """A forest plot: labels | squares, CIs, diamonds, PI | numbers, on one shared row axis.

    ``title`` and ``subtitle`` (exports: outcome; filters, method, warnings)
    stand above the whole figure, so a downloaded plot says what produced it.
    Column headers, tooltips and the axis are written in ``lang`` (titles are
    passed in already translated; ``x_title`` "Proportion" is looked up).
    """
    _ = translator(lang)
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
        x=alt.value(0), y=y, text="numbers:N").properties(width=60, title=alt.TitleParams(_("Events/n"), fontSize=11))
    cis = base.transform_filter("datum.kind != 'header'").mark_text(align="left", fontSize=12).encode(
        x=alt.value(0), y=y, text="ci_text:N").properties(width=120,
                                                          title=alt.TitleParams(_("% (95% CI)"), fontSize=11))
    weights = base.transform_filter("datum.kind == 'study'").mark_text(align="right", fontSize=12).encode(
        x=alt.value(40), y=y, text="weight_text:N").properties(width=45,
                                                               title=alt.TitleParams(_("Weight"), fontSize=11))
    chart = alt.hconcat(labels, _plot(rows, y, height, _(x_title), lang), numbers, cis, weights, spacing=6)
    if title or subtitle:
        chart = chart.properties(title=alt.TitleParams(title or " ", subtitle=list(subtitle), anchor="start",
                                                       fontSize=14, subtitleFontSize=11))
    return chart.configure_view(stroke=None).configure_concat(spacing=6)


def _plot(rows: pd.DataFrame, y: alt.Y, height: int, x_title: str, lang: str = DEFAULT_LANGUAGE) -> alt.LayerChart:
    _ = translator(lang)
    x = alt.X("lo:Q", scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format="%", title=x_title, grid=False, values=[0, 0.2, 0.4, 0.6, 0.8, 1]))
    tip = [alt.Tooltip("label:N", title=_("Study")), alt.Tooltip("numbers:N", title=_("Events/n")),
           alt.Tooltip("ci_text:N", title=_("% (95% CI)")), alt.Tooltip("weight_text:N", title=_("Weight"))]
    studies = alt.Chart(rows).transform_filter("datum.kind == 'study'")
    rules = studies.mark_rule(color=STUDY, strokeWidth=1.5).encode(x=x, x2="hi:Q", y=y, tooltip=tip)
    boxes = studies.mark_point(shape="square", filled=True, color=STUDY, opacity=1).encode(
        x="est:Q", y=y, size=alt.Size("weight:Q", scale=alt.Scale(range=[30, 220]), legend=None), tooltip=tip)
    pi = alt.Chart(rows).transform_filter("datum.kind == 'pi'").mark_rule(
        color=POOLED, strokeDash=[5, 3], strokeWidth=2).encode(x="lo:Q", x2="hi:Q", y=y, tooltip=[
            alt.Tooltip("label:N", title=" "), alt.Tooltip("ci_text:N", title=_("Range"))])
    layers = [rules, boxes, pi]
    dia = _diamonds(rows)
    if not dia.empty:
        colour = alt.Color("kind:N", scale=alt.Scale(domain=["pooled", "subpooled"], range=[POOLED, SUBPOOLED]),
                           legend=None)
        layers.append(alt.Chart(dia).mark_area(orient="vertical", opacity=0.95).encode(
            x="x:Q", y=alt.Y("y:Q", scale=_row_scale(len(rows)), axis=None), y2="y2:Q", detail="row:N", color=colour,
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("ci_text:N", title=_("% (95% CI)"))]))
        pooled_est = rows.loc[rows["kind"] == "pooled", "est"]
        if not pooled_est.empty:
            layers.insert(0, alt.Chart(pd.DataFrame({"est": [float(pooled_est.iloc[0])]})).mark_rule(
                color=GREY, strokeDash=[2, 2]).encode(x="est:Q"))
    return alt.layer(*layers).properties(width=360, height=height)
