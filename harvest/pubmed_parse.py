"""PubMed records from bytes: efetch XML (and PubMed's "Save → XML") or MEDLINE text.

Both formats end as the same ``PubmedRecord`` dataclass, so a harvested
record and an imported one go through one upsert. Each record also keeps its
own raw text, cut from the input, so a better parser can re-read it later
without a new download.

The XML is cut into records as it is read (``XmlRecordReader``) and each
chunk of records is parsed with ElementTree: memory stays flat whatever the
file size, and no DTD is needed, so files of every PubMed DTD era (the
``http://`` DOCTYPEs before 2016 included) parse alike, offline. The MEDLINE
text is parsed with ``Bio.Medline``.
"""

from __future__ import annotations

import gc
import io
import logging
import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.entities import name2codepoint
from typing import Any, BinaryIO, Iterable, Iterator, NamedTuple

from Bio import Medline

from evidence import registries
from evidence.vocab import LinkMethod

log = logging.getLogger(__name__)

_SET_OPEN_RE = re.compile(rb"<PubmedArticleSet\s*>")
_ERROR_RE = re.compile(rb"<ERROR>(.*?)</ERROR>", re.S)
_INLINE_TAG_RE = re.compile(r"</?(?:i|b|u|sup|sub|DispFormula|mml:[A-Za-z]+)(?:\s[^<>]*)?/?>")
_SPACE_RE = re.compile(r"[ \t\r\f\v]+")
_YEAR_RE = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

#: CommentsCorrections types kept: notices that change how far a report can be trusted.
CORRECTION_TYPES = frozenset({"RetractionIn", "RetractionOf", "ErratumIn", "ErratumFor",
                              "ExpressionOfConcernIn", "ExpressionOfConcernFor"})
#: MEDLINE text tags of the same notices.
MEDLINE_CORRECTION_TAGS = {"RIN": "RetractionIn", "ROF": "RetractionOf", "EIN": "ErratumIn", "EFR": "ErratumFor",
                           "ECI": "ExpressionOfConcernIn", "ECF": "ExpressionOfConcernFor"}
RETRACTED_TYPE = "retracted publication"


class PubmedParseError(ValueError):
    """Input that is not a complete PubMed document (truncated, malformed, an <ERROR>)."""


@dataclass(frozen=True)
class RegistryMention:
    """A trial registry ID found in a record, with where it was found."""

    registry_id: str
    method: str  # vocab.LinkMethod value
    matched_text: str = ""


class Correction(NamedTuple):
    """A retraction, erratum or expression-of-concern notice (PubMed CommentsCorrections)."""

    type: str  # one of CORRECTION_TYPES
    pmid: str  # the other record ("" when PubMed gives none)
    source: str  # PubMed's citation of it ("N Engl J Med. 2024;390:870")


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
    date_revised: str = ""  # DateRevised (MEDLINE LR): which of two copies of a record is newer
    version: int = 1  # the PMID's Version attribute
    dtd_date: str = ""  # date of the DTD the file names (pubmed_250101.dtd → 2025-01-01): when it was exported
    corrections: list[Correction] = field(default_factory=list)
    raw: str = ""

    @property
    def pub_year(self) -> int | None:
        return int(self.pub_date[:4]) if self.pub_date[:4].isdigit() else None

    @property
    def retracted(self) -> bool:
        """PubMed marks the report itself retracted (publication type or a RetractionIn notice)."""
        return (any(t.strip().lower() == RETRACTED_TYPE for t in self.publication_types)
                or any(c.type == "RetractionIn" for c in self.corrections))

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

_MATHML = "{http://www.w3.org/1998/Math/MathML}"


def _is_math(element: ET.Element) -> bool:
    tag = element.tag
    return isinstance(tag, str) and (tag.startswith(_MATHML) or tag == "math")


def _pieces(element: ET.Element) -> Iterator[str]:
    if _is_math(element):  # a formula reads as its characters: <msub><mi>β</mi><mn>2</mn></msub> → β2
        yield "".join(t.strip() for t in element.itertext())
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _pieces(child)
        if child.tail:
            yield child.tail


def text_of(element: ET.Element | None) -> str:
    """Readable text of an element: inline markup dropped, MathML as its characters, one line."""
    if element is None:
        return ""
    if not len(element):
        return " ".join((element.text or "").split())
    return " ".join("".join(_pieces(element)).split())


def _texts(parent: ET.Element | None, path: str) -> list[str]:
    return [] if parent is None else [t for e in parent.iterfind(path) if (t := text_of(e))]


