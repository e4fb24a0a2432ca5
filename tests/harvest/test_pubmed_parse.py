"""PubMed XML and MEDLINE parsing: every stored field, every date form, books, deletions, bad input."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from harvest.pubmed_parse import (
    PubmedParseError,
    flatten,
    iter_medline_records,
    iter_xml_batches,
    medline_date,
    parse_xml,
    partial_date,
    sniff_format,
)

FIX = Path(__file__).parents[1] / "fixtures" / "pubmed"


@pytest.fixture(scope="module")
def batch():
    return parse_xml((FIX / "efetch_batch.xml").read_bytes())


@pytest.fixture(scope="module")
def by_pmid(batch):
    return {r.pmid: r for r in batch.records}


def test_batch_holds_articles_book_and_deletion_in_order(batch):
    assert [r.pmid for r in batch.records] == ["39000001", "39000002", "39000003", "39000004", "39000005"]
    assert batch.deleted == ["38000000"]
    assert [r.is_book for r in batch.records] == [False] * 4 + [True]


def test_full_article_fields(by_pmid):
    r = by_pmid["39000001"]
    assert r.title == "CD19 CAR T-Cell Therapy in Autoimmune Disease - A Case Series with Follow-up."
    assert r.authors == ["Müller F", "Taubmann J", "CAR-T in Autoimmunity Study Group"]
    assert (r.journal, r.journal_iso) == ("The New England journal of medicine", "N Engl J Med")
    assert r.pub_date == "2024-02-22" and r.pub_year == 2024
    assert r.doi == "10.1056/nejmoa2308917" and r.pmcid == "PMC0000001"
    assert r.publication_types == ["Clinical Trial, Phase I", "Journal Article", "Research Support, Non-U.S. Gov't"]
    assert r.keywords == ["CAR-T", "autoimmunity"] and r.language == "eng"
    sle = next(m for m in r.mesh_terms if m["descriptor"] == "Lupus Erythematosus, Systemic")
    assert sle == {"descriptor": "Lupus Erythematosus, Systemic", "ui": "D008180", "major": True,
                   "qualifiers": [{"name": "therapy", "ui": "Q000628", "major": False}]}
    adoptive = next(m for m in r.mesh_terms if m["descriptor"] == "Immunotherapy, Adoptive")
    assert adoptive["major"] is False and adoptive["qualifiers"][0]["major"] is True


def test_structured_abstract_keeps_labels_and_flattens_markup(by_pmid):
    lines = by_pmid["39000001"].abstract.split("\n")
    assert [line.split(":")[0] for line in lines] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert "with in vivo expansion" in lines[0]
    assert "25 mg/m2" in lines[1] and "<sup>" not in lines[1]
    assert "(P<0.001" in lines[2]  # an escaped '<' in the text is text, not markup


def test_inline_markup_in_title_is_flattened(by_pmid):
    assert by_pmid["39000002"].title == ("B cell depletion beyond CD20: CAR T cells, T cell engagers and in vivo "
                                         "CAR+ strategies for autoimmune disease.")


@pytest.mark.parametrize("pmid,expected", [
    ("39000001", "2024-02-22"),  # Year/Month/Day
    ("39000002", "2023-11"),  # MedlineDate "2023 Nov-Dec"
    ("39000003", "2024"),  # Year + Season
    ("39000004", "2025-01-15"),  # Year only: the electronic ArticleDate is more precise
    ("39000005", "2025-01-10"),  # book chapter: its ContributionDate, not the book's PubDate
])
def test_publication_dates(by_pmid, pmid, expected):
    assert by_pmid[pmid].pub_date == expected


def test_registry_ids_from_databank_and_abstract(by_pmid):
    r = by_pmid["39000001"]
    assert [(m.registry_id, m.method) for m in r.registry_mentions] == [
        ("NCT03000000", "registry_field"), ("NCT03000000", "abstract_text"), ("ChiCTR2300071234", "abstract_text")]
    assert r.registry_ids == ["NCT03000000", "ChiCTR2300071234"]  # GenBank accession MN908947 is not a trial
    assert "ClinicalTrials.gov number, NCT03000000" in r.registry_mentions[1].matched_text
    assert by_pmid["39000002"].registry_ids == ["NCT05000001"]  # "NCT 0500 0001" normalised
    assert by_pmid["39000003"].registry_ids == ["2021-000123-45"]  # EudraCT in the text


def test_empty_abstract_and_book_record(by_pmid):
    assert by_pmid["39000004"].abstract == ""
    book = by_pmid["39000005"]
    assert book.title == "Chimeric Antigen Receptor T-Cell Therapy" and book.journal == "StatPearls"
    assert book.authors == ["Sterner RC"] and book.publication_types == ["Review"]
    assert book.abstract.startswith("CAR T-cell therapy is approved")


def test_raw_xml_of_each_record_is_kept_and_reparses(by_pmid):
    raw = by_pmid["39000003"].raw
    assert raw.startswith("<PubmedArticle>") and raw.endswith("</PubmedArticle>")
    head = (FIX / "efetch_empty.xml").read_bytes().replace(b"</PubmedArticleSet>", b"")
    again = parse_xml(head + raw.encode() + b"</PubmedArticleSet>").records[0]
    assert again.title == by_pmid["39000003"].title


def test_chunked_parse_gives_the_same_records(batch):
    data = (FIX / "efetch_batch.xml").read_bytes()
    chunks = list(iter_xml_batches(data, chunk=2))
    assert [len(c.records) for c in chunks] == [2, 2, 1]
    assert [r.pmid for c in chunks for r in c.records] == [r.pmid for r in batch.records]
    assert chunks[-1].deleted == ["38000000"] and chunks[0].deleted == []


def test_empty_result_set():
    out = parse_xml((FIX / "efetch_empty.xml").read_bytes())
    assert out.records == [] and out.deleted == []


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d[:3000], "malformed PubMed XML"),  # truncated mid-record
    (lambda d: d[:d.rindex(b"<DeleteCitation>")], "malformed PubMed XML"),  # truncated between records
    (lambda d: d.replace(b"</PubmedArticle>\n<PubmedArticle>", b"</PubmedArticle>\n<Junk/>\n<PubmedArticle>", 1),
     "unexpected content"),
    (lambda d: d.replace(b"<ArticleTitle>CD19", b"<ArticleTitle><<CD19", 1), "malformed PubMed XML"),
    (lambda d: b"", "empty response"),
    (lambda d: b"<html><body>502 Bad Gateway</body></html>", "not PubMed XML"),
])
def test_bad_documents_raise_a_clear_error(mutate, message):
    with pytest.raises(PubmedParseError, match=message):
        parse_xml(mutate((FIX / "efetch_batch.xml").read_bytes()))


def test_error_element_raises_with_ncbis_words():
    with pytest.raises(PubmedParseError, match="ID list is empty"):
        parse_xml((FIX / "efetch_error_400.xml").read_bytes())


def test_any_doctype_or_none_parses_offline(batch):
    """No DTD is read: a newer DTD, the http:// DOCTYPE of files saved before 2016, or none at all."""
    data = (FIX / "efetch_batch.xml").read_bytes()
    doctype = data[data.index(b"<!DOCTYPE"):data.index(b"<PubmedArticleSet>")]
    old = (b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2008//EN" '
           b'"http://www.ncbi.nlm.nih.gov/entrez/query/DTD/pubmed_080101.dtd">\n')
    variants = {"1999-01-01": data.replace(b"pubmed_250101.dtd", b"pubmed_990101.dtd"), "": data.replace(doctype, b""),
                "2008-01-01": data.replace(doctype, old)}
    for exported, variant in variants.items():
        records = parse_xml(variant).records
        assert [r.dtd_date for r in records] == [exported] * 5
        assert [replace(r, dtd_date="2025-01-01") for r in records] == batch.records


