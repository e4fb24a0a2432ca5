"""PubMed records from bytes: efetch XML (and PubMed's "Save → XML") or MEDLINE text.

Both formats end as the same ``PubmedRecord`` dataclass, so a harvested
record and an imported one go through one upsert. The XML is parsed with
``Bio.Entrez.read`` (which knows NCBI's DTDs and unescapes entities) and the
MEDLINE text with ``Bio.Medline``. Each record also keeps its own raw text,
cut from the input, so a better parser can re-read it later without a new
download.

Why the XML is cut into records before parsing: ``Entrez.read`` builds the
whole document in memory and gives no per-record source text. Cutting first
gives the raw XML of each record, lets a 20,000-record saved file be parsed
in chunks, and still lets ``Entrez.read`` see every byte (the text between
records must be blank, and the document's end goes through the parser, so a
truncated file still fails loudly).
"""

from __future__ import annotations

import gc
import io
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from Bio import Entrez, Medline
from Bio.Entrez.Parser import CorruptedXMLError, NotXMLError, ValidationError

from evidence import registries
from evidence.vocab import LinkMethod

log = logging.getLogger(__name__)

#: The newest PubMed DTD Biopython 1.88 ships; stands in for a newer one it lacks.
FALLBACK_DOCTYPE = (b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
                    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">')
_DTD_DIR = Path(Entrez.__file__).parent / "DTDs"

_RECORD_RE = re.compile(rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.S)
_SET_OPEN_RE = re.compile(rb"<PubmedArticleSet\s*>")
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE\s+PubmedArticleSet[^>]*?\"([^\"]+\.dtd)\"\s*>", re.S)
_ERROR_RE = re.compile(rb"<ERROR>(.*?)</ERROR>", re.S)
_INLINE_TAG_RE = re.compile(r"</?(?:i|b|u|sup|sub|DispFormula|mml:[A-Za-z]+)(?:\s[^<>]*)?/?>")
_SPACE_RE = re.compile(r"[ \t\r\f\v]+")
_YEAR_RE = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


class PubmedParseError(ValueError):
    """Input that is not a complete PubMed document (truncated, malformed, an <ERROR>)."""


@dataclass(frozen=True)
class RegistryMention:
    """A trial registry ID found in a record, with where it was found."""

    registry_id: str
    method: str  # vocab.LinkMethod value
    matched_text: str = ""


@dataclass
class PubmedRecord:
    """Every field of a PubMed record the store holds, format-independent."""

    pmid: str
    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    journal: str = ""
    journal_iso: str = ""
    pub_date: str = ""
    doi: str | None = None
    pmcid: str | None = None
    publication_types: list[str] = field(default_factory=list)
    mesh_terms: list[dict] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    language: str = ""
    registry_mentions: list[RegistryMention] = field(default_factory=list)
    is_book: bool = False
    raw: str = ""

    @property
    def pub_year(self) -> int | None:
        return int(self.pub_date[:4]) if self.pub_date[:4].isdigit() else None

    @property
    def registry_ids(self) -> list[str]:
        """Distinct normalised registry IDs, registry-field ones first."""
        return list(dict.fromkeys(m.registry_id for m in self.registry_mentions))


@dataclass
class ParsedBatch:
    """What one document held: records, and PMIDs PubMed says were deleted."""

    records: list[PubmedRecord] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- text helpers

def flatten(text: Any) -> str:
    """Plain text: inline markup (<i>, <sup>…) dropped, runs of spaces collapsed."""
    if text is None:
        return ""
    cleaned = _INLINE_TAG_RE.sub("", str(text))
    return "\n".join(_SPACE_RE.sub(" ", line).strip() for line in cleaned.splitlines()).strip()


def _month(value: str) -> int | None:
    value = (value or "").strip().lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    return _MONTHS.get(value[:3])


def partial_date(year: str, month: str = "", day: str = "") -> str:
    """ISO partial date (2023, 2023-11, 2023-11-04) from PubMed's pieces."""
    if not (year or "").strip().isdigit():
        return ""
    out = year.strip()
    m = _month(month)
    if m is None:
        return out
    out += f"-{m:02d}"
    if (day or "").strip().isdigit():
        out += f"-{int(day):02d}"
    return out