def _date_of(element: ET.Element | None) -> str:
    """A partial ISO date from a PubMed date element (Year/Month/Day or MedlineDate)."""
    if element is None:
        return ""
    free = element.findtext("MedlineDate")
    if free:
        return medline_date(free)
    return partial_date(element.findtext("Year") or "", element.findtext("Month") or "",
                        element.findtext("Day") or "")


def _author_name(author: ET.Element) -> str:
    collective = text_of(author.find("CollectiveName"))
    if collective:
        return collective
    last = text_of(author.find("LastName"))
    initials = text_of(author.find("Initials")) or text_of(author.find("ForeName"))
    return f"{last} {initials}".strip()


def _authors(parent: ET.Element | None) -> list[str]:
    """Names of every author of every AuthorList directly under ``parent``."""
    if parent is None:
        return []
    return [name for a in parent.iterfind("AuthorList/Author") if (name := _author_name(a))]


def _abstract(abstract: ET.Element | None) -> str:
    """Abstract text; structured abstracts keep their section labels, one section a line."""
    if abstract is None:
        return ""
    sections = []
    for part in abstract.iterfind("AbstractText"):
        text, label = text_of(part), part.get("Label", "").strip()
        if text or label:
            sections.append(f"{label}: {text}" if label else text)
    return "\n".join(s for s in sections if s.strip(": "))


def _mesh(citation: ET.Element) -> list[dict]:
    out = []
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):
        d = heading.find("DescriptorName")
        if d is None:
            continue
        out.append({"descriptor": text_of(d), "ui": d.get("UI", ""), "major": d.get("MajorTopicYN") == "Y",
                    "qualifiers": [{"name": text_of(q), "ui": q.get("UI", ""), "major": q.get("MajorTopicYN") == "Y"}
                                   for q in heading.iterfind("QualifierName")]})
    return out


