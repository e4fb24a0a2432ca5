"""Round trip of the workbench's work through the curated files of ``data/``.

Workbench rows live in the curated tables, so ``evidence export-data``
writes them back and ``evidence init`` loads them identically. The danger is
the other way: ``init`` replaces those tables from ``data/`` whenever the
files change (a pull), which would drop work not exported yet. These
functions say what would be lost; ``evidence.store.initialise`` refuses such
a reload.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session

from evidence.curated import export_curated
from evidence.curated_format import COHORTS, OUTCOMES, REPORTS, FileSpec
from evidence.models import AuditEntry


def _rows(path: Path, spec: FileSpec) -> dict[tuple[str, ...], tuple[str, ...]]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        index = [header.index(k) for k in spec.key if k in header]
        return {tuple(r[i] for i in index): tuple(r) for r in reader}


def unexported_changes(engine: Engine, data_dir: Path) -> dict[str, list[str]]:
    """Cohorts, reports and numbers whose stored rows ``data_dir`` lacks or holds otherwise (either way)."""
    out: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        export_curated(engine, Path(tmp))
        for spec in (COHORTS, REPORTS, OUTCOMES):
            stored, shipped = _rows(Path(tmp) / spec.filename, spec), _rows(data_dir / spec.filename, spec)
            changed = sorted("|".join(k) for k in set(stored) | set(shipped) if stored.get(k) != shipped.get(k))
            if changed:
                out[spec.filename] = changed
    return out


def unexported_work(engine: Engine, data_dir: Path) -> dict[str, list[str]]:
    """The workbench's changes that ``data_dir`` does not hold: what a reload from it would undo.

    ``evidence init`` replaces these tables from the curated files when they
    change; rows the workbench never touched may differ freely (that is the
    update), rows it touched must be exported (``evidence export-data``) first.
    """
    entities = {COHORTS.filename: "cohort", REPORTS.filename: "report", OUTCOMES.filename: "outcome"}
    with Session(engine) as session:
        touched = set(session.execute(select(AuditEntry.entity, AuditEntry.entity_id)
                                      .where(AuditEntry.entity.in_(entities.values()))).all())
    if not touched:
        return {}
    out = {}
    for name, keys in unexported_changes(engine, data_dir).items():
        mine = [k for k in keys if (entities[name], k) in touched]
        if mine:
            out[name] = mine
    return out


__all__ = ["unexported_changes", "unexported_work"]
