"""``evidence pool``: pool single proportions from a CSV file.

The contract reviewers script against: ``evidence pool FILE.csv`` reads
columns ``study,events,total`` (other columns allowed), pools them with the
analysis engine and prints a readable table, or one JSON object with
``--json``.  Bad input exits with status 2 and a message naming the line
(the physical line of the file, counting blank lines and the lines inside
quoted fields); nothing is pooled from a file with a bad row. ``--lang it``
writes the table's words and numbers in Italian (decimal comma); English is
written as it always was, and JSON keeps its keys and plain numbers.

The analysis package (NumPy, SciPy) is imported when the command runs.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from evidence.commands.support import EXIT_FAILED, EXIT_USAGE, settings_of
from evidence.commands.selection_options import (
    AllReports,
    Ci,
    Constructs,
    Diseases,
    IncludeMixed,
    Kinds,
    Lang,
    Model,
    Populations,
    Targets,
    Tau2,
    Transform,
    build_selection,
    check_language,
)
from evidence.i18n import DEFAULT_LANGUAGE, format_number, format_significant, translator
from evidence.vocab import CiMethod, PoolModel, PoolTransform, Tau2Method

if TYPE_CHECKING:
    from analysis import PoolResult, SubgroupResult

log = logging.getLogger(__name__)

REQUIRED = ("study", "events", "total")
#: Largest count, and largest sum of totals, pooled: every whole number up to
#: 2**53 is exact in a float; beyond it counts and sums are silently rounded.
MAX_COUNT = 2**53


class InputError(Exception):
    """A problem with the CSV that the user must fix (exit status 2)."""


def register(app: typer.Typer) -> None:
    """Add `pool`."""
    app.command("pool", help="Meta-analysis of single proportions: from a CSV (study,events,total), or of an "
                             "outcome from the evidence store (--outcome).")(pool)




def pool(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="CSV with columns study,events,total (others allowed). "
                                                     "Omit with --outcome.")] = None,
    outcome: Annotated[str | None, typer.Option(help="Pool this outcome code from the evidence store, exactly "
                                                      "as the Meta-analysis page does.")] = None,
    disease: Diseases = None,
    target: Targets = None,
    construct: Constructs = None,
    population: Populations = None,
    kind: Kinds = None,
    all_reports: AllReports = False,
    include_mixed: IncludeMixed = False,
    model: Model = PoolModel.GLMM,
    transform: Transform = PoolTransform.LOGIT,
    tau2: Tau2 = Tau2Method.REML,
    ci: Ci = CiMethod.Z,
    level: Annotated[float, typer.Option(help="Confidence level.")] = 0.95,
    by: Annotated[str | None, typer.Option(help="Subgroups: a CSV column, or with --outcome one of "
                                                "subgroup, target, construct, population, kind.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lang: Lang = DEFAULT_LANGUAGE,
) -> None:
    """Pool the proportions in FILE, or an outcome from the store, and print the result."""
    try:
        check_language(lang)
        if not 0 < level < 1:
            raise InputError(f"--level must be between 0 and 1, got {level}")
        if (file is None) == (outcome is None):
            raise InputError("give either a CSV file or --outcome CODE (not both)")
        if file is None:
            sel = build_selection(outcome, disease, target, construct, population, kind, all_reports,
                                  include_mixed, (model.value, transform.value, tau2.value, ci.value, level), by)
            _pool_store(ctx, sel, json_out, lang)
            return
        rows = read_counts(file, by)
        result = _pool(rows, by, model=model.value, transform=transform.value,
                       tau2_method=tau2.value, ci=ci.value, level=level)
    except (InputError, ValueError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=EXIT_USAGE) from None
    except ArithmeticError as exc:  # e.g. no root bracketed for tau^2 on extreme counts
        typer.echo(f"Error: the pooling did not converge on these counts ({exc})", err=True)
        raise typer.Exit(code=EXIT_FAILED) from None
    if json_out:
        typer.echo(json.dumps(result.to_dict(), allow_nan=False))
    else:
        typer.echo(format_result(result, lang))






def _pool_store(ctx: typer.Context, sel: Any, json_out: bool, lang: str = DEFAULT_LANGUAGE) -> None:
    """Pool an outcome from the store: the library's analysis, the same numbers as the app."""
    from sqlmodel import Session

    from evidence.commands.support import store_with_schema
    from evidence.outcome_analysis import analyse_outcome, to_json

    with Session(store_with_schema(settings_of(ctx), readonly=True)) as session:
        a = analyse_outcome(session, sel)
    if json_out:
        payload = to_json(a, lang)
        if a.result is not None:
            payload["result"] = a.result.to_dict()
        typer.echo(json.dumps(payload, allow_nan=False, default=str))
    else:
        typer.echo(format_analysis(a, lang))


