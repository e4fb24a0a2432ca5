"""Links to a number's source, built only from identifiers that pass validation.

A stored PMID, DOI, registry ID or URL is text a curator typed or a
registry sent; it becomes a link only when it is what it claims to be, and
then only to PubMed, doi.org, the registry's own page or the http(s) address
itself. Anything else yields None and is shown as text. The analysis set's
``source`` column mixes the forms ("PMID 36109639", "doi:10.1016/…", an
NCT number, a web address); ``source_url`` reads each.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from evidence.registries import DOI_RE, PMID_RE, identify, normalise
from evidence.vocab import Registry

_PMID_SOURCE = re.compile(r"^(?:PMID|PubMed)\s*:?\s*(\d+)$", re.I)
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.I)
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")
REGISTRY_PAGES = {
    Registry.CTGOV: "https://clinicaltrials.gov/study/{}",
    Registry.CHICTR: "https://www.chictr.org.cn/searchprojEN.html?regno={}",
    Registry.DRKS: "https://drks.de/search/en/trial/{}",
    Registry.ISRCTN: "https://www.isrctn.com/{}",
    Registry.EUCTR: "https://www.clinicaltrialsregister.eu/ctr-search/search?query={}",
    Registry.CTIS: "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={}",
    Registry.JRCT: "https://jrct.niph.go.jp/en-latest-detail/{}",
}


def pubmed_url(pmid: object) -> str | None:
    """PubMed's page of a PMID (digits only, no leading zero)."""
    text = str(pmid or "").strip()
    return f"https://pubmed.ncbi.nlm.nih.gov/{text}/" if PMID_RE.fullmatch(text) else None


def doi_url(doi: object) -> str | None:
    """The doi.org resolver link of a DOI ('10.…/…', with or without 'doi:' or a resolver prefix)."""
    text = _DOI_PREFIX.sub("", str(doi or "").strip())  # as stored: DOIs are case-insensitive, kept as written
    if not DOI_RE.fullmatch(text) or _UNSAFE.search(text):
        return None
    return "https://doi.org/" + quote(text, safe="/:;()._-")


def registry_url(registry_id: object) -> str | None:
    """The public page of a registry ID (ClinicalTrials.gov, ChiCTR, DRKS, ISRCTN, EudraCT, CTIS, jRCT)."""
    text = str(registry_id or "").strip()
    registry = identify(text) if text else None
    if registry is None or registry not in REGISTRY_PAGES:
        return None
    return REGISTRY_PAGES[registry].format(quote(normalise(text), safe="-"))


def web_url(url: object) -> str | None:
    """An http(s) address with a host and nothing that could break out of a link; else None."""
    text = str(url or "").strip()
    parts = urlsplit(text) if text and not _UNSAFE.search(text) else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def source_url(source: object) -> str | None:
    """A link for a stored source reference: 'PMID n', 'doi:…', a registry ID or a web address."""
    text = str(source or "").strip()
    if not text:
        return None
    match = _PMID_SOURCE.fullmatch(text)
    if match:
        return pubmed_url(match.group(1))
    if text.lower().startswith(("doi:", "10.", "https://doi.org/", "http://doi.org/", "https://dx.doi.org/")):
        return doi_url(text)
    return registry_url(text) or web_url(text)
