"""The PRISMA 2020 flow of the living review, counted from the database, never typed.

``prisma_flow(session, since)`` counts one update: records identified since
``since`` (PubMed, with its runs; ClinicalTrials.gov as the register),
duplicates, records screened and excluded (with reasons, at title/abstract
and at full text), reports sought, not retrieved and assessed, and the
studies (cohorts) and reports included. The "previous studies" arm holds
what was included before ``since``: the shipped curated base (included
before the workbench existed) and whatever the workbench included earlier,
dated by the audit trail.

Renderings: the CSV template of the PRISMA2020 R package and Shiny app
(``inst/extdata/PRISMA.csv`` of version 1.1.4, its row names and columns,
so reviewers can redraw the diagram there), JSON, SVG and PNG. The diagram
(SVG, PNG) is drawn in the reader's language; the CSV template and the JSON
keep the package's row names and English texts, for the tools that read them.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlmodel import Session

from evidence.duplicates import later_copies
from evidence.formula_safe import neutralise
from evidence.i18n import DEFAULT_LANGUAGE, N_, NP_, format_moment, translator
from evidence.models import AuditEntry, Cohort, ExclusionReason, HarvestRun, Publication, Report, \
    ScreeningDecision, Trial
from evidence.screening import settled_decisions
from evidence.vocab import REGISTRY_RUN_SOURCES, AuditAction, RowOrigin, ScreeningDecision as Decision, ScreeningStage

NO_REASON = N_("no reason")
NOT_RETRIEVED = "not_retrieved"  # a full-text exclusion reason a team may add: counted as "not retrieved"
DATABASE_ORIGINS = (RowOrigin.PUBMED.value, RowOrigin.IMPORT.value)
REGISTER_ORIGINS = (RowOrigin.CTGOV.value, RowOrigin.IMPORT.value)


@dataclass
class PrismaFlow:
    """The numbers of one flow diagram; reasons are (label, count) in the team's order."""

    since: datetime | None
    previous_studies: int = 0
    previous_reports: int = 0
    database_results: int = 0
    database_specific: list[tuple[str, int]] = field(default_factory=list)
    register_results: int = 0
    register_specific: list[tuple[str, int]] = field(default_factory=list)
    duplicates: int = 0
    excluded_automatic: int = 0
    excluded_other: int = 0  # records PubMed withdrew (kept, flagged deleted)
    records_screened: int = 0
    records_awaiting: int = 0  # identified, not duplicates, no settled title/abstract decision yet
    records_excluded: int = 0
    records_excluded_reasons: list[tuple[str, int]] = field(default_factory=list)
    dbr_sought_reports: int = 0
    dbr_notretrieved_reports: int = 0
    dbr_assessed: int = 0
    dbr_excluded: int = 0
    dbr_excluded_reasons: list[tuple[str, int]] = field(default_factory=list)
    new_studies: int = 0
    new_reports: int = 0
    total_studies: int = 0
    total_reports: int = 0
    runs: list[dict] = field(default_factory=list)  # the harvest runs of the period, per source


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _after(value: datetime | None, since: datetime | None) -> bool:
    return since is None or (value is not None and _aware(value) >= since)


def _reasons(decided: list[ScreeningDecision], labels: dict[str, tuple[int, str]]) -> list[tuple[str, int]]:
    counts = Counter(d.reason or "" for d in decided)
    order = sorted(counts, key=lambda code: labels.get(code, (999, code)))
    return [(labels.get(code, (0, code or NO_REASON))[1], counts[code]) for code in order]


