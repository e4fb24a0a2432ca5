"""Registry identifiers: one named, tested pattern per registry, and normalisation.

Each pattern matches an ID inside running text (abstracts, DataBankList
entries, free-text references). ``normalise`` turns the spellings people use
("NCT 0123 4567", "nct01234567") into the registry's canonical form.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from evidence.vocab import Registry


class RegistryPattern(NamedTuple):
    registry: Registry
    pattern: re.Pattern[str]


# Order matters: CTIS (EU CT, 2023-) numbers extend EudraCT numbers.
PATTERNS: tuple[RegistryPattern, ...] = (
    RegistryPattern(Registry.CTGOV, re.compile(r"\bNCT\s?\d{4}\s?\d{4}\b", re.I)),
    RegistryPattern(Registry.CHICTR, re.compile(r"\bChiCTR(?:-[A-Z]{2,5}-)?\d{8,10}\b", re.I)),
    RegistryPattern(Registry.CTIS, re.compile(r"\b(?:19|20)\d{2}-5\d{5}-\d{2}-\d{2}\b")),
    RegistryPattern(Registry.EUCTR, re.compile(r"\b(?:19|20)\d{2}-\d{6}-\d{2}\b(?!-\d)")),
    RegistryPattern(Registry.ISRCTN, re.compile(r"\bISRCTN\s?\d{8}\b", re.I)),
    RegistryPattern(Registry.DRKS, re.compile(r"\bDRKS\s?\d{8}\b", re.I)),
    RegistryPattern(Registry.JRCT, re.compile(r"\bjRCT(?:[a-z]\d{9}|\d{10})\b", re.I)),
)

_CANONICAL_PREFIX = {
    Registry.CTGOV: "NCT",
    Registry.CHICTR: "ChiCTR",
    Registry.ISRCTN: "ISRCTN",
    Registry.DRKS: "DRKS",
    Registry.JRCT: "jRCT",
}

PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def _canonical(registry: Registry, raw: str) -> str:
    compact = re.sub(r"\s+", "", raw)
    prefix = _CANONICAL_PREFIX.get(registry)
    if prefix is None:
        return compact
    if registry is Registry.CHICTR:
        return "ChiCTR" + compact[6:].upper()
    if registry is Registry.JRCT:
        return "jRCT" + compact[4:].lower()
    return prefix + compact[len(prefix):]


def find_registry_ids(text: str) -> list[tuple[Registry, str]]:
    """All registry IDs in ``text``, canonical, in order of first appearance, no repeats."""
    found: list[tuple[int, Registry, str]] = []
    taken: list[tuple[int, int]] = []
    for spec in PATTERNS:
        for m in spec.pattern.finditer(text or ""):
            if any(s <= m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            found.append((m.start(), spec.registry, _canonical(spec.registry, m.group(0))))
    seen: set[str] = set()
    out = []
    for _, reg, rid in sorted(found, key=lambda t: t[0]):
        if rid not in seen:
            seen.add(rid)
            out.append((reg, rid))
    return out


def identify(registry_id: str) -> Registry | None:
    """The registry an ID belongs to, if the whole string is one ID."""
    for spec in PATTERNS:
        m = spec.pattern.fullmatch(registry_id.strip())
        if m:
            return spec.registry
    return None


def normalise(registry_id: str) -> str:
    """Canonical spelling of one registry ID; raise ValueError if it is not one."""
    registry = identify(registry_id)
    if registry is None:
        raise ValueError(f"not a registry ID: {registry_id!r}")
    return _canonical(registry, registry_id.strip())


def normalise_doi(doi: str) -> str:
    """Bare lower-case DOI, without resolver prefixes."""
    cleaned = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
    return cleaned.lower()


def registry_url(registry_id: str) -> str | None:
    """The registry's public page for an ID it recognises (None for anything else)."""
    rid = registry_id.strip()
    registry = identify(rid)
    if registry is Registry.CTGOV:
        return f"https://clinicaltrials.gov/study/{normalise(rid)}"
    if registry is Registry.CHICTR:
        return f"https://www.chictr.org.cn/searchprojEN.html?regno={normalise(rid)}"
    if registry is Registry.DRKS:
        return f"https://drks.de/search/en/trial/{normalise(rid)}"
    if registry is Registry.ISRCTN:
        return f"https://www.isrctn.com/{normalise(rid)}"
    if registry is Registry.EUCTR:
        return f"https://www.clinicaltrialsregister.eu/ctr-search/search?query={normalise(rid)}"
    return None
