"""PRISMA 2020 counts come from the database after a scripted screening session."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from evidence import audit, models, prisma, screening
from evidence.cli import app
from evidence.models import utcnow
from tests.workbench.harvested import add_harvest

# Row names of inst/extdata/PRISMA.csv in the PRISMA2020 R package 1.1.4, in order.
TEMPLATE_ROWS = [
    "NA", "previous_studies", "previous_reports", "NA", "database_results", "database_specific_results",
    "register_results", "register_specific_results", "NA", "website_results", "organisation_results",
    "citations_results", "duplicates", "excluded_automatic", "excluded_other", "records_screened",
    "records_excluded", "dbr_sought_reports", "dbr_notretrieved_reports", "other_sought_reports",
    "other_notretrieved_reports", "dbr_assessed", "dbr_excluded", "other_assessed", "other_excluded",
    "new_studies", "new_reports", "total_studies", "total_reports", "identification", "screening", "included",
    "total_studies_ma", "total_reports_ma",
]


def _scripted_session(engine) -> None:
    add_harvest(engine)
    with Session(engine) as s:
        s.add(models.Trial(registry_id="NCT09999991", brief_title="New trial", origin="ctgov"))
        for pmid, decision, reason in [("40000001", "include", None), ("40000002", "include", None),
                                       ("40000003", "exclude", "review"), ("40000004", "exclude", "preclinical"),
                                       ("40000005", "exclude", "duplicate")]:
            screening.decide(s, pmid, decision, reviewer="ann", reason=reason)
        screening.decide(s, "40000002", "maybe", reviewer="bob")  # a conflict: not yet screened
        screening.decide(s, "40000001", "include", reviewer="ann", stage="full_text")
        # the workbench creates a cohort and its report (recorded in the audit trail)
        change = audit.new_change()
        cohort = models.Cohort(cohort_id="delta", name="Delta series")
        s.add(cohort)
        s.flush()
        report = models.Report(report_id="delta-2026", cohort_id="delta", kind="journal_article", label="Delta",
                               pmid="40000001", diseases=["sle"])
        s.add(report)
        s.flush()
        audit.record_change(s, reviewer="ann", entity="cohort", entity_id="delta", before=None,
                            after=audit.snapshot(cohort), change=change)
        audit.record_change(s, reviewer="ann", entity="report", entity_id="delta-2026", before=None,
                            after=audit.snapshot(report), change=change)
        s.commit()


@pytest.fixture
def flow_engine(engine):
    _scripted_session(engine)
    return engine


def test_counts_follow_the_database(flow_engine):
    with Session(flow_engine) as s:
        flow = prisma.prisma_flow(s, utcnow() - timedelta(days=3))
    assert (flow.database_results, flow.register_results, flow.duplicates) == (6, 1, 1)
    assert (flow.records_screened, flow.records_awaiting, flow.records_excluded) == (4, 1, 3)
    assert flow.records_excluded_reasons == [("Review or commentary", 1), ("Preclinical", 1),
                                             ("Duplicate of a report in the base", 1)]
    assert (flow.dbr_sought_reports, flow.dbr_assessed, flow.dbr_excluded) == (1, 1, 0)
    assert (flow.previous_studies, flow.previous_reports) == (3, 4)  # the curated fixture base
    assert (flow.new_studies, flow.new_reports, flow.total_studies, flow.total_reports) == (1, 1, 4, 5)
    assert [r["source"] for r in flow.runs] == ["pubmed"]


def test_an_update_after_the_work_has_its_own_diagram(flow_engine):
    with Session(flow_engine) as s:
        later = prisma.prisma_flow(s, utcnow() + timedelta(days=1))
    assert (later.database_results, later.records_screened, later.new_studies) == (0, 0, 0)
    assert (later.previous_studies, later.previous_reports, later.total_reports) == (4, 5, 5)


def test_csv_is_the_prisma2020_template(flow_engine):
    with Session(flow_engine) as s:
        text = prisma.render_csv(prisma.prisma_flow(s))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
    assert [r["data"] for r in rows] == TEMPLATE_ROWS
    n = {r["data"]: r["n"] for r in rows}
    assert (n["database_results"], n["duplicates"], n["records_screened"], n["records_excluded"]) == \
        ("6", "1", "4", "3")
    assert n["database_specific_results"] == "PubMed, 6"
    assert n["register_specific_results"] == "ClinicalTrials.gov, 1"
    assert n["dbr_excluded"] == "0" and n["total_studies"] == "4"


def test_reasons_with_commas_cannot_break_the_template(engine):
    flow = prisma.PrismaFlow(since=None, dbr_excluded=2, dbr_excluded_reasons=[("Dose, route; other", 2)])
    n = {r["data"]: r["n"] for r in csv.DictReader(io.StringIO(prisma.render_csv(flow)))}
    assert n["dbr_excluded"] == "Dose  route  other, 2"


@pytest.mark.parametrize("code, label", [("link", '=HYPERLINK("http://evil.example","x")'), ("sum", "+1+2"),
                                         ("minus", "-2+3"), ("at", "@SUM(A1)"), ("tab", "\t=1+1"),
                                         ("=cmd", "Command")])
def test_a_reason_beginning_like_a_formula_is_refused_at_entry(engine, code, label):
    with Session(engine) as s:
        with pytest.raises(screening.ScreeningError, match="may not begin with = \\+ - or @"):
            screening.save_exclusion_reason(s, code, label, reviewer="lead")
        s.rollback()
        assert s.get(models.ExclusionReason, code) is None
        screening.save_exclusion_reason(s, "dose", "Dose - other than planned", reviewer="lead")  # inside: fine


def test_a_formula_like_label_stored_before_the_rule_reaches_the_csv_as_text(engine):
    flow = prisma.PrismaFlow(since=None, dbr_excluded=3, dbr_excluded_reasons=[("=1+1", 2), ("Wrong population", 1)])
    n = {r["data"]: r["n"] for r in csv.DictReader(io.StringIO(prisma.render_csv(flow)))}
    assert n["dbr_excluded"] == "'=1+1, 2; Wrong population, 1"


def test_svg_escapes_team_text_and_png_renders(engine):
    flow = prisma.PrismaFlow(since=None, records_excluded=1, records_excluded_reasons=[("<script>&", 1)])
    svg = prisma.render_svg(flow)
    assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg
    assert prisma.render_png(flow)[:8] == b"\x89PNG\r\n\x1a\n"


def test_command_writes_each_format(flow_engine, settings, monkeypatch, tmp_path):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    runner = CliRunner()
    result = runner.invoke(app, ["prisma", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["records_screened"] == 4
    out = tmp_path / "flow.png"
    assert runner.invoke(app, ["prisma", "--format", "png", "--out", str(out)]).exit_code == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    since = (utcnow() + timedelta(days=1)).date().isoformat()
    later = runner.invoke(app, ["prisma", "--since", since, "--format", "csv"])
    assert "database_results,node7" in later.stdout
    bad = runner.invoke(app, ["prisma", "--since", "yesterday"])
    assert bad.exit_code == 2 and "must be a date" in bad.output


def test_the_diagram_is_drawn_in_italian_and_the_template_keeps_its_names(flow_engine, settings, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    runner = CliRunner()
    svg = runner.invoke(app, ["prisma", "--format", "svg", "--lang", "it"])
    assert svg.exit_code == 0, svg.output
    for italian in ("Record identificati da:", "Record sottoposti a screening (n = 4)", "Report ricercati per il "
                    "reperimento", "Report valutati per l'eleggibilità", "Articolo di revisione o commento (n = 1)",
                    ">Identificazione<", ">Inclusi<"):
        assert italian in svg.stdout, italian
    assert "Records identified" not in svg.stdout and "Reports sought" not in svg.stdout
    english = runner.invoke(app, ["prisma", "--format", "svg"]).stdout
    assert "Records identified from:" in english and "Review or commentary (n = 1)" in english
    csv_it = runner.invoke(app, ["prisma", "--format", "csv", "--lang", "it"]).stdout
    assert csv_it == runner.invoke(app, ["prisma", "--format", "csv"]).stdout  # for the R package, as it ships
    bad = runner.invoke(app, ["prisma", "--lang", "fr"])
    assert bad.exit_code == 2 and "--lang must be one of" in bad.output


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # the diagram's first font (Debian fonts-dejavu-core)
BOX = re.compile(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"[^>]*/><text x="\d+" y="(\d+)" '
                 r'font-size="(\d+)"[^>]*>(.*?)</text>')


@pytest.mark.skipif(not DEJAVU.exists(), reason="DejaVu Sans not installed (make browser installs it)")
@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_box_text_fits_its_box(lang):
    """Counts in the tens of thousands and long reasons still sit inside their boxes, in either language."""
    from PIL import ImageFont

    many = 99999  # a review of a broad search: tens of thousands of records
    flow = prisma.PrismaFlow(
        since=utcnow(), **{name: many for name in (
            "previous_studies", "previous_reports", "database_results", "register_results", "duplicates",
            "excluded_automatic", "excluded_other", "records_screened", "records_awaiting", "records_excluded",
            "dbr_sought_reports", "dbr_notretrieved_reports", "dbr_assessed", "dbr_excluded", "new_studies",
            "new_reports", "total_studies", "total_reports")},
        database_specific=[("PubMed", many)], register_specific=[("ClinicalTrials.gov", many)],
        records_excluded_reasons=[("Wrong intervention", many)], dbr_excluded_reasons=[("No outcome data", many)])
    svg = prisma.render_svg(flow, lang)
    boxes = BOX.findall(svg)
    assert len(boxes) >= 10
    for x, y, w, h, baseline, size, spans in boxes:
        lines = [html.unescape(t) for t in re.findall(r"<tspan[^>]*>(.*?)</tspan>", spans)]
        font = ImageFont.truetype(str(DEJAVU), int(size))
        last = int(baseline) + 16 * (len(lines) - 1)
        assert last + 4 <= int(y) + int(h), f"{lines[-1]!r} below its box"
        for line in lines:
            assert 10 + font.getlength(line) <= int(w) - 2, f"{line!r} wider than its box ({w} px)"
