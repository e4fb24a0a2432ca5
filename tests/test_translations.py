"""Every interface text has its Italian, and numbers are written as each language writes them.

The texts are found the way ``make translations`` finds them: Babel's
extractor with the project's ``babel.cfg`` (``_()``/``N_()`` in the pages,
the frame and the library, and every vocabulary label). A text without a
non-empty, non-fuzzy Italian ``msgstr`` fails here, naming the text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from evidence import i18n
from evidence.ages import age_range, age_text
from evidence.i18n import (NP_, format_estimate, format_number, format_percent, format_significant, label, ngettext,
                           translator)
from evidence.settings import REPO_ROOT
from evidence.vocab import Disease, Outcome, TrialStatus

CATALOG = REPO_ROOT / "evidence" / "locale" / "it" / "LC_MESSAGES" / "messages.po"
SOURCES = ("streamlit_app.py", "app_pages", "evidence")


def extracted() -> dict[tuple[str, str | None], str]:
    """Every text the catalog must hold, with its message context (None for most) → where it was found.

    A text with plural forms (``ngettext``) is held under its singular.
    """
    with open(REPO_ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(REPO_ROOT, method_map, options_map):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault((text, context), f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def in_context() -> dict[tuple[str, str | None], str]:
    return extracted()


@pytest.fixture(scope="module")
def texts(in_context) -> dict[str, str]:
    return {text: where for (text, _context), where in in_context.items()}


@pytest.fixture(scope="module")
def catalog():
    with open(CATALOG, "rb") as f:
        return read_po(f, locale="it")


def test_the_extraction_finds_page_library_and_vocabulary_texts(texts):
    assert "Overview" in texts  # the frame's page titles
    assert "Search titles and abstracts" in texts  # a page widget label
    assert "Events/n" in texts  # the forest plot's column header (library)
    assert "Why not pooled" in texts  # an export column header marked N_()
    assert {o.label for o in Outcome} <= set(texts)  # the vocabulary labels, found without markers
    assert "Europe" in texts  # a region (geography, named in babel.cfg)


def test_every_interface_text_has_an_italian_translation(in_context, catalog):
    missing = [f"{where}: {text!r}" + (f" (context {context!r})" if context else "")
               for (text, context), where in sorted(in_context.items(), key=lambda t: t[1])
               if not ((m := catalog.get(text, context)) and _translated(m.string) and not m.fuzzy)]
    assert not missing, ("texts without Italian (run `make translations`, then write their msgstr in "
                         f"{CATALOG.relative_to(REPO_ROOT)}):\n" + "\n".join(missing))


def _translated(string: str | tuple[str, ...]) -> bool:
    """A single translation, or every plural form of one, written."""
    return bool(string) and all(string) if isinstance(string, tuple) else bool(string)


PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def test_translations_keep_the_placeholders_of_their_text(catalog):
    """A translation that drops or renames ``{name}`` would raise when the page formats it (each plural form too)."""
    def names(text: str) -> list[str]:
        return sorted(PLACEHOLDER.findall(text))
    wrong = [m.id for m in catalog if m.id and m.string
             and any(names(form) != names(m.id[-1] if isinstance(m.id, tuple) else m.id)
                     for form in (m.string if isinstance(m.string, tuple) else (m.string,)) if form)]
    assert not wrong


def _literal_calls_in_fstrings(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [call.lineno for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
            for call in ast.walk(node) if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id in ("_", "N_", "ngettext") and call.args and isinstance(call.args[0], ast.Constant)]


def _unnamed_translator_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Call)
            and isinstance(node.func.func, ast.Name) and node.func.func.id in ("translator", "ngettext")
            and node.args and isinstance(node.args[0], ast.Constant)]


def test_no_text_is_hidden_from_the_extractor():
    """``f"{_('Text')}"``, ``translator(lang)("Text")`` and ``ngettext(lang)("Text", "Texts", n)`` are invisible
    to the extractor: the text would stay English. Name the translator ``_`` (``ngettext``) and call it outside
    f-strings."""
    files = [REPO_ROOT / "streamlit_app.py", *(p for d in SOURCES[1:] for p in (REPO_ROOT / d).rglob("*.py"))]
    hidden = [f"{p.relative_to(REPO_ROOT)}:{line}" for p in files
              for line in (*_literal_calls_in_fstrings(p), *_unnamed_translator_calls(p))]
    assert not hidden


def test_translator_reads_the_catalog_and_falls_back_to_english():
    it = translator("it")
    assert it("Serious infection") == "Infezioni gravi"
    assert it("A text nobody translated") == "A text nobody translated"
    assert translator("en")("Serious infection") == "Serious infection"
    assert translator("xx")("Serious infection") == "Serious infection"  # unknown language: English
    assert label(Disease, "lupus_nephritis", "it") == "Nefrite lupica"
    assert label(TrialStatus, "RECRUITING", "it") == "In reclutamento"
    assert label(Disease, "not_a_code", "it") == "not_a_code"  # codes are never invented


def test_a_fuzzy_translation_is_not_used(tmp_path, monkeypatch):
    po = tmp_path / "it" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  '#, fuzzy\nmsgid "Relapse"\nmsgstr "Ricaduta?"\n\nmsgid "Death"\nmsgstr "Decesso"\n',
                  encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert translator("it")("Relapse") == "Relapse"
    assert translator("it")("Death") == "Decesso"


ONE = "{n} trial without a registered start date is not drawn."
MANY = "{n} trials without a registered start date are not drawn."


def test_a_count_takes_the_form_its_language_gives_it():
    en, it = ngettext("en"), ngettext("it")
    assert [en(ONE, MANY, n) for n in (0, 1, 2)] == [MANY, ONE, MANY]
    assert it(ONE, MANY, 1).format(n=1) == "1 sperimentazione senza data di inizio registrata non è disegnata."
    assert it(ONE, MANY, 3).format(n=3) == "3 sperimentazioni senza data di inizio registrata non sono disegnate."
    assert it("{n} thing nobody translated", "{n} things nobody translated", 2) == "{n} things nobody translated"


def test_a_fuzzy_plural_is_not_used_and_the_catalogs_rule_picks_the_form(tmp_path, monkeypatch):
    po = tmp_path / "it" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
                  '#, fuzzy\nmsgid "{n} site"\nmsgid_plural "{n} sites"\n'
                  'msgstr[0] "{n} sito?"\nmsgstr[1] "{n} siti?"\n\n'
                  'msgid "{n} report"\nmsgid_plural "{n} reports"\n'
                  'msgstr[0] "{n} rapporto"\nmsgstr[1] "{n} rapporti"\n',
                  encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    it = ngettext("it")
    assert it("{n} site", "{n} sites", 2) == "{n} sites"  # fuzzy: English
    assert [it("{n} report", "{n} reports", n) for n in (0, 1, 2)] == ["{n} rapporti", "{n} rapporto", "{n} rapporti"]


@pytest.mark.parametrize("lang, expected", [("en", ["62.5%", "1,234.57", "0.0123", "62% (45%–77%)"]),
                                            ("it", ["62,5%", "1.234,57", "0,0123", "62% (45%–77%)"])])
def test_numbers_are_written_as_each_language_writes_them(lang, expected):
    assert [format_percent(0.625, lang, 1), format_number(1234.567, lang, 2), format_significant(0.012345, lang),
            format_estimate(0.62, 0.45, 0.77, lang)] == expected
    assert format_percent(None, lang) == "—" and format_number(float("nan"), lang) == "—"


def test_one_english_word_with_two_meanings_has_one_translation_per_context(catalog):
    it, en = translator("it"), translator("en")
    assert it(NP_("changed value", "New")) == "Dopo"  # beside "Old" → "Prima" in a change table
    assert it(NP_("records", "New")) == "Nuovi"  # records a harvest run added
    assert en(NP_("changed value", "New")) == en(NP_("records", "New")) == "New"
    assert catalog.get("New", "changed value") and catalog.get("New", "records")


@pytest.mark.parametrize("lang, expected", [
    ("en", ["18 Years to 65 Years", "6 Months to no maximum", "no minimum to 17 Years", ""]),
    ("it", ["da 18 anni a 65 anni", "da 6 mesi, senza età massima", "senza età minima, fino a 17 anni", ""])])
def test_age_ranges_are_composed_in_the_readers_language(lang, expected):
    assert [age_range("18 Years", "65 Years", lang), age_range("6 Months", None, lang),
            age_range(None, "17 Years", lang), age_range(None, float("nan"), lang)] == expected
    assert age_text("1 Year", lang) in ("1 Year", "1 anno") and age_text("2.5 Years", "it") == "2,5 anni"
    assert age_text("N/A", "it") == "N/A"  # what cannot be read is shown as the registry wrote it
