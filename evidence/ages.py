"""Age eligibility as the registries write it ("18 Years") and as a reader reads it, per language.

ClinicalTrials.gov gives a minimum and a maximum age as a number and a unit
("18 Years", "6 Months"). The stored strings stay as the registry wrote
them; the range shown to a reader is composed here, in the reader's language
(number with the language's decimal mark, unit translated). An age this
module cannot read is shown as stored.
"""

from __future__ import annotations

import re

from evidence.i18n import DEFAULT_LANGUAGE, N_, format_significant, normalise, translator

AGE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+(year|month|week|day|hour|minute)s?\s*$", re.I)
# Unit → (one, several): a number with its unit, for the catalog.
UNITS = {"year": (N_("{n} year"), N_("{n} years")), "month": (N_("{n} month"), N_("{n} months")),
         "week": (N_("{n} week"), N_("{n} weeks")), "day": (N_("{n} day"), N_("{n} days")),
         "hour": (N_("{n} hour"), N_("{n} hours")), "minute": (N_("{n} minute"), N_("{n} minutes"))}


def age_text(age: str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """One age in ``lang``: "18 Years" (en, as stored), "18 anni" (it); an unreadable age as stored."""
    m = AGE_PATTERN.match(age or "")
    if normalise(lang) == DEFAULT_LANGUAGE or not m:
        return age
    _ = translator(lang)
    value = float(m.group(1))
    one, several = UNITS[m.group(2).lower()]
    return _(one if value == 1 else several).format(n=format_significant(value, lang, 6))


def age_range(min_age: str | None, max_age: str | None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """Who may enrol by age: "18 Years to 65 Years", "da 18 anni a 65 anni"; "" when neither is given."""
    min_age, max_age = (a if isinstance(a, str) and a.strip() else None for a in (min_age, max_age))
    if not (min_age or max_age):
        return ""
    _ = translator(lang)
    if not max_age:
        return _("{minimum} to no maximum").format(minimum=age_text(min_age, lang))
    if not min_age:
        return _("no minimum to {maximum}").format(maximum=age_text(max_age, lang))
    return _("{minimum} to {maximum}").format(minimum=age_text(min_age, lang), maximum=age_text(max_age, lang))