def medline_date(text: str) -> str:
    """First date in a free-text MedlineDate / DP ("2023 Nov-Dec" → 2023-11, "2000 Spring" → 2000)."""
    parts = (text or "").split()
    year = _YEAR_RE.search(text or "")
    if year is None:
        return ""
    rest = parts[1:] if parts and parts[0] == year.group(1) else []
    month = rest[0].split("-")[0] if rest else ""
    day = rest[1].split("-")[0] if len(rest) > 1 and _month(month) else ""
    return partial_date(year.group(1), month, day)


# ---------------------------------------------------------------- registry IDs

def _snippet(text: str, registry_id: str, width: int = 60) -> str:
    """A little context around an ID in the text, for the reviewer who checks the link."""
    for spec in registries.PATTERNS:
        for m in spec.pattern.finditer(text):
            if registries.identify(m.group(0)) and registries.normalise(m.group(0)) == registry_id:
                s, e = max(0, m.start() - width), min(len(text), m.end() + width)
                return text[s:e].replace("\n", " ").strip()
    return registry_id


def databank_mentions(entries: Iterable[tuple[str, str]]) -> list[RegistryMention]:
    """Registry IDs from (DataBankName, accession) pairs; non-registry banks (GenBank…) skipped."""
    out = []
    for bank, accession in entries:
        try:
            rid = registries.normalise(accession)
        except ValueError:
            log.debug("DataBank %s accession %r is not a trial registry ID", bank, accession)
            continue
        out.append(RegistryMention(rid, LinkMethod.REGISTRY_FIELD.value, f"{bank}: {accession}".strip()))
    return out


def text_mentions(text: str) -> list[RegistryMention]:
    """Registry IDs named in running text (the abstract), one named pattern per registry."""
    return [RegistryMention(rid, LinkMethod.ABSTRACT_TEXT.value, _snippet(text, rid))
            for _, rid in registries.find_registry_ids(text)]


# ---------------------------------------------------------------- XML records

def _author_name(author: dict) -> str:
    if author.get("CollectiveName"):
        return flatten(author["CollectiveName"])
    last = flatten(author.get("LastName", ""))
    initials = flatten(author.get("Initials", "")) or flatten(author.get("ForeName", ""))
    return f"{last} {initials}".strip()


def _authors(author_lists: Iterable) -> list[str]:
    return [name for lst in author_lists for a in lst if (name := _author_name(a))]


def _abstract(abstract: dict | None) -> str:
    """Abstract text; structured abstracts keep their section labels, one section a line."""
    if not abstract:
        return ""
    sections = []
    for part in abstract.get("AbstractText", []):
        text = flatten(part)
        label = getattr(part, "attributes", {}).get("Label", "")
        if text or label:
            sections.append(f"{label}: {text}" if label else text)
    return "\n".join(s for s in sections if s.strip(": "))


def _mesh(headings: Iterable[dict]) -> list[dict]:
    out = []
    for h in headings:
        d = h["DescriptorName"]
        out.append({"descriptor": str(d), "ui": d.attributes.get("UI", ""),
                    "major": d.attributes.get("MajorTopicYN") == "Y",
                    "qualifiers": [{"name": str(q), "ui": q.attributes.get("UI", ""),
                                    "major": q.attributes.get("MajorTopicYN") == "Y"}
                                   for q in h.get("QualifierName", [])]})
    return out


def _keywords(keyword_lists: Iterable) -> list[str]:
    return list(dict.fromkeys(flatten(k) for lst in keyword_lists for k in lst if flatten(k)))


def _ids(article_ids: Iterable) -> dict[str, str]:
    out: dict[str, str] = {}
    for aid in article_ids:
        out.setdefault(aid.attributes.get("IdType", "pubmed"), str(aid).strip())
    return out


def _doi(ids: dict[str, str], elocations: Iterable = ()) -> str | None:
    doi = ids.get("doi") or next((str(e) for e in elocations if e.attributes.get("EIdType") == "doi"
                                  and e.attributes.get("ValidYN", "Y") == "Y"), "")
    return registries.normalise_doi(doi) if doi else None


def _pub_date(pub: dict, article_dates: Iterable = ()) -> str:
    """Issue date (Year/Month/Day or MedlineDate); the electronic date when it is more precise."""
    date = medline_date(pub["MedlineDate"]) if "MedlineDate" in pub else \
        partial_date(pub.get("Year", ""), pub.get("Month", ""), pub.get("Day", ""))
    for ad in article_dates:
        electronic = partial_date(ad.get("Year", ""), ad.get("Month", ""), ad.get("Day", ""))
        if not date or (len(date) == 4 and electronic[:4] == date):
            return electronic
    return date