def prisma_flow(session: Session, since: datetime | None = None) -> PrismaFlow:
    """Count the flow of records identified at or after ``since`` (all records when None)."""
    since = _aware(since)
    flow = PrismaFlow(since=since)
    pubs = [p for p in session.execute(select(Publication).where(Publication.origin.in_(DATABASE_ORIGINS)))
            .scalars() if _after(p.first_seen, since)]
    flow.database_results = len(pubs)
    flow.database_specific = [("PubMed", len(pubs))] if pubs else []
    trials = [t for t in session.execute(select(Trial).where(Trial.origin.in_(REGISTER_ORIGINS))).scalars()
              if _after(t.first_seen, since)]
    flow.register_results = len(trials)
    flow.register_specific = [("ClinicalTrials.gov", len(trials))] if trials else []
    flow.runs = [{"id": r.id, "source": r.source, "started_at": _aware(r.started_at).isoformat(), "status": r.status,
                  "fetched": r.fetched, "new": r.new}
                 for r in session.execute(select(HarvestRun).order_by(HarvestRun.id)).scalars()
                 if r.source in REGISTRY_RUN_SOURCES and _after(r.started_at, since)]

    copies = later_copies(session)
    flow.duplicates = sum(p.pmid in copies for p in pubs)
    flow.excluded_other = sum(p.deleted and p.pmid not in copies for p in pubs)
    candidates = {p.pmid for p in pubs if p.pmid not in copies and not p.deleted}

    labels = {r.code: (r.position, r.label) for r in session.execute(select(ExclusionReason)).scalars()}
    ta = {pmid: d for pmid, d in settled_decisions(session, ScreeningStage.TITLE_ABSTRACT.value).items()
          if d is not None and pmid in candidates}
    flow.records_screened = len(ta)
    flow.records_awaiting = len(candidates) - len(ta)
    excluded = [d for d in ta.values() if d.decision == Decision.EXCLUDE]
    flow.records_excluded = len(excluded)
    flow.records_excluded_reasons = _reasons(excluded, labels)

    sought = {pmid for pmid, d in ta.items() if d.decision in (Decision.INCLUDE, Decision.MAYBE)}
    flow.dbr_sought_reports = len(sought)
    ft = {pmid: d for pmid, d in settled_decisions(session, ScreeningStage.FULL_TEXT.value).items()
          if pmid in sought and d is not None and d.decision != Decision.MAYBE}
    not_retrieved = [d for d in ft.values() if d.decision == Decision.EXCLUDE and d.reason == NOT_RETRIEVED]
    flow.dbr_notretrieved_reports = len(not_retrieved)
    flow.dbr_assessed = len(ft) - len(not_retrieved)
    ft_excluded = [d for d in ft.values() if d.decision == Decision.EXCLUDE and d.reason != NOT_RETRIEVED]
    flow.dbr_excluded = len(ft_excluded)
    flow.dbr_excluded_reasons = _reasons(ft_excluded, labels)
    _included(session, flow, since)
    return flow


def _included(session: Session, flow: PrismaFlow, since: datetime | None) -> None:
    """Studies (cohorts) and reports, new when the workbench created them at or after ``since``."""
    created: dict[tuple[str, str], datetime] = {}
    for e in session.execute(select(AuditEntry).where(AuditEntry.action == AuditAction.CREATE.value,
                                                      AuditEntry.entity.in_(("cohort", "report")))).scalars():
        created.setdefault((e.entity, e.entity_id), _aware(e.at))
    reports = list(session.execute(select(Report.report_id, Report.cohort_id)).all())
    studies = {cohort for _, cohort in reports}
    cohorts = set(session.execute(select(Cohort.cohort_id)).scalars()) & studies

    def new(entity: str, key: str) -> bool:
        at = created.get((entity, key))
        return at is not None and (since is None or at >= since)

    flow.new_reports = sum(new("report", r) for r, _ in reports)
    flow.new_studies = sum(new("cohort", c) for c in cohorts)
    flow.total_reports, flow.total_studies = len(reports), len(cohorts)
    flow.previous_reports = flow.total_reports - flow.new_reports
    flow.previous_studies = flow.total_studies - flow.new_studies


# --- renderings -------------------------------------------------------------------------------------

