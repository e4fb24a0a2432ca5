"""Texts the library composes (reasons, age ranges, PRISMA boxes) and words with two meanings, in Italian pages.

Each is checked against the Italian the catalog gives, on the page a reader
opens with ``?lang=it``; English pages keep their words.
"""

from __future__ import annotations

import base64

import pytest
from sqlmodel import Session

from evidence import models
from tests.app.app_test_helpers import fact_lists, frames, static_tables
from tests.app.conftest import open_page
from tests.app.test_workbench_extraction import workbench  # noqa: F401 (the workbench fixture)


def _frames(at) -> list:
    """The page's lists, grids and static tables."""
    return frames(at) + static_tables(at)


def test_the_analysis_set_gives_the_same_cohort_reason_in_italian(app_env):
    at = open_page("meta_analysis", {"outcome": "crs_any", "view": "set"}, lang="it")
    table = next(f for f in _frames(at) if "Motivo dell'esclusione" in f.columns)
    reasons = [r for r in table["Motivo dell'esclusione"] if r]
    assert any(r.startswith("stessa coorte di Alpha 2024") for r in reasons), reasons
    assert not any("same cohort" in r for r in reasons)
    notes = [line for t in at.text for line in t.value.splitlines()]  # the notes: one text, a line each
    assert any(n.startswith("• Escluso ") and "stessa coorte di" in n for n in notes), notes


def _ages(engine) -> None:
    with Session(engine) as s:
        trial = s.get(models.Trial, "NCT01234567")
        trial.min_age, trial.max_age = "6 Months", "17 Years"
        s.add(trial)
        s.commit()


def test_trial_ages_are_written_in_italian(app_env, engine):
    _ages(engine)
    it = open_page("trials", {"trial": "NCT01234567"}, lang="it")
    shown = [str(v) for f in _frames(it) if "Età" in f.columns for v in f["Età"]]
    assert "da 6 mesi a 17 anni" in shown and not any("Years" in v for v in shown), shown
    en = open_page("trials", {"trial": "NCT01234567"})
    assert "6 Months to 17 Years" in [str(v) for f in _frames(en) if "Ages" in f.columns for v in f["Ages"]]


def _trials_table(at):
    """The trials table, in either language."""
    return next(f for f in frames(at) if {"Registry ID", "ID di registro"} & set(f.columns))


def test_a_field_the_registry_record_lacks_says_so_in_the_trials_table(app_env, engine):
    """A blank Ages or Countries cell would read as "any age" or "anywhere"."""
    _ages(engine)
    en = _trials_table(open_page("trials"))
    ages = dict(zip(en["Registry ID"], en["Ages"]))
    assert ages["NCT01234567"] == "6 Months to 17 Years"
    others = [a for rid, a in ages.items() if rid != "NCT01234567"]
    assert others and set(others) == {"not recorded"}, ages
    assert not any(isinstance(v, str) and not v.strip() for v in en.drop(columns=["Enrollment"]).to_numpy().ravel())
    it = _trials_table(open_page("trials", lang="it"))
    assert "dato non riportato" in set(it["Età"]) and "not recorded" not in set(it.to_numpy().ravel())


def _forget(engine, model, key: str, field: str) -> None:
    """Make one stored field unknown, as a record that lacks it would leave it."""
    with Session(engine) as s:
        row = s.get(model, key)
        setattr(row, field, None)
        s.add(row)
        s.commit()


def test_a_report_with_no_treated_count_does_not_say_none(app_env, engine):
    """An unknown count is "not recorded", as a trial's unknown facts are, never Python's "None"."""
    _forget(engine, models.Report, "beta-2023", "n_treated")
    at = open_page("studies", {"report": "beta-2023"})
    facts = next(f for f in fact_lists(at) if "Data cut-off" in f)
    assert facts["Patients"] == "not recorded"
    assert not {"None", "nan"} & set(facts.values())
    italian = open_page("studies", {"report": "beta-2023"}, lang="it")
    assert next(f for f in fact_lists(italian) if "Pazienti" in f)["Pazienti"] == "dato non riportato"


def test_the_trial_detail_says_not_recorded_too(app_env):
    """The facts and the eligibility of a trial whose record gives no ages or completion date."""
    at = open_page("trials", {"trial": "NCT01234567"})
    facts = next(f for f in fact_lists(at) if "Population" in f)
    assert facts["Completion"] == "not recorded" and "Ages" not in facts  # ages once, in the eligibility
    assert facts["Population"] == "Adult" and facts["Enrollment"] == "24"
    assert facts["Diseases"] and facts["Targets"] and "Registry record as of" in facts  # which disease, how current
    eligibility = next(f for f in fact_lists(at) if "Healthy volunteers" in f)
    assert set(eligibility.values()) == {"not recorded"} and "Ages" in eligibility