def test_medline_records_match_the_xml(by_pmid):
    records = list(iter_medline_records((FIX / "medline_export.nbib").read_text(encoding="utf-8")))
    assert [r.pmid for r in records] == ["39000001", "39000002"]
    m, x = records[0], by_pmid["39000001"]
    for name in ("title", "authors", "journal", "journal_iso", "pub_date", "doi", "pmcid", "publication_types",
                 "keywords", "language", "registry_ids"):
        assert getattr(m, name) == getattr(x, name), name
    assert [(t["descriptor"], t["major"]) for t in m.mesh_terms] == [(t["descriptor"], t["major"]) for t in
                                                                     x.mesh_terms]
    assert m.abstract.startswith("BACKGROUND: Autologous CD19") and "METHODS: In this case series" in m.abstract
    assert m.raw.startswith("PMID- 39000001") and "SO  - N Engl J Med." in m.raw
    assert records[1].pub_date == "2023-11" and records[1].registry_ids == ["NCT05000001"]


def test_sniffing_and_not_pubmed_files():
    assert sniff_format(b"\n<?xml version='1.0'?>") == "xml"
    assert sniff_format(b"\nPMID- 1\n") == "medline"
    with pytest.raises(PubmedParseError, match="neither PubMed XML nor MEDLINE"):
        sniff_format(b"TY  - JOUR\n")
    with pytest.raises(PubmedParseError, match="no 'PMID- ' line"):
        list(iter_medline_records("TI  - no pmid\n"))