# The CSV template of the PRISMA2020 R package (1.1.4, inst/extdata/PRISMA.csv): data, node, box,
# description, boxtext, tooltips, url; ``n`` is filled from the flow (None: the template's own value).
TEMPLATE_COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")
_R = "Reason1, xxx; Reason2, xxx; Reason3, xxx]"
TEMPLATE = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies",
     "Grey title box; Previous studies", "prevstud.html"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review",
     "Studies included in previous version of review", "Studies included in previous version of review",
     "previous_studies.html"),
    ("previous_reports", "NA", "box1", "Reports of studies included in previous version of review",
     "Reports of studies included in previous version of review", "NA", "previous_reports.html"),
    ("NA", "node6", "newstud", "Yellow title box; Identification of new studies via databases and registers",
     "Identification of new studies via databases and registers",
     "Yellow title box; Identification of new studies via databases and registers", "newstud.html"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases",
     "Records identified from: Databases and Registers", "database_results.html"),
    ("database_specific_results", "NA", "box2", "Records identified from: specific databases",
     "Specific Databases", "NA", "database_results.html"),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers", "NA", "NA"),
    ("register_specific_results", "NA", "box2", "Records identified from: specific registers",
     "Specific Registers", "NA", "database_results.html"),
    ("NA", "node16", "othstud", "Grey title box; Identification of new studies via other methods",
     "Identification of new studies via other methods",
     "Grey title box; Identification of new studies via other methods", "othstud.html"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites",
     "Records identified from: Websites, Organisations and Citation Searching", "website_results.html"),
    ("organisation_results", "", "box11", "Records identified from: Organisations", "Organisations", "NA", "NA"),
    ("citations_results", "NA", "box11", "Records identified from: Citation searching", "Citation searching",
     "NA", "NA"),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records", "Duplicate records",
     "duplicates.html"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools",
     "Records marked as ineligible by automation tools", "NA", "NA"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons", "Records removed for other reasons",
     "NA", "NA"),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)", "Records screened",
     "Records screened (databases and registers)", "records_screened.html"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)", "Records excluded",
     "Records excluded (databases and registers)", "records_excluded.html"),
    ("dbr_sought_reports", "node11", "box6", "Reports sought for retrieval (databases and registers)",
     "Reports sought for retrieval", "Reports sought for retrieval (databases and registers)",
     "dbr_sought_reports.html"),
    ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved (databases and registers)",
     "Reports not retrieved", "Reports not retrieved (databases and registers)", "dbr_notretrieved_reports.html"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
     "Reports sought for retrieval", "Reports sought for retrieval (other)", "other_sought_reports.html"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)", "Reports not retrieved",
     "Reports not retrieved (other)", "other_notretrieved_reports.html"),
    ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility (databases and registers)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (databases and registers)",
     "dbr_assessed.html"),
    ("dbr_excluded", "node14", "box9",
     f"Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. {_R}",
     "Reports excluded", "Reports excluded (databases and registers)", "dbrexcludedrecords.html"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (other)", "other_assessed.html"),
    ("other_excluded", "node21", "box15",
     f"Reports excluded (other): [separate reasons and numbers using ; e.g. {_R}", "Reports excluded",
     "Reports excluded (other)", "other_excluded.html"),
    ("new_studies", "node15", "box10", "New studies included in review", "New studies included in review",
     "New studies included in review", "new_studies.html"),
    ("new_reports", "NA", "box10", "Reports of new included studies", "Reports of new included studies", "NA",
     "NA"),
    ("total_studies", "node22", "box16", "Total studies included in review", "Total studies included in review",
     "Total studies included in review", "total_studies.html"),
    ("total_reports", "NA", "box16", "Reports of total included studies", "Reports of total included studies",
     "NA", "NA"),
    ("identification", "node1", "identification", "Blue identification box", "Identification",
     "Blue identification box", "identification.html"),
    ("screening", "node2", "screening", "Blue screening box", "Screening", "Blue screening box",
     "screening.html"),
    ("included", "node3", "included", "Blue included box", "Included", "Blue included box", "included.html"),
    ("total_studies_ma", "node23", "box17", "Total studies included in meta-analysis",
     "Total studies included in meta-analysis", "Total studies included in meta-analysis",
     "total_studies_meta_analysis.html"),
    ("total_reports_ma", "NA", "box17", "Reports of total included studies in meta-analysis",
     "Reports of total included studies in meta-analysis", "NA", "NA"),
)


def _reason_text(reasons: list[tuple[str, int]]) -> str:
    """The template's "Reason1, n; Reason2, n"; "0" when none (the R package then reads a plain number).

    The R package splits on ";" and takes a reason up to its first ",": both are blanked out of labels.
    """
    if not reasons:
        return "0"
    return "; ".join(f"{label.replace(',', ' ').replace(';', ' ')}, {n}" for label, n in reasons)


def csv_values(flow: PrismaFlow) -> dict[str, str]:
    """The ``n`` of each template row this product counts; other-methods rows are 0 (not searched)."""
    values = {name: str(getattr(flow, name)) for name in (
        "previous_studies", "previous_reports", "database_results", "register_results", "duplicates",
        "excluded_automatic", "excluded_other", "records_screened", "records_excluded", "dbr_sought_reports",
        "dbr_notretrieved_reports", "dbr_assessed", "new_studies", "new_reports", "total_studies",
        "total_reports")}
    values.update({name: "0" for name in ("website_results", "organisation_results", "citations_results",
                                          "other_sought_reports", "other_notretrieved_reports",
                                          "other_assessed")})
    values["database_specific_results"] = _reason_text(flow.database_specific)
    values["register_specific_results"] = _reason_text(flow.register_specific)
    values["dbr_excluded"] = _reason_text(flow.dbr_excluded_reasons)
    values["other_excluded"] = "0"
    return values


