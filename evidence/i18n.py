"""Languages of the interface and of what it writes: one translator per language, numbers per language.

Every text a person reads (page texts, vocabulary labels, plot labels, column
headers of exports) is written in English in the code and looked up here.
Italian comes from the catalog ``evidence/locale/it/LC_MESSAGES/messages.po``,
read with Babel when first asked for (and again when the file changes), so
there is no compiled file to build or forget. A text without a translation,
or with a fuzzy one, is shown in English. Stored and harvested values (titles,
definitions, quotes, sources) are data and are never translated.

In the library, name the translator ``_`` (``_ = translator(lang)``) and mark
texts defined away from where they are shown with ``N_``, so that ``pybabel
extract`` (``make translations``) finds them. One English word with two
meanings ("New" value of a change, "New" records of a run) gets a message
context: ``NP_("changed value", "New")`` marks it (``babel.cfg``), and the
same ``_`` translates it. A text with a count takes gettext's plural forms:
``ngettext(lang)("{n} site", "{n} sites", n)`` picks the form the catalog's
``Plural-Forms`` rule names for ``n`` (English: the first for 1, else the second).
"""

from __future__ import annotations

import gettext
import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.dates import format_datetime
from babel.messages.pofile import read_po
from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from evidence.vocab import LabelledEnum, label_of

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGES: dict[str, str] = {"en": "English", "it": "Italiano"}
DEFAULT_LANGUAGE = "en"
MISSING = "—"
CONTEXT_SEPARATOR = "\x04"  # gettext's: a contextual entry is looked up as "context\x04text"


def normalise(lang: str | None) -> str:
    """A supported language code for ``lang``, the default when it is unknown or empty."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def N_(text: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Mark ``text`` for the catalog where it is defined; it is translated where it is shown."""
    return text


def NP_(context: str, text: str) -> str:  # noqa: N802 (a marker, like N_)
    """Mark ``text`` in a message ``context`` (gettext's ``pgettext``); ``_`` translates what this returns."""
    return f"{context}{CONTEXT_SEPARATOR}{text}"


def catalog_path(lang: str) -> Path:
    """The .po catalog of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


@dataclass(frozen=True)
class Catalog:
    """A language's usable translations: single texts, texts with plural forms, and which form a count takes."""

    texts: dict[str, str]
    plurals: dict[str, tuple[str, ...]]  # English singular → every form, in the catalog's order
    form: Callable[[int], int] = _english_plural


ENGLISH = Catalog({}, {})  # English has no catalog: its texts are the msgids


@lru_cache(maxsize=8)
def _read(path: Path, lang: str, mtime_ns: int) -> Catalog:
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    usable = [m for m in catalog if m.id and not m.fuzzy]
    texts = {_key(m.context, m.id): m.string for m in usable
             if isinstance(m.id, str) and isinstance(m.string, str) and m.string}
    plurals = {_key(m.context, m.id[0]): tuple(m.string) for m in usable
               if isinstance(m.id, tuple) and isinstance(m.string, tuple) and all(m.string)}
    return Catalog(texts, plurals, gettext.c2py(catalog.plural_expr))  # the Plural-Forms rule, as gettext reads it


def _key(context: str | None, text: str) -> str:
    return f"{context}{CONTEXT_SEPARATOR}{text}" if context else text


def catalog(lang: str | None) -> Catalog:
    """The translations of ``lang``: the entries with a non-empty, non-fuzzy msgstr (every form, for a plural)."""
    path = catalog_path(normalise(lang))
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return ENGLISH
    return _read(path, normalise(lang), mtime)


def messages(lang: str) -> dict[str, str]:
    """English text → translation for ``lang``: the entries with a non-empty, non-fuzzy msgstr."""
    return catalog(lang).texts


def translator(lang: str | None) -> Callable[[str], str]:
    """``gettext`` for ``lang``: a function from an English text (or an ``NP_`` text in its context) to its
    translation (the English text when none)."""
    table = messages(normalise(lang))
    return lambda text: table.get(text) or text.rpartition(CONTEXT_SEPARATOR)[2]


def ngettext(lang: str | None) -> Callable[[str, str, int], str]:
    """gettext's ``ngettext`` for ``lang``: the form of a text with a count that ``n`` takes in ``lang``.

    Untranslated (or English), the singular for 1 and the plural otherwise.
    Format the count in afterwards: ``ngettext(lang)("{n} site", "{n} sites", n).format(n=...)``.
    """
    found = catalog(lang)

    def plural(singular: str, plural_text: str, n: int) -> str:
        forms = found.plurals.get(singular)
        if forms is None:
            return (singular, plural_text)[_english_plural(n)]
        return forms[min(found.form(n), len(forms) - 1)]
    return plural


def label(vocab: type[LabelledEnum], code: str | None, lang: str | None) -> str:
    """The label of a vocabulary code in ``lang`` (codes stay as they are; unknown codes are shown as such)."""
    return translator(lang)(label_of(vocab, code))


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | None, lang: str | None, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals as ``lang`` writes it: 0.25 → '0.25' (en), '0,25' (it); '—' if missing."""
    if _missing(value):
        return MISSING
    return _decimal_pattern(digits).apply(value, _locale(lang))


@lru_cache(maxsize=None)
def _decimal_pattern(digits: int) -> NumberPattern:
    """Babel's parsed pattern for ``digits`` decimals: parsed once (a list of a thousand trials formats its
    enrollments on every run; parsing the pattern and the locale each time was most of that)."""
    return parse_pattern("#,##0" + ("." + "0" * digits if digits > 0 else ""))


@lru_cache(maxsize=None)
def _locale(lang: str | None) -> Locale:
    return Locale.parse(normalise(lang))


def format_significant(value: float | None, lang: str | None, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits (what ``%.3g`` gives, without an exponent), per language."""
    if _missing(value):
        return MISSING
    if value == 0:
        return "0"
    decimals = max(digits - 1 - math.floor(math.log10(abs(value))), 0)
    text = format_number(round(value, decimals), lang, decimals)
    return text.rstrip("0").rstrip(",.") if any(sep in text for sep in ",.") and decimals else text


def format_percent(value: float | None, lang: str | None, digits: int = 0) -> str:
    """A proportion as a percentage: 0.625 → '62%', with ``digits=1`` '62.5%' (en) or '62,5%' (it)."""
    if _missing(value):
        return MISSING
    return format_number(100 * value, lang, digits) + "%"


def format_interval(low: float | None, high: float | None, lang: str | None, digits: int = 0) -> str:
    """'45–77%': an interval of proportions (one % sign, the en dash between)."""
    return f"{format_percent(low, lang, digits)[:-1] if not _missing(low) else MISSING}–" \
           f"{format_percent(high, lang, digits)}"


def format_estimate(estimate: float | None, low: float | None, high: float | None, lang: str | None,
                    digits: int = 0) -> str:
    """'62% (45–77%)': how a pooled proportion and its interval are written."""
    return f"{format_percent(estimate, lang, digits)} ({format_percent(low, lang, digits)}–" \
           f"{format_percent(high, lang, digits)})"


def format_moment(value: datetime | None, lang: str | None, time: bool = True) -> str:
    """'01 Dec 2026, 06:00 UTC' (en), '01 dic 2026, 06:00 UTC' (it); the day alone with ``time=False``."""
    if value is None:
        return MISSING
    pattern = "dd MMM yyyy, HH:mm 'UTC'" if time else "dd MMM yyyy"
    return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=normalise(lang))