@pytest.mark.parametrize("text,expected", [
    ("2023 Nov-Dec", "2023-11"), ("1998 Dec-1999 Jan", "1998-12"), ("2000 Spring", "2000"),
    ("2024 Feb 22", "2024-02-22"), ("2024", "2024"), ("Winter", ""), ("2019 Jan 5-12", "2019-01-05"),
])
def test_medline_dates(text, expected):
    assert medline_date(text) == expected


def test_partial_dates_and_flatten():
    assert partial_date("2024", "Feb", "3") == "2024-02-03" and partial_date("2024", "13") == "2024"
    assert partial_date("", "Feb") == ""
    assert flatten("IL-2<sub>low</sub>  and <i>in\tvivo</i>") == "IL-2low and in vivo"
    assert flatten(None) == ""


def test_reference_list_ids_are_not_the_records_own(batch):
    """Cited references carry their own ArticleIdList: only PubmedData's own list names the record."""
    data = (FIX / "efetch_batch.xml").read_bytes()
    refs = (b"<ReferenceList><Reference><Citation>A.</Citation><ArticleIdList><ArticleId IdType=\"doi\">10.1/x"
            b"</ArticleId><ArticleId IdType=\"pmc\">PMC9</ArticleId></ArticleIdList></Reference></ReferenceList>")
    data = data.replace(b"</ArticleIdList>\n    </PubmedData>", b"</ArticleIdList>\n" + refs + b"</PubmedData>", 1)
    parsed = parse_xml(data)
    first = parsed.records[0]
    assert (first.doi, first.pmcid) == (batch.records[0].doi, batch.records[0].pmcid)
    assert parsed.records[1:] == batch.records[1:]
    assert b"<ReferenceList>" in first.raw.encode()  # the raw XML keeps everything


@pytest.mark.parametrize("block", [64, 1000, 1 << 22])
def test_streamed_reading_gives_every_record_and_its_line_whatever_the_block_size(batch, block):
    import io

    from harvest.pubmed_parse import XmlRecordReader

    data = (FIX / "efetch_batch.xml").read_bytes()
    reader = XmlRecordReader(io.BytesIO(data), block=block)
    found = [(segment, reader.line) for segment in reader]
    assert [s.decode() for s, _ in found] == [r.raw for r in batch.records] and reader.deleted == ["38000000"]
    assert [line for _, line in found] == [data[:data.index(s)].count(b"\n") + 1 for s, _ in found]