def render_csv(flow: PrismaFlow) -> str:
    """The PRISMA2020 template with this flow's numbers in its ``n`` column.

    Reason labels are refused at entry when they begin like a formula; one
    stored before that rule still reaches a spreadsheet as text (neutralised).
    """
    values = csv_values(flow)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in TEMPLATE:
        writer.writerow([*row, neutralise(values.get(row[0], "0"))])
    return buf.getvalue()


def render_json(flow: PrismaFlow) -> str:
    payload = asdict(flow)
    payload["since"] = flow.since.isoformat() if flow.since else None
    for key in ("database_specific", "register_specific", "records_excluded_reasons", "dbr_excluded_reasons"):
        payload[key] = [{"label": label, "n": n} for label, n in payload[key]]
    return json.dumps(payload, indent=2, ensure_ascii=False)


# --- the diagram ------------------------------------------------------------------------------------

_W, _H = 1000, 900


def _box(x: int, y: int, w: int, h: int, lines: list[str], fill: str = "#ffffff") -> str:
    text = "".join(f'<tspan x="{x + 10}" dy="{0 if i == 0 else 16}">{escape(line)}</tspan>'
                   for i, line in enumerate(lines))
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{fill}" stroke="#333"/>'
            f'<text x="{x + 10}" y="{y + 20}" font-size="13" xml:space="preserve">{text}</text>')


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#333" marker-end="url(#a)"/>'


def _band(y: int, h: int, label: str) -> str:
    cx, cy = 22, y + h // 2
    return (f'<rect x="5" y="{y}" width="34" height="{h}" rx="4" fill="#a9c6e8" stroke="#333"/>'
            f'<text x="{cx}" y="{cy}" font-size="14" font-weight="bold" text-anchor="middle" '
            f'transform="rotate(-90 {cx} {cy})">{escape(label)}</text>')


def _reason_lines(title: str, n: int, reasons: list[tuple[str, int]], _) -> list[str]:
    """A box's title and count, then each reason (the team's labels: shown translated when the catalog has them)."""
    return [title.format(n=n)] + [_("  {reason} (n = {n})").format(reason=_(label), n=count)
                                  for label, count in reasons]


def _lines(text: str, **values) -> list[str]:
    """A box text, its lines as the catalog breaks them (each language its own breaks)."""
    return text.format(**values).split("\n")


