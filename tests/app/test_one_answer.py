"""The app and the library give the same numbers for the same question (shipped data).

For every outcome and every disease with data, the Meta-analysis page's
metrics, the Overview's headline cell and ``analyse_outcome`` agree on k,
patients, estimate and interval: the pages ask the library and draw its
answer, so they cannot drift apart.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from evidence.headline import SAFETY_OUTCOMES, cell_selection, cell_text, headline_table
from evidence.outcome_analysis import Selection, analyse_outcome
from evidence.queries import outcome_disease_pairs
from evidence.settings import REPO_ROOT, Settings
from evidence.store import initialise, open_store
from evidence.vocab import Outcome
from tests.app.app_test_helpers import frames
from tests.app.conftest import open_page

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shipped_engine(tmp_path_factory):
    settings = Settings(db=str(tmp_path_factory.mktemp("shipped") / "e.db"), data_dir=str(REPO_ROOT / "data"))
    initialise(settings)
    engine = open_store(settings)
    yield settings.db, engine
    engine.dispose()


@pytest.fixture
def shipped_app(shipped_engine, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", shipped_engine[0])
    from app_pages.common import get_engine

    get_engine.clear()
    return shipped_engine[1]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def test_meta_analysis_page_shows_the_library_numbers(shipped_app):
    with Session(shipped_app) as session:
        pairs = sorted(outcome_disease_pairs(session))
        answers = {pair: analyse_outcome(session, Selection(pair[0], (pair[1],))) for pair in pairs}
    assert len(pairs) > 40
    checked = 0
    for (outcome, disease), a in answers.items():
        at = open_page("meta_analysis", {"outcome": outcome, "disease": disease})
        metrics = {m.label: m.value for m in at.metric}
        if a.result is None:
            assert not metrics, (outcome, disease)
            continue
        r = a.result
        assert metrics == {"Pooled proportion": _pct(r.estimate), "95% CI": f"{_pct(r.ci_low)}–{_pct(r.ci_high)}",
                           "Studies (k)": str(r.k), "Patients": str(int(a.included["patients"].sum()))}, \
            (outcome, disease)
        checked += 1
    assert checked > 30


def test_overview_headline_cells_are_the_library_analyses(shipped_app):
    at = open_page()
    shown = next(f for f in frames(at) if "Remission / response" in f.columns)
    with Session(shipped_app) as session:
        table = headline_table(session)
        assert list(shown["Disease"]) == list(table["Disease"])
        for row in table.to_dict("records"):
            for outcome in SAFETY_OUTCOMES:
                label = Outcome(outcome).label
                expected = cell_text(analyse_outcome(session, Selection(outcome, (row["disease"],))))
                assert row[label] == expected, (row["disease"], outcome)
            if row["remission_outcome"]:
                a = analyse_outcome(session, Selection(row["remission_outcome"], (row["disease"],)))
                assert row["Remission / response"] == cell_text(a)
            if row["durability_outcome"]:
                a = analyse_outcome(session, Selection(row["durability_outcome"], (row["disease"],)))
                assert row["Remission maintained"].startswith(cell_text(a) + " (")
            assert row["Relapse"] == cell_text(analyse_outcome(session, Selection("relapse", (row["disease"],))))
    # the page holds each part of a cell together with no-break spaces and word joiners (it wraps only between)
    assert list(shown["Remission / response"].str.replace("\u00a0", " ").str.replace("\u2060", "")) == [
        v or "—" for v in table["Remission / response"]]



def test_a_headline_cell_opens_its_analysis(shipped_app):
    with Session(shipped_app) as session:
        table = headline_table(session)
    sle = int(table.index[table["disease"] == "sle"][0])
    assert cell_selection(table, sle, "CRS, any grade") == {"outcome": "crs_any", "disease": "sle"}
    assert cell_selection(table, sle, "Remission / response") == {"outcome": "remission_doris", "disease": "sle"}
    assert cell_selection(table, sle, "Disease") is None
    assert cell_selection(table, sle, "Relapse") == {"outcome": "relapse", "disease": "sle"}
    empty = next((i, c) for i, row in table.iterrows() for c in ("ICANS, grade ≥3",) if not row[c])
    assert cell_selection(table, *empty) is None


def test_pool_outcome_command_prints_the_library_numbers(shipped_app, shipped_engine, monkeypatch):
    import json

    from typer.testing import CliRunner

    from evidence.cli import app

    monkeypatch.setenv("EVIDENCE_DB", shipped_engine[0])
    runner = CliRunner()
    with Session(shipped_app) as session:
        pairs = sorted(outcome_disease_pairs(session))
        for outcome, disease in pairs:
            a = analyse_outcome(session, Selection(outcome, (disease,)))
            out = runner.invoke(app, ["pool", "--outcome", outcome, "--disease", disease, "--json"])
            assert out.exit_code == 0, out.output
            payload = json.loads(out.stdout)
            assert payload["patients"] == a.patients
            assert [(s["report_id"], s["events"], s["total"]) for s in payload["studies"]] == [
                (r.report_id, r.events, r.patients) for r in a.included_records]
            assert [e["report_id"] for e in payload["excluded"]] == [r.report_id for r in a.records
                                                                     if not r.included]
            if a.result is None:
                assert payload["pooled"] is None
            else:
                got = payload["pooled"]
                assert (got["k"], got["estimate"], got["ci_low"], got["ci_high"]) == (
                    a.result.k, a.result.estimate, a.result.ci_low, a.result.ci_high)


def test_pool_outcome_speaks_the_readers_language(shipped_app, shipped_engine, monkeypatch):
    import json

    from typer.testing import CliRunner

    from evidence.analysis_set import reason_text
    from evidence.cli import app
    from evidence.i18n import format_number

    monkeypatch.setenv("EVIDENCE_DB", shipped_engine[0])
    with Session(shipped_app) as session:
        a = analyse_outcome(session, Selection("crs_any", ("sle",), include_mixed=True))
    excluded = [r for r in a.records if not r.included]
    args = ["pool", "--outcome", "crs_any", "--disease", "sle", "--include-mixed"]
    runner = CliRunner()
    out = runner.invoke(app, [*args, "--lang", "it"])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("Esito: crs_any; un report per coorte: sì\nMetodo: ")
    pooled = next(line for line in out.stdout.splitlines() if line.startswith("Stima aggregata (k="))
    assert f" {format_number(100 * a.result.estimate, 'it', 1)} [" in pooled
    assert f"Esclusi ({len(excluded)}):" in out.stdout and excluded
    for r in excluded:  # names and reasons as the Meta-analysis page writes them in Italian
        assert f"  {r.label_in('it')} [{r.report_id}]: {reason_text(r.why, 'it')}" in out.stdout
    italian = json.loads(runner.invoke(app, [*args, "--json", "--lang", "it"]).stdout)
    english = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert italian.keys() == english.keys() and italian["pooled"] == english["pooled"]  # keys and numbers stay
    assert [e["reason"] for e in italian["excluded"]] == [reason_text(r.why, "it") for r in excluded]
    assert [e["reason"] for e in english["excluded"]] == [r.reason for r in excluded]


def test_pool_outcome_rejects_unknown_codes(shipped_engine, monkeypatch):
    from typer.testing import CliRunner

    from evidence.cli import app

    monkeypatch.setenv("EVIDENCE_DB", shipped_engine[0])
    out = CliRunner().invoke(app, ["pool", "--outcome", "crs_any", "--disease", "lupus"])
    assert out.exit_code == 2 and "unknown Disease 'lupus'" in out.output
