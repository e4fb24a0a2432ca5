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
from evidence.i18n import format_estimate, format_number, format_percent, format_significant, label, translator
from evidence.settings import REPO_ROOT
from evidence.vocab import Disease, Outcome, TrialStatus

CATALOG = REPO_ROOT / "evidence" / "locale" / "it" / "LC_MESSAGES" / "messages.po"
SOURCES = ("streamlit_app.py", "app_pages", "evidence")


def extracted() -> dict[str, str]:
    """Every text the catalog must hold → where it was found."""
    with open(REPO_ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(REPO_ROOT, method_map, options_map):
        for text in (message if isinstance(message, tuple) else (message,)):
            if text:
                found.setdefault(text, f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return extracted()


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


def test_every_interface_text_has_an_italian_translation(texts, catalog):
    missing = [f"{where}: {text!r}" for text, where in sorted(texts.items(), key=lambda t: t[1])
               if not (catalog.get(text) and catalog.get(text).string and not catalog.get(text).fuzzy)]
    assert not missing, ("texts without Italian (run `make translations`, then write their msgstr in "
                         f"{CATALOG.relative_to(REPO_ROOT)}):\n" + "\n".join(missing))


PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def test_translations_keep_the_placeholders_of_their_text(catalog):
    """A translation that drops or renames ``{name}`` would raise when the page formats it."""
    wrong = [m.id for m in catalog if m.id and m.string
             and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))]
    assert not wrong


def _literal_calls_in_fstrings(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [call.lineno for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
            for call in ast.walk(node) if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id in ("_", "N_") and call.args and isinstance(call.args[0], ast.Constant)]


def _unnamed_translator_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Call)
            and isinstance(node.func.func, ast.Name) and node.func.func.id == "translator"
            and node.args and isinstance(node.args[0], ast.Constant)]


def test_no_text_is_hidden_from_the_extractor():
    """``f"{_('Text')}"`` and ``translator(lang)("Text")`` are invisible to the extractor: the text would stay
    English. Name the translator ``_`` and call it outside f-strings."""
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


@pytest.mark.parametrize("lang, expected", [("en", ["62.5%", "1,234.57", "0.0123", "62% (45%–77%)"]),
                                            ("it", ["62,5%", "1.234,57", "0,0123", "62% (45%–77%)"])])
def test_numbers_are_written_as_each_language_writes_them(lang, expected):
    assert [format_percent(0.625, lang, 1), format_number(1234.567, lang, 2), format_significant(0.012345, lang),
            format_estimate(0.62, 0.45, 0.77, lang)] == expected
    assert format_percent(None, lang) == "—" and format_number(float("nan"), lang) == "—"