def render_svg(flow: PrismaFlow, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The PRISMA 2020 flow diagram for updated reviews, as SVG text in ``lang`` (values escaped)."""
    _ = translator(lang)
    title = _("Identification of new studies via databases and registers")
    if flow.since:
        title = _("{title} since {date}").format(title=title, date=flow.since.strftime("%Y-%m-%d")
                                                 if lang == DEFAULT_LANGUAGE else format_moment(flow.since, lang,
                                                                                                time=False))
    prev_x, mid_x, mid_w, side_w = 50, 300, 330, 300
    side_x = mid_x + mid_w + 40
    previous = _lines(_("Studies included in previous\nversion of review (n = {studies})\n"
                        "Reports of studies included in\nprevious version of review\n(n = {reports})"),
                      studies=flow.previous_studies, reports=flow.previous_reports)
    prev_h = max(80, 16 * len(previous) + 16)
    reasons_h = 40 + 16 * max(len(flow.records_excluded_reasons), 1)
    ft_h = 40 + 16 * max(len(flow.dbr_excluded_reasons), 1)
    y_id, y_scr = 70, 250
    y_sought = y_scr + max(70, reasons_h) + 30
    y_ass = y_sought + 90
    y_inc = y_ass + max(70, ft_h) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{y_inc + 200}" '
        f'font-family="DejaVu Sans, Arial, sans-serif">',
        '<defs><marker id="a" markerWidth="10" markerHeight="7" refX="9" refY="3.5" orient="auto">'
        '<polygon points="0 0, 10 3.5, 0 7" fill="#333"/></marker></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        _box(prev_x, 10, 220, 40, [_("Previous studies")], "#d9d9d9"),
        _box(mid_x, 10, side_x + side_w - mid_x, 40, [title], "#ffe599"),
        _band(y_id, 150, _("Identification")),
        _box(prev_x, y_id, 220, prev_h, previous),
        _box(mid_x, y_id, mid_w, 120, [_("Records identified from:")]
             + [_("  Databases (n = {n})").format(n=flow.database_results)]
             + [f"    {label} (n = {n})" for label, n in flow.database_specific]
             + [_("  Registers (n = {n})").format(n=flow.register_results)]
             + [f"    {label} (n = {n})" for label, n in flow.register_specific]),
        _box(side_x, y_id, side_w, 120, _lines(_("Records removed before screening:\n"
                                              "  Duplicate records (n = {duplicates})\n"
                                              "  Records marked as ineligible by\n"
                                              "  automation tools (n = {automatic})\n"
                                              "  Records removed for other\n"
                                              "  reasons (n = {other})"), duplicates=flow.duplicates,
                                            automatic=flow.excluded_automatic, other=flow.excluded_other)),
        _arrow(mid_x + mid_w, y_id + 60, side_x, y_id + 60),
        _band(y_scr, y_inc - y_scr - 20, _("Screening")),
        _arrow(mid_x + mid_w // 2, y_id + 120, mid_x + mid_w // 2, y_scr),
        _box(mid_x, y_scr, mid_w, 70,
             _lines(_("Records screened (n = {screened})\nAwaiting screening (n = {awaiting})"),
                    screened=flow.records_screened, awaiting=flow.records_awaiting)),
        _box(side_x, y_scr, side_w, max(70, reasons_h),
             _reason_lines(_("Records excluded (n = {n})"), flow.records_excluded, flow.records_excluded_reasons, _)),
        _arrow(mid_x + mid_w, y_scr + 35, side_x, y_scr + 35),
        _arrow(mid_x + mid_w // 2, y_scr + 70, mid_x + mid_w // 2, y_sought),
        _box(mid_x, y_sought, mid_w, 60, _lines(_("Reports sought for retrieval\n(n = {n})"),
                                              n=flow.dbr_sought_reports)),
        _box(side_x, y_sought, side_w, 60, _lines(_("Reports not retrieved\n(n = {n})"),
                                               n=flow.dbr_notretrieved_reports)),
        _arrow(mid_x + mid_w, y_sought + 30, side_x, y_sought + 30),
        _arrow(mid_x + mid_w // 2, y_sought + 60, mid_x + mid_w // 2, y_ass),
        _box(mid_x, y_ass, mid_w, 60, _lines(_("Reports assessed for eligibility\n(n = {n})"), n=flow.dbr_assessed)),
        _box(side_x, y_ass, side_w, max(70, ft_h), _reason_lines(_("Reports excluded (n = {n})"), flow.dbr_excluded,
                                                               flow.dbr_excluded_reasons, _)),
        _arrow(mid_x + mid_w, y_ass + 30, side_x, y_ass + 30),
        _band(y_inc, 170, _(NP_("PRISMA stage", "Included"))),
        _arrow(mid_x + mid_w // 2, y_ass + 60, mid_x + mid_w // 2, y_inc),
        _box(mid_x, y_inc, mid_w, 60, _lines(_("New studies included in review (n = {studies})\n"
                                             "Reports of new included studies (n = {reports})"),
                                           studies=flow.new_studies, reports=flow.new_reports)),
        _arrow(mid_x + mid_w // 2, y_inc + 60, mid_x + mid_w // 2, y_inc + 100),
        f'<line x1="{prev_x + 110}" y1="{y_id + prev_h}" x2="{prev_x + 110}" y2="{y_inc + 130}" stroke="#333"/>',
        _arrow(prev_x + 110, y_inc + 130, mid_x, y_inc + 130),
        _box(mid_x, y_inc + 100, mid_w, 60, _lines(_("Total studies included in review (n = {studies})\n"
                                                   "Reports of total included studies (n = {reports})"),
                                                 studies=flow.total_studies, reports=flow.total_reports)),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def render_png(flow: PrismaFlow, scale: float = 2.0, lang: str | None = DEFAULT_LANGUAGE) -> bytes:
    """The SVG diagram as PNG (vl-convert, already a dependency for chart exports)."""
    import vl_convert

    return vl_convert.svg_to_png(render_svg(flow, lang), scale=scale)


__all__ = ["NOT_RETRIEVED", "PrismaFlow", "TEMPLATE", "csv_values", "prisma_flow", "render_csv", "render_json",
           "render_png", "render_svg"]
