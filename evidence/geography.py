"""World regions of the countries registries name, so a clinician can ask "recruiting in Europe?".

Country names are ClinicalTrials.gov's (``locations[].country``), which the
curated trials use too. A country not listed here belongs to no region and
is reported as such, never guessed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Iterable


class Region(StrEnum):
    EUROPE = "Europe"
    NORTH_AMERICA = "North America"
    LATIN_AMERICA = "Latin America and the Caribbean"
    ASIA_PACIFIC = "Asia-Pacific"
    MIDDLE_EAST_AFRICA = "Middle East and Africa"


_COUNTRIES: dict[Region, tuple[str, ...]] = {
    Region.EUROPE: (
        "Albania", "Andorra", "Austria", "Belarus", "Belgium", "Bosnia and Herzegovina", "Bulgaria", "Croatia",
        "Cyprus", "Czechia", "Czech Republic", "Denmark", "Estonia", "Finland", "France", "Germany", "Greece",
        "Hungary", "Iceland", "Ireland", "Italy", "Latvia", "Liechtenstein", "Lithuania", "Luxembourg", "Malta",
        "Moldova", "Moldova, Republic of", "Monaco", "Montenegro", "Netherlands", "North Macedonia", "Norway",
        "Poland", "Portugal", "Romania", "Russia", "Russian Federation", "San Marino", "Serbia", "Slovakia",
        "Slovenia", "Spain", "Sweden", "Switzerland", "Ukraine", "United Kingdom",
    ),
    Region.NORTH_AMERICA: ("Canada", "United States", "Puerto Rico"),
    Region.LATIN_AMERICA: (
        "Argentina", "Bolivia", "Brazil", "Chile", "Colombia", "Costa Rica", "Cuba", "Dominican Republic",
        "Ecuador", "El Salvador", "Guatemala", "Honduras", "Jamaica", "Mexico", "Nicaragua", "Panama", "Paraguay",
        "Peru", "Trinidad and Tobago", "Uruguay", "Venezuela",
    ),
    Region.ASIA_PACIFIC: (
        "Australia", "Bangladesh", "Cambodia", "China", "Hong Kong", "India", "Indonesia", "Japan", "Kazakhstan",
        "Korea, Republic of", "South Korea", "Malaysia", "Mongolia", "Myanmar", "Nepal", "New Zealand",
        "Pakistan", "Philippines", "Singapore", "Sri Lanka", "Taiwan", "Thailand", "Uzbekistan", "Vietnam",
    ),
    Region.MIDDLE_EAST_AFRICA: (
        "Algeria", "Bahrain", "Egypt", "Ethiopia", "Ghana", "Iran", "Iran, Islamic Republic of", "Iraq", "Israel",
        "Jordan", "Kenya", "Kuwait", "Lebanon", "Morocco", "Nigeria", "Oman", "Qatar", "Saudi Arabia",
        "South Africa", "Tunisia", "Turkey", "Türkiye", "Uganda", "United Arab Emirates",
    ),
}
REGION_OF: dict[str, Region] = {country: region for region, names in _COUNTRIES.items() for country in names}


def regions_of(countries: Iterable[str]) -> set[Region]:
    """The regions a trial's countries lie in (unknown country names add none)."""
    return {REGION_OF[c] for c in countries if c in REGION_OF}