def _mentions(databanks: Iterable[dict], abstract: str) -> list[RegistryMention]:
    pairs = [(str(db.get("DataBankName", "")), str(acc))
             for db in databanks for acc in db.get("AccessionNumberList", [])]
    return databank_mentions(pairs) + text_mentions(abstract)


def article_record(entry: dict, raw: str) -> PubmedRecord:
    """A ``PubmedArticle`` (journal article) as parsed by Entrez.read → PubmedRecord."""
    mc, pdata = entry["MedlineCitation"], entry.get("PubmedData", {})
    art = mc["Article"]
    journal = art.get("Journal", {})
    ids = _ids(pdata.get("ArticleIdList", []))
    abstract = _abstract(art.get("Abstract"))
    title = flatten(art.get("ArticleTitle", "")) or flatten(art.get("VernacularTitle", ""))
    return PubmedRecord(
        pmid=str(mc["PMID"]).strip(), title=title, abstract=abstract,
        authors=_authors([art.get("AuthorList", [])]),
        journal=flatten(journal.get("Title", "")), journal_iso=flatten(journal.get("ISOAbbreviation", "")),
        pub_date=_pub_date(journal.get("JournalIssue", {}).get("PubDate", {}), art.get("ArticleDate", [])),
        doi=_doi(ids, art.get("ELocationID", [])), pmcid=ids.get("pmc"),
        publication_types=[str(p) for p in art.get("PublicationTypeList", [])],
        mesh_terms=_mesh(mc.get("MeshHeadingList", [])), keywords=_keywords(mc.get("KeywordList", [])),
        language=",".join(str(lang) for lang in art.get("Language", [])),
        registry_mentions=_mentions(art.get("DataBankList", []), abstract), raw=raw)


def book_record(entry: dict, raw: str) -> PubmedRecord:
    """A ``PubmedBookArticle`` (Bookshelf chapter or report): no MedlineCitation, no journal."""
    doc = entry["BookDocument"]
    book = doc.get("Book", {})
    ids = {**_ids(entry.get("PubmedBookData", {}).get("ArticleIdList", [])), **_ids(doc.get("ArticleIdList", []))}
    abstract = _abstract(doc.get("Abstract"))
    title = flatten(doc.get("ArticleTitle", "")) or flatten(book.get("BookTitle", ""))
    date = _pub_date(book.get("PubDate", {})) or _pub_date(doc.get("ContributionDate", {}))
    return PubmedRecord(
        pmid=str(doc["PMID"]).strip(), title=title, abstract=abstract,
        authors=_authors(doc.get("AuthorList", [])) or _authors(book.get("AuthorList", [])),
        journal=flatten(book.get("BookTitle", "")), pub_date=date, doi=_doi(ids, book.get("ELocationID", [])),
        pmcid=ids.get("pmc"), publication_types=[str(p) for p in doc.get("PublicationType", [])],
        keywords=_keywords(doc.get("KeywordList", [])),
        language=",".join(str(lang) for lang in doc.get("Language", [])),
        registry_mentions=text_mentions(abstract), is_book=True, raw=raw)


# ---------------------------------------------------------------- XML documents

def raise_for_error_document(data: bytes) -> None:
    """NCBI answers some failures with HTTP 200 and an <ERROR> element: make that an exception."""
    head = data[:4096]
    if b"<ERROR>" in head and (b"<eFetchResult" in head or b"<eSearchResult" in head or b"<ePostResult" in head):
        m = _ERROR_RE.search(data)
        raise PubmedParseError(f"NCBI returned an error: {m.group(1).decode('utf-8', 'replace').strip()}")


def _known_doctype(header: bytes) -> bytes:
    """Keep the DOCTYPE if Biopython has its DTD; otherwise (none, or a newer one) use the 2025 DTD.

    Without this an offline parse of a file made after NCBI's next DTD bump, or
    saved without a DOCTYPE, fails although its elements are all known.
    """
    m = _DOCTYPE_RE.search(header)
    if m and (_DTD_DIR / Path(m.group(1).decode()).name).is_file():
        return header
    log.warning("PubMed XML %s; parsing it with the bundled pubmed_250101.dtd",
                f"names a DTD Biopython lacks ({m.group(1).decode()})" if m else "has no DOCTYPE")
    if m:
        return header[:m.start()] + FALLBACK_DOCTYPE + header[m.end():]
    opening = _SET_OPEN_RE.search(header)
    cut = opening.start() if opening else len(header)
    return header[:cut] + FALLBACK_DOCTYPE + b"\n" + header[cut:]


