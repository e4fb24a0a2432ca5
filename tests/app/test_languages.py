"""The app in Italian: chosen in the sidebar or by ``?lang=it``, kept across pages, numbers with a decimal comma.

Texts are checked against the catalog's Italian (never against the English
source), codes in the URL stay codes, and stored values stay as stored.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.app_test_helpers import forest_plot, frames, static_tables
from tests.app.conftest import open_page

TITLES = {  # page → its title in Italian
    "overview": "Terapia con cellule CAR-T nelle malattie autoimmuni",
    "studies": "Studi",
    "trials": "Sperimentazioni registrate",
    "meta_analysis": "Meta-analisi: Remissione (DORIS)",
    "export": "Esporta",
    "about": "Informazioni e metodi",
}


def open_in(lang: str, page: str | None = None, params: dict[str, str] | None = None) -> AppTest:
    """A new session opened on a shared link ``/<page>?lang=…&…`` (a browser's first request)."""
    return open_page(page, params, lang=lang)


def texts(at: AppTest) -> str:
    """Every text the page wrote (titles, captions, markdown, notices, labels), one string to search."""
    parts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning",
                                  "success", "error") for e in getattr(at, kind)]
    parts += [w.label for kind in ("selectbox", "multiselect", "toggle", "radio", "text_input", "number_input",
                                   "metric") for w in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("name", list(TITLES))
def test_every_page_speaks_italian_with_lang_it(app_env, name):
    at = open_in("it", name)
    assert at.title[0].value == TITLES[name]
    assert at.radio(key="lang").label == "Lingua" and at.radio(key="lang").value == "it"
    assert at.query_params["lang"] == "it"  # a copied link opens in Italian
    shown = texts(at)
    for english in ("Search and filter in the sidebar", "Search titles", "Registered trials", "Everything follows",
                    "Data sources", "Headline rates", "Pooled proportion", "What's new"):
        assert english not in shown, (name, english)


def test_the_language_survives_a_page_switch(app_env):
    at = open_in("it")
    at.query_params.clear()  # the top menu drops the query string
    at.switch_page("app_pages/studies.py")
    at.run()
    assert at.title[0].value == "Studi" and at.query_params["lang"] == "it"
    at.query_params.clear()
    at.switch_page("app_pages/about.py")
    at.run()
    assert at.title[0].value == TITLES["about"] and at.query_params["lang"] == "it"


def test_the_sidebar_switches_language_and_english_keeps_a_clean_url(app_env):
    at = open_in("en", "studies", {"disease": "sle"})
    assert at.title[0].value == "Studies" and "lang" not in at.query_params
    at.radio(key="lang").set_value("it").run()
    assert at.title[0].value == "Studi"
    assert at.query_params["lang"] == "it" and at.query_params["disease"] == "sle"  # codes stay codes
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Studies" and "lang" not in at.query_params


def test_tables_show_italian_headers_and_labels_but_stored_values_as_stored(app_env):
    at = open_in("it", "studies")
    table = frames(at)[0]
    assert {"Report", "Anno", "Tipo", "Malattie", "Bersaglio", "Pazienti"} <= set(table.columns)
    assert "Lupus eritematoso sistemico" in ", ".join(table["Malattie"])
    assert "Alpha 2022, J Test" in set(table["Report"])  # a stored label: data, never translated
    trials = frames(open_in("it", "trials"))[0]
    assert {"ID di registro", "Titolo", "Stato", "Fase"} <= set(trials.columns)
    assert set(trials["Stato"]) <= {"In reclutamento", "Reclutamento non ancora avviato", "Completato",
                                    "Attivo, reclutamento chiuso", "Sconosciuto"}


def test_trial_filters_for_a_child_in_europe_in_italian(app_env):
    at = open_in("it", "trials", {"region": "Europe", "children": "1"})
    assert at.multiselect(key="region").value == ["Europe"]  # the code in the URL and the state
    assert "Europa" in at.multiselect(key="region").options
    assert at.toggle(key="children").label == "Arruola bambini (sotto i 18 anni)"


def test_pooled_estimate_in_italian_has_a_decimal_comma_and_italian_plot_labels(app_env):
    at = open_in("it", "meta_analysis", {"outcome": "crs_any"})
    assert at.title[0].value == "Meta-analisi: Sindrome da rilascio di citochine (CRS), qualsiasi grado"
    metrics = {m.label: m.value for m in at.metric}
    assert {"Stima aggregata", "IC 95%", "Studi (k)", "Pazienti"} <= set(metrics)
    heterogeneity = next(t for t in static_tables(at) if "τ²" in t.columns)
    assert {"I² (%)", "gdl", "p (Q)"} <= set(heterogeneity.columns)
    shown = list(heterogeneity.iloc[0])
    assert any("," in v for v in shown) and not any("." in v for v in shown), shown  # decimal comma, no point
    english = open_in("en", "meta_analysis", {"outcome": "crs_any"})
    het_en = next(t for t in static_tables(english) if "τ²" in t.columns)
    assert all("." in str(v) for v in het_en[["τ²", "I² (%)"]].iloc[0]), het_en  # a decimal point
    plot = forest_plot(at)
    assert "Eventi/n" in plot and "% (IC 95%)" in plot and "Events/n" not in plot
    notes = "\n".join(t.value for t in at.text)
    assert "Solo 2 studi" in notes or "Eventi rari" in notes or "Studi con 0 eventi" in notes, notes


def test_overview_headline_in_italian_keeps_numbers_and_links_by_code(app_env):
    at = open_in("it")
    headline = next(f for f in frames(at) if "Remissione / risposta" in f.columns)
    assert "Lupus eritematoso sistemico" in set(headline["Malattia"])
    assert {"Sindrome da rilascio di citochine (CRS), qualsiasi grado", "Infezioni gravi"} <= set(headline.columns)
    english = open_in("en")
    head_en = next(f for f in frames(english) if "Remission / response" in f.columns)
    assert list(headline["Remissione / risposta"]) == list(head_en["Remission / response"])  # same numbers


def test_counts_are_grouped_as_each_language_writes_them(app_env, engine):
    """A planned enrollment of 12,345 reads "12,345" in English and "12.345" in Italian, never "12345"."""
    from sqlmodel import Session, select

    from app_pages.common import get_engine
    from evidence import models

    with Session(engine) as s:
        trial = s.exec(select(models.Trial)).first()
        others = sum(t.enrollment or 0 for t in s.exec(select(models.Trial)) if t.registry_id != trial.registry_id)
        trial.enrollment = 12_345 - others
        s.add(trial)
        s.commit()
    get_engine.clear()
    planned = {"en": ("Planned enrollment", "12,345"), "it": ("Arruolamento previsto", "12.345")}
    for lang, (label, shown) in planned.items():
        metrics = {m.label: m.value for m in open_in(lang, "trials").metric}
        assert metrics[label] == shown, (lang, metrics)
