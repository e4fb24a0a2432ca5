"""Languages of the interface and of what it writes: one translator per language, from gettext catalogs.

Every text a person reads (page texts, plot labels, column headers of exports)
is written in English in the code and looked up here. Italian comes from the
catalog ``evidence/locale/it/LC_MESSAGES/messages.po`` (Babel format). Stored
and harvested values (titles, definitions, quotes) are data and are never
translated.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Callable

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGES: dict[str, str] = {"en": "English", "it": "Italiano"}
DEFAULT_LANGUAGE = "en"


def normalise(lang: str | None) -> str:
    """A supported language code for ``lang``, the default when it is unknown or empty."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=None)
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (English texts pass through unchanged)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[normalise(lang)], fallback=True)


def translator(lang: str | None) -> Callable[[str], str]:
    """``gettext`` for ``lang``: a function from an English text to its translation."""
    return translation(normalise(lang)).gettext
