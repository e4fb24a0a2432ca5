"""The forest plot as HTML, for the screen.

The app drew the exports' Vega-Lite spec (``evidence.forest``) in the page,
and Vega's code cost every cold visit of the Meta-analysis page about 0.3 s
before a single row was drawn. This writes the same rows, colours and
layout (each row's label and numbers on a line above its marks, the pooled
estimate's dotted line broken at every text line) as plain HTML and CSS:
it draws at once, and it reads better than a canvas can. A label wraps
instead of being cut on a phone, a screen reader reads each row as text,
hovering a row shows all its numbers, and a study's label is a link to its
report's page. The exports keep the Vega-Lite spec (PNG and SVG files).
Every text is escaped: labels come from reports and registries.
"""

from __future__ import annotations

import math
from html import escape
from typing import Callable

import pandas as pd

from evidence.forest import NUMBER_HEADERS, POOLED, SQUARE_AREA, STUDY, SUBPOOLED, TICKS
from evidence.i18n import DEFAULT_LANGUAGE, N_, format_percent, translator

DIAMOND_HEIGHT = 13  # px
FAINT = "color-mix(in srgb, currentColor 55%, transparent)"  # the text's own colour, lighter: any theme
CSS = f"""<style>
.cf {{ font-size: 13px; line-height: 1.3; margin: 0 0 0.5rem; font-variant-numeric: tabular-nums; }}
.cf-line {{ display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 0.75rem; }}
.cf-line > :first-child {{ flex: 1 1 14em; min-width: 0; overflow-wrap: anywhere; }}
.cf-line > :last-child {{ flex: 0 0 auto; margin-inline-start: auto; white-space: nowrap; }}
.cf-line > :last-child > span {{ display: inline-block; text-align: end; margin-inline-start: 0.6em; }}
.cf-line > :last-child > :nth-child(1) {{ min-width: 3.6em; }}
.cf-line > :last-child > :nth-child(2) {{ min-width: 7.6em; }}
.cf-line > :last-child > :nth-child(3) {{ min-width: 2.6em; }}
.cf-head {{ color: color-mix(in srgb, currentColor 70%, transparent); font-size: 12px; }}
.cf-bold {{ font-weight: 700; }}
.cf-marks {{ position: relative; height: 16px; margin: 1px 7px 5px; }}
.cf-marks > i {{ position: absolute; display: block; }}
.cf-ref {{ top: 0; bottom: -6px; border-left: 1px dashed {FAINT}; }}
.cf-ci {{ top: 7px; height: 0; border-top: 1.5px solid {STUDY}; }}
.cf-sq {{ top: 8px; background: {STUDY}; transform: translate(-50%, -50%); }}
.cf-pi {{ top: 7px; height: 0; border-top: 2px dashed {POOLED}; }}
.cf-dia {{ top: {(16 - DIAMOND_HEIGHT) / 2}px; height: {DIAMOND_HEIGHT}px; min-width: 2px; }}
.cf-axis {{ position: relative; height: 1.4em; margin: 0 7px; border-top: 1px solid {FAINT}; }}
.cf-axis > span {{ position: absolute; top: 3px; transform: translateX(-50%); font-size: 12px; }}
.cf-axis > span::before {{ content: ""; position: absolute; left: 50%; top: -7px; height: 4px;
  border-left: 1px solid {FAINT}; }}
.cf-title {{ text-align: center; font-size: 12px; margin-top: 0.2rem; }}
</style>"""


def _at(x: float) -> str:
    """A proportion as a position across the plot (clamped to 0–100%)."""
    return f"{min(max(float(x), 0.0), 1.0) * 100:.3f}%"


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _numbers(r: dict) -> list[str]:
    """Events/n, the estimate with its CI, the weight: "" where a row has none (the columns stay aligned)."""
    return [r[k] if isinstance(r.get(k), str) else "" for k in ("numbers", "ci_text", "weight_text")]