def _ids(parent: ET.Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for aid in [] if parent is None else parent.iterfind("ArticleIdList/ArticleId"):
        out.setdefault(aid.get("IdType", "pubmed"), (aid.text or "").strip())
    return out


def _doi(ids: dict[str, str], parent: ET.Element | None) -> str | None:
    doi = ids.get("doi") or next((text_of(e) for e in ([] if parent is None else parent.iterfind("ELocationID"))
                                  if e.get("EIdType") == "doi" and e.get("ValidYN", "Y") == "Y"), "")
    return registries.normalise_doi(doi) if doi else None


def _pub_date(pub: ET.Element | None, article_dates: Iterable[ET.Element] = ()) -> str:
    """Issue date (Year/Month/Day or MedlineDate); the electronic date when it is more precise."""
    date = _date_of(pub)
    for ad in article_dates:
        electronic = _date_of(ad)
        if not date or (len(date) == 4 and electronic[:4] == date):
            return electronic
    return date


def _corrections(citation: ET.Element) -> list[Correction]:
    """Retraction, erratum and expression-of-concern notices of a record (CommentsCorrections)."""
    return [Correction(ref_type, (c.findtext("PMID") or "").strip(), text_of(c.find("RefSource")))
            for c in citation.iterfind("CommentsCorrectionsList/CommentsCorrections")
            if (ref_type := c.get("RefType", "")) in CORRECTION_TYPES]


def _version(pmid: ET.Element) -> int:
    version = pmid.get("Version", "1")
    return int(version) if version.isdigit() else 1


def _pmid(parent: ET.Element) -> ET.Element:
    pmid = parent.find("PMID")
    if pmid is None or not registries.PMID_RE.match((pmid.text or "").strip()):
        raise PubmedParseError("a PubMed record without a valid PMID")
    return pmid


def article_record(entry: ET.Element, raw: str) -> PubmedRecord:
    """A ``PubmedArticle`` (journal article) → PubmedRecord."""
    mc = entry.find("MedlineCitation")
    if mc is None or mc.find("Article") is None:
        raise PubmedParseError("a PubmedArticle without MedlineCitation/Article")
    art, pmid = mc.find("Article"), _pmid(mc)
    ids = _ids(entry.find("PubmedData"))
    abstract = _abstract(art.find("Abstract"))
    databanks = [(text_of(db.find("DataBankName")), text_of(acc)) for db in art.iterfind("DataBankList/DataBank")
                 for acc in db.iterfind("AccessionNumberList/AccessionNumber")]
    return PubmedRecord(
        pmid=pmid.text.strip(), title=text_of(art.find("ArticleTitle")) or text_of(art.find("VernacularTitle")),
        abstract=abstract, authors=_authors(art),
        journal=text_of(art.find("Journal/Title")), journal_iso=text_of(art.find("Journal/ISOAbbreviation")),
        pub_date=_pub_date(art.find("Journal/JournalIssue/PubDate"), art.iterfind("ArticleDate")),
        doi=_doi(ids, art), pmcid=ids.get("pmc") or None,
        publication_types=_texts(art, "PublicationTypeList/PublicationType"),
        mesh_terms=_mesh(mc), keywords=list(dict.fromkeys(_texts(mc, "KeywordList/Keyword"))),
        language=",".join(_texts(art, "Language")),
        registry_mentions=databank_mentions(databanks) + text_mentions(abstract),
        date_revised=_date_of(mc.find("DateRevised")), version=_version(pmid),
        corrections=_corrections(mc), raw=raw)


def book_record(entry: ET.Element, raw: str) -> PubmedRecord:
    """A ``PubmedBookArticle`` (Bookshelf chapter or report): no MedlineCitation, no journal.

    A chapter is dated by its own ContributionDate: the book's PubDate is often
    the year the book (GeneReviews: 1993) first appeared.
    """
    doc = entry.find("BookDocument")
    if doc is None:
        raise PubmedParseError("a PubmedBookArticle without BookDocument")
    book, pmid = doc.find("Book"), _pmid(doc)
    ids = {**_ids(entry.find("PubmedBookData")), **_ids(doc)}
    abstract = _abstract(doc.find("Abstract"))
    chapter = doc.find("ArticleTitle") is not None
    date = (_date_of(doc.find("ContributionDate")) if chapter else "") or _pub_date(
        None if book is None else book.find("PubDate")) or _date_of(doc.find("ContributionDate"))
    return PubmedRecord(
        pmid=pmid.text.strip(), title=text_of(doc.find("ArticleTitle")) or text_of(doc.find("Book/BookTitle")),
        abstract=abstract, authors=_authors(doc) or _authors(book),
        journal=text_of(doc.find("Book/BookTitle")), pub_date=date, doi=_doi(ids, book),
        pmcid=ids.get("pmc") or None, publication_types=_texts(doc, "PublicationType"),
        keywords=list(dict.fromkeys(_texts(doc, "KeywordList/Keyword"))), language=",".join(_texts(doc, "Language")),
        registry_mentions=text_mentions(abstract), is_book=True, date_revised=_date_of(doc.find("DateRevised")),
        version=_version(pmid), corrections=_corrections(doc), raw=raw)


# ---------------------------------------------------------------- XML documents

#: Every HTML named entity, declared for the parser: PubMed's DTDs declare some, and no DTD is loaded.
_ENTITIES = ("<!DOCTYPE PubmedArticleSet [" + "".join(
    f'<!ENTITY {name} "&#{code};">' for name, code in name2codepoint.items()
    if name not in ("amp", "lt", "gt", "quot", "apos")) + "]>").encode()
_DTD_NAME_RE = re.compile(rb"<!DOCTYPE\s+PubmedArticleSet[^>]*?pubmed_(\d{6})\.dtd", re.S)
_RECORD_OPEN_RE = re.compile(rb"\s*<(PubmedArticle|PubmedBookArticle)>")
_CLOSING = {b"PubmedArticle": b"</PubmedArticle>", b"PubmedBookArticle": b"</PubmedBookArticle>"}
_LONGEST_OPENING = len(b"<PubmedBookArticle>")


def raise_for_error_document(data: bytes) -> None:
    """NCBI answers some failures with HTTP 200 and an <ERROR> element: make that an exception."""
    head = data[:4096]
    if b"<ERROR>" in head and (b"<eFetchResult" in head or b"<eSearchResult" in head or b"<ePostResult" in head):
        m = _ERROR_RE.search(data)
        raise PubmedParseError(f"NCBI returned an error: {m.group(1).decode('utf-8', 'replace').strip()}")


class XmlRecordReader:
    """The raw records of a PubmedArticleSet stream, read a block at a time.

    Iterating yields each record's bytes as they are in the file (kept as the
    stored raw XML); ``deleted`` holds the DeleteCitation PMIDs once the
    iteration is over. Only the current block and one record are in memory,
    so a file of any size is read in flat memory. No DTD is read: every
    PubMed DTD era (http:// or https://, 2002 to today) parses the same, offline.
    The text between records must be blank and the document must end
    properly, so a truncated or garbled file fails loudly.
    """

    def __init__(self, stream: BinaryIO, block: int = 1 << 22):
        self.stream, self.block = stream, block
        self.deleted: list[str] = []
        self.header = b""
        self.count = 0
        self.line = 0  # line of the file where the record last yielded starts

    def _start(self) -> tuple[bytes, int]:
        buf = self.stream.read(self.block)
        raise_for_error_document(buf)
        while (opening := _SET_OPEN_RE.search(buf)) is None:
            more = self.stream.read(self.block) if len(buf) < self.block * 4 else b""
            if not more:
                raise PubmedParseError("not PubMed XML: no <PubmedArticleSet> element"
                                       + (f" (starts {buf[:80]!r})" if buf.strip() else " (empty response)"))
            buf += more
        self.header = buf[:opening.end()]
        return buf, opening.end()

    def __iter__(self) -> Iterator[bytes]:
        buf, pos = self._start()
        offset, eof = 0, False  # offset: bytes of the file before buf
        lines, counted = 0, 0  # newlines of the file before buf[counted]
        while True:
            m = _RECORD_OPEN_RE.match(buf, pos)
            if m:
                closing = _CLOSING[m.group(1)]
                end = buf.find(closing, m.end())
                start = m.start(1) - 1
                if end >= 0:
                    lines, counted = lines + buf.count(b"\n", counted, start), start
                    self.count, self.line = self.count + 1, lines + 1
                    yield buf[start:end + len(closing)]
                    pos = end + len(closing)
                    continue
                if eof:
                    line = lines + buf.count(b"\n", counted, start) + 1
                    raise PubmedParseError(f"malformed PubMed XML: the file ends inside the record starting at "
                                           f"line {line}")
            elif eof or len(buf) - pos - (len(buf[pos:pos + 256]) - len(buf[pos:pos + 256].lstrip())) \
                    >= _LONGEST_OPENING:
                self._ending(buf[pos:] + (b"" if eof else self.stream.read()),
                             lines + buf.count(b"\n", counted, pos) + 1)
                return
            more = self.stream.read(self.block)
            lines, counted = lines + buf.count(b"\n", counted, pos), 0
            buf, offset, pos, eof = buf[pos:] + more, offset + pos, 0, not more

    def _ending(self, tail: bytes, line: int) -> None:
        """What follows the last record: DeleteCitation notices and the closing tag, nothing else."""
        try:
            root = ET.fromstring(b"<PubmedArticleSet>" + tail)
        except ET.ParseError as exc:
            raise PubmedParseError(f"malformed PubMed XML after line {line} ({exc}): "
                                   f"{tail.strip()[:60]!r}") from None
        unexpected = [el.tag for el in root if el.tag != "DeleteCitation"]
        if unexpected or (root.text or "").strip():
            raise PubmedParseError(f"malformed PubMed XML: unexpected content at line {line}: "
                                   f"{tail.strip()[:60]!r}")
        self.deleted = [(p.text or "").strip() for p in root.iterfind("DeleteCitation/PMID")]


def split_document(data: bytes) -> tuple[bytes, list[bytes], list[str]]:
    """Header, raw records, and the PMIDs of DeleteCitation of a whole document in memory."""
    reader = XmlRecordReader(io.BytesIO(data))
    segments = list(reader)
    return reader.header, segments, reader.deleted


def _record(element: ET.Element, segment: bytes) -> PubmedRecord:
    try:
        raw = segment.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PubmedParseError(f"a record is not UTF-8 ({exc})") from None
    return (article_record if element.tag == "PubmedArticle" else book_record)(element, raw)


def _pmid_near(segment: bytes) -> str:
    m = re.search(rb"<PMID[^>]*>\s*(\d+)", segment)
    return f"PMID {m.group(1).decode()}" if m else "a record without a PMID"


def dtd_date(header: bytes) -> str:
    """The date of the DTD a document's DOCTYPE names ('…/pubmed_250101.dtd' → '2025-01-01'), or ''."""
    m = _DTD_NAME_RE.search(header[:4096])
    if not m:
        return ""
    yy, mm, dd = m.group(1)[:2], m.group(1)[2:4], m.group(1)[4:6]
    return f"{'19' if yy > b'50' else '20'}{yy.decode()}-{mm.decode()}-{dd.decode()}"


def _element(segment: bytes) -> ET.Element:
    """One record's tree; HTML named entities (which PubMed's DTDs declare) are declared when needed."""
    try:
        return ET.fromstring(segment)
    except ET.ParseError as exc:
        if "undefined entity" not in str(exc):
            raise
        return ET.fromstring(_ENTITIES + segment)


def parse_chunk(header: bytes, segments: list[bytes], lines: list[int] | None = None) -> list[PubmedRecord]:
    """Records from raw record segments, one record's tree in memory at a time; ``header`` dates the export.

    ``lines`` (where each segment starts in its file) lets an error name the file's line.
    """
    records, exported = [], dtd_date(header)
    for i, segment in enumerate(segments):
        try:
            records.append(_record(_element(segment), segment))
        except ET.ParseError as exc:
            where = f"line {lines[i] + exc.position[0] - 1}, " if lines else ""
            raise PubmedParseError(f"malformed PubMed XML at {where}{_pmid_near(segment)} ({exc})") from None
        except PubmedParseError as exc:
            raise PubmedParseError(f"{_pmid_near(segment)}: {exc}") from None
        records[-1].dtd_date = exported
    return records


def iter_xml_stream(stream: BinaryIO, chunk: int = 500) -> Iterator[ParsedBatch]:
    """Parse a PubmedArticleSet stream ``chunk`` records at a time, in document order, in flat memory.

    The DeleteCitation notices come with the last batch (an empty one when the
    document holds no record).
    """
    reader = XmlRecordReader(stream)
    pending: list[bytes] = []
    lines: list[int] = []
    for segment in reader:
        pending.append(segment)
        lines.append(reader.line)
        if len(pending) >= chunk:
            yield ParsedBatch(parse_chunk(reader.header, pending, lines))
            pending, lines = [], []
    yield ParsedBatch(parse_chunk(reader.header, pending, lines) if pending else [], reader.deleted)


def iter_xml_batches(data: bytes, chunk: int = 500) -> Iterator[ParsedBatch]:
    """Parse a PubmedArticleSet document in memory ``chunk`` records at a time; deletions with the last."""
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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during allocation-heavy, cycle-free work.

    Parsing allocates an object per element; the collector's passes over them
    (none of them cyclic garbage) cost much of the parse time. Memory is still
    freed by reference counting; the collector resumes after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        is_book="BTI" in rec and "TI" not in rec, date_revised=_medline_day(rec.get("LR", "")),
        corrections=_medline_corrections(rec), raw=block.strip() + "\n")