def _entrez_read(document: bytes) -> dict:
    try:
        return Entrez.read(io.BytesIO(document), validate=False)
    except (CorruptedXMLError, NotXMLError, ValidationError) as exc:
        raise PubmedParseError(f"malformed PubMed XML: {exc}") from exc
    except RuntimeError as exc:  # <ERROR> elements, unreachable DTDs
        raise PubmedParseError(f"PubMed XML could not be read: {exc}") from exc
    except ValueError as exc:  # no DTD, insecure DTD URL
        raise PubmedParseError(f"PubMed XML could not be read: {exc}") from exc


def split_document(data: bytes) -> tuple[bytes, list[bytes], list[str]]:
    """Header (prolog, DOCTYPE, <PubmedArticleSet>), raw records, and the PMIDs of DeleteCitation.

    The text between records must be blank, and the document's end is parsed
    here, so a truncated or garbled file fails before any record is used.
    """
    raise_for_error_document(data)
    opening = _SET_OPEN_RE.search(data)
    if opening is None:
        raise PubmedParseError("not PubMed XML: no <PubmedArticleSet> element"
                               + (f" (starts {data[:80]!r})" if data.strip() else " (empty response)"))
    segments, position = [], opening.end()
    for m in _RECORD_RE.finditer(data, opening.end()):
        if data[position:m.start()].strip():
            raise PubmedParseError(f"malformed PubMed XML: unexpected content at byte {position}: "
                                   f"{data[position:position + 60]!r}")
        segments.append(m.group(0))
        position = m.end()
    header = _known_doctype(data[:opening.end()])
    ending = _entrez_read(header + data[position:])
    if ending.get("PubmedArticle") or ending.get("PubmedBookArticle"):
        raise PubmedParseError("malformed PubMed XML: a record after the last one found")
    return header, segments, [str(p).strip() for p in ending.get("DeleteCitation", [])]


#: Elements no stored field comes from. None nests inside itself, so a lazy match removes exactly one.
_UNUSED_RE = re.compile(rb"<(History|CommentsCorrectionsList|InvestigatorList|GrantList|ChemicalList|"
                        rb"SupplMeshList|AffiliationInfo|CoiStatement|DateCompleted|DateRevised|"
                        rb"MedlineJournalInfo|Pagination|ObjectList|GeneralNote|OtherAbstract|"
                        rb"CopyrightInformation)\b[^>]*>.*?</\1>|<(?:History|ObjectList)/>", re.S)
#: ReferenceList may nest, but every ReferenceList comes last in its record: cut from the first to the last.
_REFERENCES_RE = re.compile(rb"<ReferenceList>.*</ReferenceList>", re.S)


def slim(segment: bytes) -> bytes:
    """A record without the elements no stored field comes from (references, history, grants…).

    Bio.Entrez builds an object per element, and a real record's reference
    list and affiliations can be most of its elements; the stored raw XML
    keeps everything.
    """
    return _REFERENCES_RE.sub(b"", _UNUSED_RE.sub(b"", segment))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during allocation-heavy, cycle-free work.

    Bio.Entrez allocates an object per element; the collector's passes over
    them (none of them cyclic garbage) took more than half the parse time.
    Memory is still freed by reference counting; the collector resumes after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_chunk(header: bytes, segments: list[bytes]) -> list[PubmedRecord]:
    """Records from raw record segments of one document (one ``Entrez.read`` call)."""
    with gc_paused():
        parsed = _entrez_read(header + b"\n".join(slim(s) for s in segments) + b"</PubmedArticleSet>")
        articles, books = iter(parsed.get("PubmedArticle", [])), iter(parsed.get("PubmedBookArticle", []))
        records = []
        for segment in segments:
            raw = segment.decode("utf-8")
            if segment.startswith(b"<PubmedArticle>"):
                records.append(article_record(next(articles), raw))
            else:
                records.append(book_record(next(books), raw))
    return records