def format_analysis(a: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Plain text of a store analysis in ``lang``: the pooled table, then what was left out and why."""
    from evidence.analysis_set import reason_text

    _, names = translator(lang), a.study_labels(lang)
    lines = [_("Outcome: {outcome}; one report per cohort: {answer}").format(
        outcome=a.selection.outcome, answer=_("yes") if a.selection.cohort_aware else _("NO"))]
    if a.result is None:
        lines.append(_("Nothing to pool for this selection."))
    elif a.subgroups is not None:
        for code, sub in a.subgroups.subgroups.items():
            lines += [_("== Subgroup: {name} ==").format(name=_(a.subgroups.labels.get(code, code))),
                      *_pooled_lines(sub, lang, names), ""]
        lines += [_("== Overall =="), *_pooled_lines(a.result, lang, names),
                  _between(a.subgroups.q, a.subgroups.df, a.subgroups.p, lang)]
    else:
        lines += _pooled_lines(a.result, lang, names)
    excluded = [r for r in a.records if not r.included]
    if excluded:
        lines += ["", _("Left out ({n}):").format(n=len(excluded))]
        lines += [f"  {r.label_in(lang)} [{r.report_id}]: {reason_text(r.why, lang)}" for r in excluded]
    return "\n".join(lines)


def _pool(rows: list[dict[str, Any]], by: str | None, **kw: Any) -> PoolResult | SubgroupResult:
    from analysis import pool_by_subgroup, pool_proportions

    events = [r["events"] for r in rows]
    totals = [r["total"] for r in rows]
    labels = [r["study"] for r in rows]
    if by is None:
        return pool_proportions(events, totals, labels=labels, **kw)
    return pool_by_subgroup(events, totals, [r["group"] for r in rows], labels=labels, **kw)


def _count(value: str | None, column: str, where: str) -> int:
    """A whole, non-negative count, read exactly (no float rounding of long numbers)."""
    text = (value or "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InputError(f"{where}: {column} {text!r} is not a number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise InputError(f"{where}: {column} {text!r} is not a whole number")
    if number < 0:
        raise InputError(f"{where}: {column} {text!r} is negative")
    if number > MAX_COUNT:
        raise InputError(f"{where}: {column} {text!r} is too large to pool exactly (more than 2^53)")
    return int(number)


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 text (byte {data[exc.start]:#04x})") from None


def _records(path: Path, text: str):
    """(first line, fields) of every non-blank CSV record; a malformed record is an InputError."""
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    while True:
        first = end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{path}: line {first}: {exc} (is this a counts CSV?)") from None
        end = reader.line_num
        if any(f.strip() for f in fields):
            yield first, fields


def read_counts(path: Path, by: str | None = None) -> list[dict[str, Any]]:
    """Read and check ``study,events,total`` rows (plus the ``--by`` column).

    Raises
    ------
    InputError
        Unreadable or empty file, missing or repeated column, repeated
        study, or a bad row; the message names the line (the header is
        line 1 when it comes first).
    """
    text = _decode(path)
    if not text.strip():
        raise InputError(f"{path} is empty")
    records = _records(path, text)
    header_line, header = next(records, (1, []))
    header = [h.strip() for h in header]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise InputError(f"{path}: line {header_line}: column(s) {', '.join(repeated)} appear more than "
                         "once in the header; which one to pool is ambiguous")
    needed = REQUIRED + ((by,) if by else ())
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(header)}")
    rows, seen, sum_totals = [], {}, 0
    for line, fields in records:
        if any(f.strip() for f in fields[len(header):]):
            raise InputError(f"{path}: line {line}: {len(fields)} fields but the header has {len(header)}")
        row = _parse_row(dict(zip(header, fields)), line, by)
        if row["study"] in seen:
            raise InputError(f"{path}: line {line}: study {row['study']!r} already on line "
                             f"{seen[row['study']]}; give each study one row")
        seen[row["study"]] = line
        rows.append(row)
        sum_totals += row["total"]
        if sum_totals > MAX_COUNT:
            raise InputError(f"{path}: line {line}: the totals up to this row add up to more than 2^53, "
                             "too many to pool exactly")
    if not rows:
        raise InputError(f"{path} has a header but no data rows")
    return rows


def _parse_row(raw: dict[str, Any], line: int, by: str | None) -> dict[str, Any]:
    study = (raw.get("study") or "").strip() or f"line {line}"
    where = f"line {line} (study {study!r})"
    events = _count(raw.get("events"), "events", where)
    total = _count(raw.get("total"), "total", where)
    if total == 0:
        raise InputError(f"{where}: total is 0")
    if events > total:
        raise InputError(f"{where}: events ({events}) > total ({total})")
    row: dict[str, Any] = {"study": study, "events": events, "total": total}
    if by:
        group = (raw.get(by) or "").strip()
        if not group:
            log.warning("%s: empty %s, grouped as '(missing)'", where, by)
        row["group"] = group or "(missing)"
    return row


def _fixed(value: float, digits: int, lang: str) -> str:
    """``value`` with ``digits`` decimals: in English as the table always wrote it, else per ``lang`` (0,25)."""
    return f"{value:.{digits}f}" if lang == DEFAULT_LANGUAGE else format_number(value, lang, digits)


def _sig(value: float, digits: int, lang: str) -> str:
    """``value`` to ``digits`` significant digits: in English as ``%g`` writes it, else per ``lang``."""
    return f"{value:.{digits}g}" if lang == DEFAULT_LANGUAGE else format_significant(value, lang, digits)


def _pct(value: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    return "  -  " if value is None or not math.isfinite(value) else f"{_fixed(100 * value, 1, lang):>5}"


def _interval(low: float | None, high: float | None, lang: str) -> str:
    _ = translator(lang)
    return _("[{low}, {high}]").format(low=_pct(low, lang), high=_pct(high, lang))


def _between(q: float, df: int, p: float, lang: str) -> str:
    _ = translator(lang)
    return _("Test for subgroup differences: Q = {q}, df = {df}, p = {p}").format(
        q=_fixed(q, 2, lang), df=df, p=_sig(p, 3, lang))


def _notes(res: Any, lang: str) -> list[str]:
    """The engine's notes: as it wrote them in English, the library's reading of them in another language."""
    _ = translator(lang)
    if lang == DEFAULT_LANGUAGE:  # a plain CSV pooling loads neither pandas nor the store
        return [_("Note: {note}").format(note=note) for note in res.notes]
    from evidence.outcome_analysis import engine_notes

    return [_("Note: {note}").format(note=note) for note in engine_notes(res, lang)]


def _method(res: PoolResult, lang: str) -> str:
    """The engine's label in English (what scripts have read), the library's whole label in another language."""
    if lang == DEFAULT_LANGUAGE:
        return res.method_label
    from evidence.methods import method_label

    return method_label(res, lang)


def _pooled_lines(res: PoolResult, lang: str = DEFAULT_LANGUAGE, names: dict[str, str] | None = None) -> list[str]:
    """The table of one pooled result; ``names`` gives a study's label in ``lang`` (the store's mixed cohorts)."""
    _, names = translator(lang), names or {}
    lines = [_("Method: {method}").format(method=_method(res, lang))]
    if res.fallback:
        lines.append(_("Fallback: {fallback}").format(fallback=_(res.fallback)))
    study, events, total, weights = _("Study"), _("Events"), _("Total"), _("Weight")
    ci = _("{level}% CI").format(level=_sig(100 * res.level, 6, lang))
    header = f"{study:<28} {events:>6} {total:>6} {'%':>6} {ci:>15} {weights:>7}"
    lines += [header, "-" * len(header)]
    for s in res.studies:
        weight = "" if s.weight is None else f"{_fixed(s.weight, 1, lang):>6}%"
        lines.append(f"{names.get(s.label, s.label)[:28]:<28} {s.events:>6} {s.total:>6} {_pct(s.proportion, lang):>6} "
                     f"{_interval(s.ci_low, s.ci_high, lang)} {weight:>7}")
    lines.append("-" * len(header))
    pooled = _("Pooled (k={k})").format(k=res.k)
    lines.append(f"{pooled:<42} {_pct(res.estimate, lang):>6} {_interval(res.ci_low, res.ci_high, lang)}")
    if res.pi_low is not None:
        df = _("normal") if res.pi_df is None else _("t, df={df}").format(df=res.pi_df)
        interval = _("Prediction interval ({distribution})").format(distribution=df)
        lines.append(f"{interval:<49} {_interval(res.pi_low, res.pi_high, lang)}")
    if res.tau2 is not None:
        measures = [f"tau2 = {_sig(res.tau2, 4, lang)}"]
        if res.i2 is not None:
            measures.append(_("I2 = {i2}% (tau2-based), {i2_q}% (Q-based)").format(
                i2=_fixed(res.i2, 1, lang), i2_q=_fixed(res.i2_q, 1, lang)))
        if res.q is not None:
            measures.append(_("Q = {q} (df = {df}, p = {p})").format(q=_fixed(res.q, 2, lang), df=res.q_df,
                                                                     p=_sig(res.q_p, 3, lang)))
        lines.append(_("Heterogeneity: {measures}").format(measures="; ".join(measures)))
    return lines + _notes(res, lang)


def format_result(result: PoolResult | SubgroupResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """Readable plain-text table of a pooled or subgrouped result, in ``lang``."""
    from analysis import PoolResult

    if isinstance(result, PoolResult):
        return "\n".join(_pooled_lines(result, lang))
    _ = translator(lang)
    parts = []
    for name, sub in result.subgroups.items():
        parts.append(_("== Subgroup: {name} ==").format(name=name))
        parts += _pooled_lines(sub, lang) + [""]
    parts.append(_("== Overall =="))
    parts += _pooled_lines(result.overall, lang)
    tb = result.test_between
    parts.append(_between(tb.q, tb.df, tb.p, lang))
    parts += _notes(result, lang)
    return "\n".join(parts)