def _medline_day(value: str) -> str:
    """'20250114' (LR, DEP) → '2025-01-14'."""
    value = value.strip()
    return partial_date(value[:4], value[4:6], value[6:8]) if value[:8].isdigit() else ""


_NOTICE_PMID_RE = re.compile(r"PMID:\s*(\d+)")


def _medline_corrections(rec: dict) -> list[Correction]:
    """RIN/EIN/ECI… lines: 'N Engl J Med. 2024 Mar 7;390(10):960. doi: …. PMID: 38000000'."""
    out = []
    for tag, ref_type in MEDLINE_CORRECTION_TAGS.items():
        values = rec.get(tag, [])
        for value in [values] if isinstance(values, str) else values:
            m = _NOTICE_PMID_RE.search(value)
            out.append(Correction(ref_type, m.group(1) if m else "", flatten(_NOTICE_PMID_RE.sub("", value))
                                  .rstrip(" .")))
    return out


def _medline_author(full: str) -> str:
    """'Müller, Fabian' → 'Müller F' (the store's 'Last Initials' form)."""
    last, _, fore = full.partition(",")
    initials = "".join(p[0] for p in re.split(r"[\s-]+", fore.strip()) if p)
    return f"{last.strip()} {initials}".strip()


def iter_medline_lines(lines: Iterable[str]) -> Iterator[PubmedRecord]:
    """Records of a MEDLINE text stream, one record's lines in memory at a time."""
    block: list[str] = []
    seen = False
    for line in lines:
        if line.startswith("PMID- "):
            if block and seen:
                yield _checked_medline("".join(block))
            block, seen = [], True
        block.append(line)
    if not seen:
        raise PubmedParseError("not a MEDLINE file: no 'PMID- ' line")
    yield _checked_medline("".join(block))


def _checked_medline(block: str) -> PubmedRecord:
    record = medline_record(block)
    if not registries.PMID_RE.match(record.pmid):
        raise PubmedParseError(f"MEDLINE record without a valid PMID near {block[:40]!r}")
    return record


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


GZIP_MAGIC = b"\x1f\x8b"


def sniff_format(data: bytes) -> str:
    """'xml' or 'medline' from the first bytes; raise PubmedParseError otherwise."""
    if data.startswith(GZIP_MAGIC):
        raise PubmedParseError("gzip-compressed data: decompress it first (gunzip), or give the .gz file to "
                               "`evidence import pubmed`, which reads it directly")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if head.startswith(b"<"):
        return "xml"
    if head.startswith(b"PMID-"):
        return "medline"
    raise PubmedParseError(f"neither PubMed XML nor MEDLINE text (starts {head[:40]!r})")