def iter_xml_batches(data: bytes, chunk: int = 500) -> Iterator[ParsedBatch]:
    """Parse a PubmedArticleSet document ``chunk`` records at a time, in document order."""
    header, segments, deleted = split_document(data)
    for start in range(0, len(segments), chunk):
        last = start + chunk >= len(segments)
        yield ParsedBatch(parse_chunk(header, segments[start:start + chunk]), deleted if last else [])
    if not segments:
        yield ParsedBatch([], deleted)


def parse_xml(data: bytes) -> ParsedBatch:
    """A whole PubmedArticleSet document as one batch."""
    out = ParsedBatch()
    for batch in iter_xml_batches(data):
        out.records.extend(batch.records)
        out.deleted.extend(batch.deleted)
    return out


# ---------------------------------------------------------------- MEDLINE text

_MEDLINE_START_RE = re.compile(r"^PMID- ", re.M)


def _medline_mesh(term: str) -> dict:
    """'Lupus Erythematosus, Systemic/*therapy' → descriptor, qualifiers and major flags."""
    descriptor, *qualifiers = term.split("/")
    return {"descriptor": descriptor.lstrip("*"), "ui": "", "major": descriptor.startswith("*"),
            "qualifiers": [{"name": q.lstrip("*"), "ui": "", "major": q.startswith("*")} for q in qualifiers]}


def _medline_article_id(values: Iterable[str], kind: str) -> str:
    for value in values:
        if value.endswith(f"[{kind}]"):
            return value[: -len(kind) - 2].strip()
    return ""


def medline_record(block: str) -> PubmedRecord:
    """One MEDLINE ("PubMed format", .nbib) record → PubmedRecord."""
    rec = Medline.read(io.StringIO(block))
    abstract = flatten(rec.get("AB", ""))
    doi = _medline_article_id(rec.get("AID", []), "doi") or _medline_article_id(rec.get("LID", []), "doi")
    pub_date = medline_date(rec.get("DP", ""))
    if len(pub_date) <= 4 and rec.get("DEP", "")[:4] == pub_date:
        dep = rec["DEP"]
        pub_date = partial_date(dep[:4], dep[4:6], dep[6:8])
    databanks = [tuple(si.split("/", 1)) if "/" in si else ("", si) for si in rec.get("SI", [])]
    authors = [_medline_author(a) for a in rec.get("FAU", [])] or list(rec.get("AU", []))
    return PubmedRecord(
        pmid=rec.get("PMID", "").strip(), title=flatten(rec.get("TI", "") or rec.get("BTI", "")),
        abstract=abstract, authors=authors + list(rec.get("CN", [])),
        journal=rec.get("JT", "") or rec.get("BTI", ""), journal_iso=rec.get("TA", ""), pub_date=pub_date,
        doi=registries.normalise_doi(doi) if doi else None, pmcid=rec.get("PMC") or None,
        publication_types=list(rec.get("PT", [])), mesh_terms=[_medline_mesh(t) for t in rec.get("MH", [])],
        keywords=list(dict.fromkeys(rec.get("OT", []))), language=",".join(rec.get("LA", [])),
        registry_mentions=databank_mentions(databanks) + text_mentions(abstract),
        is_book="BTI" in rec and "TI" not in rec, raw=block.strip() + "\n")


def _medline_author(full: str) -> str:
    """'Müller, Fabian' → 'Müller F' (the store's 'Last Initials' form)."""
    last, _, fore = full.partition(",")
    initials = "".join(p[0] for p in re.split(r"[\s-]+", fore.strip()) if p)
    return f"{last.strip()} {initials}".strip()


def iter_medline_records(text: str) -> Iterator[PubmedRecord]:
    """Records of a MEDLINE file, each with its own raw block."""
    starts = [m.start() for m in _MEDLINE_START_RE.finditer(text)]
    if not starts:
        raise PubmedParseError("not a MEDLINE file: no 'PMID- ' line")
    for start, end in zip(starts, starts[1:] + [len(text)], strict=True):
        record = medline_record(text[start:end])
        if not registries.PMID_RE.match(record.pmid):
            raise PubmedParseError(f"MEDLINE record without a valid PMID near {text[start:start + 40]!r}")
        yield record


def sniff_format(data: bytes) -> str:
    """'xml' or 'medline' from the first bytes; raise PubmedParseError otherwise."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if head.startswith(b"<"):
        return "xml"
    if head.startswith(b"PMID-"):
        return "medline"
    raise PubmedParseError(f"neither PubMed XML nor MEDLINE text (starts {head[:40]!r})")