def test_an_unknown_enrollment_in_the_trial_detail_is_not_nan(app_env, engine):
    _forget(engine, models.Trial, "NCT07654321", "enrollment")
    at = open_page("trials", {"trial": "NCT07654321"})
    facts = next(f for f in fact_lists(at) if "Population" in f)
    assert facts["Enrollment"] == "not recorded"


def test_new_value_and_new_records_are_told_apart_in_italian(app_env):
    trials = open_page("trials", {"trial": "NCT01234567"}, lang="it")
    changes = next(f for f in _frames(trials) if "Prima" in f.columns)
    assert "Dopo" in changes.columns and list(changes["Dopo"]) == ["RECRUITING"]
    assert list(changes["Campo"]) == ["stato"]  # the field in words, as the Overview's digest says it
    about = open_page("about", lang="it")
    runs = next(f for f in _frames(about) if "Modificati" in f.columns)
    assert "Nuovi" in runs.columns


def test_a_reports_numbers_and_the_harvest_runs_show_words_not_codes_in_italian(app_env):
    at = open_page("studies", {"report": "alpha-2024"}, lang="it")
    numbers = next(f for f in _frames(at) if "Fonte" in f.columns and "Stato" in f.columns)
    assert {"Verificato nella fonte primaria", "Fonti discordanti"} <= set(numbers["Stato"])
    assert "intera coorte" in set(numbers["Sottogruppo"]) and "all" not in set(numbers["Sottogruppo"])
    assert not {"timepoint", "timepoint_months", "Where"} & set(numbers.columns)
    runs = next(f for f in _frames(open_page("about", lang="it")) if "Modificati" in f.columns)
    assert set(runs["Stato"]) == {"Riuscito"} and "pubmed" not in set(runs["Fonte"])


def test_the_analysis_set_shows_status_words_in_italian(app_env):
    at = open_page("meta_analysis", {"outcome": "crs_any", "view": "set"}, lang="it")
    table = next(f for f in _frames(at) if "Motivo dell'esclusione" in f.columns)
    assert "Verificato nella fonte primaria" in set(table["Stato"]) and "verified" not in set(table["Stato"])


def test_a_mixed_cohort_is_named_in_italian_in_the_notes(app_env):
    at = open_page("meta_analysis", {"outcome": "crs_any", "disease": "sle", "mixed": "1"}, lang="it")
    notes = [t.value for t in at.text]
    assert any("Alpha 2024, J Test [coorte mista: 8/15 LES]" in n for n in notes), notes
    assert not any("mixed:" in n or "8/15 SLE" in n for n in notes)


@pytest.mark.parametrize("view", ["loo", "cumulative"])
def test_leave_one_out_and_cumulative_name_studies_in_italian(app_env, view):
    at = open_page("meta_analysis", {"outcome": "crs_any", "view": view}, lang="it")
    studies = list(next(f for f in _frames(at) if "Studio" in f.columns and "Stima" in f.columns)["Studio"])
    assert any(s.endswith("[miosite]") for s in studies) and not any("[IIM]" in s for s in studies), studies
    english = open_page("meta_analysis", {"outcome": "crs_any", "view": view})
    assert any(s.endswith("[IIM]") for s in next(f for f in _frames(english) if "Study" in f.columns)["Study"])


@pytest.mark.usefixtures("workbench")
def test_the_workbench_history_names_actions_in_italian():
    at = open_page("workbench_history", lang="it")
    actions = next(f for f in _frames(at) if "Azione" in f.columns)
    assert set(actions["Azione"]) <= {"Riga creata", "Riga modificata", "Riga eliminata"} and len(actions)
    assert "· Riga creata " in at.selectbox(key="wb_h_change").options[0]  # the action to undo, named


@pytest.mark.usefixtures("workbench")
def test_the_prisma_page_draws_the_diagram_in_italian():
    at = open_page("workbench_prisma", lang="it")
    url = at.get("image")[0].proto.imgs[0].url
    svg = base64.b64decode(url.split(",", 1)[1]).decode("utf-8")
    assert "Record identificati da:" in svg and "Report valutati per l'eleggibilità" in svg
    assert "Records identified" not in svg


def test_whats_new_on_the_overview_labels_publication_kinds_in_italian(app_env):
    pubs = next(f for f in _frames(open_page("overview", lang="it")) if "Rivista" in f.columns)
    assert list(pubs["Tipo"]) == ["Report clinico primario"]