def _square(r: dict, top_weight: float) -> str:
    low, high = SQUARE_AREA
    side = math.sqrt(low + (high - low) * r["weight"] / top_weight) if _known(r.get("weight")) and top_weight \
        else math.sqrt(low)
    return f'<i class="cf-sq" style="left:{_at(r["est"])};width:{side:.1f}px;height:{side:.1f}px"></i>'


def _diamond(r: dict) -> str:
    lo, est, hi = float(r["lo"]), float(r["est"]), float(r["hi"])
    tip = 50.0 if hi <= lo else (est - lo) / (hi - lo) * 100
    colour = POOLED if r["kind"] == "pooled" else SUBPOOLED
    return (f'<i class="cf-dia" style="left:{_at(lo)};width:calc({_at(hi)} - {_at(lo)});background:{colour};'
            f'clip-path:polygon(0 50%,{tip:.3f}% 0,100% 50%,{tip:.3f}% 100%)"></i>')


def _marks(r: dict, top_weight: float) -> str:
    kind = r["kind"]
    if kind == "study" and _known(r.get("est")):
        shown = (f'<i class="cf-ci" style="left:{_at(r["lo"])};width:calc({_at(r["hi"])} - {_at(r["lo"])})"></i>'
                 + _square(r, top_weight))
    elif kind in ("pooled", "subpooled"):
        shown = _diamond(r)
    elif kind == "pi":
        shown = f'<i class="cf-pi" style="left:{_at(r["lo"])};width:calc({_at(r["hi"])} - {_at(r["lo"])})"></i>'
    else:
        shown = ""
    return shown


def _row(r: dict, top_weight: float, pooled: float | None, href: str | None) -> str:
    label = escape(str(r["label"]))
    if href:
        label = f'<a href="{escape(href)}" target="_blank" rel="noopener">{label}</a>'
    numbers = "".join(f"<span>{escape(t)}</span>" for t in _numbers(r))
    tip = escape(" · ".join([str(r["label"]), *filter(None, _numbers(r))]))
    bold = " cf-bold" if r["kind"] in ("header", "pooled", "subpooled") else ""
    ref = f'<i class="cf-ref" style="left:{_at(pooled)}"></i>' if pooled is not None else ""
    return (f'<div class="cf-row" title="{tip}"><div class="cf-line{bold}"><span>{label}</span>'
            f'<span>{numbers}</span></div><div class="cf-marks" aria-hidden="true">{ref}{_marks(r, top_weight)}'
            f'</div></div>')


def forest_html(rows: pd.DataFrame, x_title: str = N_("Proportion"), lang: str = DEFAULT_LANGUAGE,
                link: Callable[[str], str] | None = None) -> str:
    """The forest plot of ``rows`` (``forest_rows``) as one HTML block, in ``lang``.

    ``link`` gives the address of a report's page from its id (the rows'
    ``report_id``); a study's label links there, in a new tab.
    """
    _ = translator(lang)
    records = rows.to_dict("records")
    weights = [r["weight"] for r in records if r["kind"] == "study" and _known(r.get("weight"))]
    top_weight = max(weights, default=0.0)
    pooled = next((float(r["est"]) for r in records if r["kind"] == "pooled"), None)
    study, columns, name = _("Study"), [_(t) for t in NUMBER_HEADERS], _("Forest plot")
    head = (f'<div class="cf-line cf-head"><span>{escape(study)}</span><span>'
            + "".join(f"<span>{escape(c)}</span>" for c in columns) + "</span></div>")
    body = "".join(_row(r, top_weight, pooled, link(r["report_id"]) if link and _known(r.get("report_id"))
                        else None) for r in records)
    axis = "".join(f'<span style="left:{_at(t)}">{escape(format_percent(t, lang, 0))}</span>' for t in TICKS)
    title = _(x_title)
    return (f'{CSS}<figure class="cf" aria-label="{escape(name)}">{head}{body}'
            f'<div class="cf-axis" aria-hidden="true">{axis}</div>'
            f'<figcaption class="cf-title">{escape(title)}</figcaption></figure>')
