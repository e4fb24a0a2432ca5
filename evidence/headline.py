"""Headline rates per disease: the most-reported remission outcome and the main harms, pooled.

Each cell is ``analyse_outcome`` for that disease and outcome with the
default selection (cohort-aware, GLMM), so it shows exactly what the
Meta-analysis page and ``evidence pool --outcome … --disease …`` show.

The table costs dozens of GLMM fits (about 2 s at 20,000 publications), so
it is computed once per data version and kept in the database itself
(``stored_headline_table``, a ``meta`` row keyed on ``queries.data_version``
and the last workbench edit):
``evidence init``/``update`` fill it after loading, the app reads it (and
computes it, without writing, when the data have changed since).
"""

from __future__ import annotations

import json
import logging

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from evidence import models

from evidence.outcome_analysis import OutcomeAnalysis, Selection, analyse_outcome
from evidence.queries import data_version, outcome_disease_pairs, short_label
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
STORE_KEY = "headline_table"  # the meta row holding {"version": data version, "table": split-oriented frame}

log = logging.getLogger(__name__)


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


def _version(session: Session) -> str:
    """The data version (it includes the last workbench edit)."""
    return data_version(session)


def _read_stored(session: Session, version: str) -> pd.DataFrame | None:
    row = session.get(models.Meta, STORE_KEY)
    if row is None:
        return None
    try:
        stored = json.loads(row.value)
    except ValueError:
        return None
    if stored.get("version") != version:
        return None
    table = stored["table"]
    return pd.DataFrame(table["data"], columns=table["columns"])


def store_headline_table(session: Session) -> pd.DataFrame:
    """Compute the table for the current data and keep it (a read-only database just returns it)."""
    version = _version(session)
    table = headline_table(session)
    payload = json.dumps({"version": version, "table": {"columns": list(table.columns),
                                                        "data": table.values.tolist()}}, ensure_ascii=False)
    try:
        session.merge(models.Meta(key=STORE_KEY, value=payload))
        session.commit()
    except SQLAlchemyError as exc:  # read-only file, a concurrent writer: the answer is still right, just not kept
        session.rollback()
        log.info("headline table not stored (%s); it is recomputed on the next cold start", type(exc).__name__)
    return table


def stored_headline_table(session: Session, keep: bool = True) -> pd.DataFrame:
    """``headline_table`` for the current data: the kept copy when it is of this data version, else computed.

    ``keep=False`` (the app, which never writes) computes a missing or stale
    table without keeping it.
    """
    stored = _read_stored(session, _version(session))
    if stored is not None:
        return stored
    return store_headline_table(session) if keep else headline_table(session)


def refresh_stored_headline(engine: Engine) -> None:
    """Keep the headline table of the current data (after `evidence init`/`update`); a failure is only logged.

    The app computes the table itself when it is missing or stale, so a
    command must not fail for it.
    """
    try:
        with Session(engine) as session:
            stored_headline_table(session)
    except Exception as exc:  # (the data were loaded; only the precomputed table is missing)
        # The kind only: a traceback (or a SQL error's statement and parameters) is not a message for the user.
        log.warning("the headline table was not precomputed (%s); the app will compute it on first use",
                    type(exc).__name__)
        log.debug("headline table precomputation failed", exc_info=True)
