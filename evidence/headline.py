"""Headline rates per disease: the most-reported remission outcome and the main harms, pooled.

Each cell is ``analyse_outcome`` for that disease and outcome with the
default selection (cohort-aware, GLMM), so it shows exactly what the
Meta-analysis page and ``evidence pool --outcome … --disease …`` show.
"""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from evidence.outcome_analysis import OutcomeAnalysis, Selection, analyse_outcome
from evidence.queries import outcome_disease_pairs, short_label
from evidence.vocab import Disease, Outcome, label_of

REMISSION_OUTCOMES = ("remission_doris", "doris_and_lldas", "complete_remission_other", "drug_free_remission",
                      "acr_eular_major_response", "tis_response", "eustar_activity_improvement",
                      "mg_adl_improvement", "mgc_improvement", "complete_renal_response", "clinical_response_other")
DURABILITY_OUTCOMES = ("remission_maintained_12m", "remission_maintained_24m", "remission_maintained_last_fu",
                       "relapse_free", "remission_maintained_6m")
SAFETY_OUTCOMES = ("crs_any", "crs_grade3plus", "icans_any", "icans_grade3plus", "serious_infection")
CODE_COLUMNS = ("disease", "remission_outcome", "durability_outcome")  # for links, not for display
DURABILITY = "Remission maintained"
RELAPSE = "Relapse"


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def cell_text(a: OutcomeAnalysis | None) -> str:
    """"67% (31–90%) k=8, n=64", or "" when nothing is pooled."""
    if a is None or a.result is None:
        return ""
    r = a.result
    return f"{pct(r.estimate)} ({pct(r.ci_low)[:-1]}–{pct(r.ci_high)}) k={r.k}, n={a.patients}"


def _when(outcome: str) -> str:
    """"at 12 months", "at last follow-up", "relapse-free at last follow-up"."""
    text = label_of(Outcome, outcome)
    return text.split("maintained ", 1)[1] if "maintained " in text else text[0].lower() + text[1:]


def _best_remission(candidates: list[tuple[str, OutcomeAnalysis]]) -> tuple[str, OutcomeAnalysis] | None:
    """A named definition beats a catch-all that mixes definitions; then more studies, then more patients."""
    pooled = [c for c in candidates if c[1].result is not None]
    return max(pooled, key=lambda c: (not Outcome(c[0]).mixed_definitions, c[1].result.k,
                                      c[1].patients), default=None)


def headline_table(session: Session) -> pd.DataFrame:
    """Per disease (lupus nephritis apart): remission and harm rates, pooled (cohort-aware GLMM)."""
    pairs = outcome_disease_pairs(session)
    out = []
    for d in sorted({d for _, d in pairs}, key=lambda d: (d == "other", d)):
        def analyse(outcome: str) -> OutcomeAnalysis | None:
            return analyse_outcome(session, Selection(outcome, (d,))) if (outcome, d) in pairs else None

        best = _best_remission([(o, a) for o in REMISSION_OUTCOMES if (a := analyse(o)) is not None])
        lasting = next(((o, a) for o in DURABILITY_OUTCOMES if (a := analyse(o)) is not None and a.result), None)
        row = {"disease": d, "Disease": short_label(Disease, d),
               "Remission / response": cell_text(best[1]) if best else "",
               "Definition": label_of(Outcome, best[0]) if best else "", "remission_outcome": best[0] if best else "",
               DURABILITY: f"{cell_text(lasting[1])} ({_when(lasting[0])})" if lasting else "",
               "durability_outcome": lasting[0] if lasting else "", RELAPSE: cell_text(analyse("relapse"))}
        for outcome in SAFETY_OUTCOMES:
            row[label_of(Outcome, outcome)] = cell_text(analyse(outcome))
        if any(v for k, v in row.items() if k not in ("disease", "Disease")):
            out.append(row)
    return pd.DataFrame(out)


def cell_selection(table: pd.DataFrame, row: int, column: str) -> dict[str, str] | None:
    """The analysis behind a headline cell, as Meta-analysis URL parameters (None: a label or empty cell)."""
    record = table.iloc[int(row)]
    outcomes = {"Remission / response": record["remission_outcome"], DURABILITY: record["durability_outcome"],
                RELAPSE: "relapse", **{label_of(Outcome, o): o for o in SAFETY_OUTCOMES}}
    if column not in outcomes or not record[column]:
        return None
    return {"outcome": outcomes[column], "disease": record["disease"]}
