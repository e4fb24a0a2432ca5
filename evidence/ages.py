"""Age eligibility as the registries write it ("18 Years") and as a reader reads it, per language.

ClinicalTrials.gov gives a minimum and a maximum age as a number and a unit
("18 Years", "6 Months"). The stored strings stay as the registry wrote
them; the range shown to a reader is composed here, in the reader's language
(number with the language's decimal mark, unit translated). An age this
module cannot read is shown as stored.

How old a child is counts too: whether a trial may enrol children is read
from its minimum age here, for the harvest and the curated data alike.
"""

from __future__ import annotations

import re

from evidence.i18n import DEFAULT_LANGUAGE, N_, format_significant, normalise, translator

AGE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+(year|month|week|day|hour|minute)s?\s*$", re.I)
# Unit → (one, several): a number with its unit, for the catalog.
UNITS = {"year": (N_("{n} year"), N_("{n} years")), "month": (N_("{n} month"), N_("{n} months")),
         "week": (N_("{n} week"), N_("{n} weeks")), "day": (N_("{n} day"), N_("{n} days")),
         "hour": (N_("{n} hour"), N_("{n} hours")), "minute": (N_("{n} minute"), N_("{n} minutes"))}
# Unit → days, to compare ages written in different units.
_DAYS_PER_UNIT = {"year": 365.25, "month": 30.44, "week": 7.0, "day": 1.0, "hour": 1 / 24, "minute": 1 / 1440}
ADULT_DAYS = 18 * _DAYS_PER_UNIT["year"]


def age_in_days(age: str | None) -> float | None:
    """``"18 Years"`` → days; None for an absent or unreadable age."""
    m = AGE_PATTERN.match(age or "")
    return float(m.group(1)) * _DAYS_PER_UNIT[m.group(2).lower()] if m else None


def paediatric_flag(age_groups: list[str], min_age: str | None) -> bool | None:
    """True if children may enrol (stdAges CHILD, or a minimum age under 18); None if unknown."""
    if age_groups:
        return "CHILD" in age_groups
    days = age_in_days(min_age)
    if days is not None:
        return days < ADULT_DAYS
    return None


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
