"""`evidence import pubmed`: saved files (XML or MEDLINE, plain or gzipped), each streamed in one transaction.

A file is read a block at a time and written in batches, so memory stays
flat whatever its size; the whole file is one transaction, so a file that
turns out truncated or garbled half-way leaves the store as it was (files
before it are kept). Every record goes through the same upsert as a harvest,
and :func:`import_files` records the import as its own run, as
:func:`harvest.ctgov.import_files` does.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from sqlalchemy import Engine
from sqlmodel import Session

from harvest.pubmed_parse import (
    GZIP_MAGIC,
    ParsedBatch,
    PubmedParseError,
    iter_medline_lines,
    iter_xml_stream,
    sniff_format,
)
from evidence.vocab import RowOrigin, RunSource
from harvest.pubmed_store import gc_paused, prepare, store_batch
from harvest.runs import RunCounts, harvest_run, record_batch

log = logging.getLogger(__name__)

CHUNK = 500


def _open(path: Path) -> BinaryIO:
    """The file's bytes, decompressed on the fly when it is gzipped (PubMed's baseline files are)."""
    if _is_gzip(path):
        return gzip.open(path, "rb")
    return open(path, "rb")  # noqa: SIM115 (closed by the caller)


def _medline_batches(stream: BinaryIO, chunk: int) -> Iterator[ParsedBatch]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig")
    batch = ParsedBatch()
    try:
        for record in iter_medline_lines(text):
            batch.records.append(record)
            if len(batch.records) >= chunk:
                yield batch
                batch = ParsedBatch()
    except UnicodeDecodeError as exc:
        raise PubmedParseError(f"MEDLINE file is not UTF-8 text ({exc})") from None
    yield batch


def batches(stream: BinaryIO, chunk: int = CHUNK) -> Iterator[ParsedBatch]:
    """Parsed batches of a saved PubMed stream, XML or MEDLINE (sniffed from its first bytes)."""
    head = stream.read(512)
    stream.seek(0)
    if sniff_format(head) == "xml":
        return iter_xml_stream(stream, chunk)
    return _medline_batches(stream, chunk)


@dataclass
class ImportResult:
    """One import run: its id, what all files did, and what each did."""

    run_id: int
    counts: RunCounts = field(default_factory=RunCounts)
    files: dict[str, RunCounts] = field(default_factory=dict)


def import_files(engine: Engine, paths: list[Path],
                 on_file: Callable[[str, RunCounts], None] | None = None) -> ImportResult:
    """Load saved files as one run; each file is one transaction, and ``on_file`` hears of each one loaded.

    A bad file raises PubmedParseError naming it: it writes nothing, the run
    is marked failed, and the files before it stay imported.
    """
    with harvest_run(engine, RunSource.IMPORT_PUBMED.value, {"files": [str(p) for p in paths]}) as run_id:
        result = ImportResult(run_id)
        for path in paths:
            counts = import_file(engine, Path(path), run_id)
            result.files[str(path)] = counts
            result.counts.add(counts)
            log.info("imported %s: %s", path, counts)
            if on_file is not None:
                on_file(str(path), counts)
    return result


def import_file(engine: Engine, path: Path, run_id: int, chunk: int = CHUNK) -> RunCounts:
    """Load one saved file into run ``run_id``; raise PubmedParseError (naming the file) and write nothing if it
    is bad."""
    total, seen = RunCounts(), set()
    try:
        stream = _open(path)
        with stream, gc_paused(), Session(engine) as session, session.begin():
            for i, batch in enumerate(batches(stream, chunk)):
                seen.update(r.pmid for r in batch.records)
                counts = store_batch(session, prepare(batch), RowOrigin.IMPORT.value)
                record_batch(session, run_id, counts, json.dumps({"file": str(path), "chunk": i}))
                total.add(counts)
    except PubmedParseError as exc:
        raise PubmedParseError(f"{path}{' (gzip)' if _is_gzip(path) else ''}: {exc}") from None
    except (OSError, EOFError) as exc:  # unreadable file, corrupt or truncated gzip
        what = "gzip file" if _is_gzip(path) else "file"
        raise PubmedParseError(f"{path}: the {what} cannot be read ({exc})") from None
    _warn_about(path, total, len(seen))
    return total


def _is_gzip(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == GZIP_MAGIC
    except OSError:
        return False


def _warn_about(path: Path, counts: RunCounts, distinct: int) -> None:
    if counts.fetched == 0 and counts.deleted == 0:
        log.warning("%s holds no PubMed record (an empty efetch reply?): nothing imported", path)
    if distinct < counts.fetched:
        log.warning("%s repeats PMIDs: its %d records are %d distinct PMIDs (the best copy of each is kept; "
                    "%d repeats counted under 'repeated' or 'unchanged')", path, counts.fetched, distinct,
                    counts.fetched - distinct)
    if counts.kept_newer:
        log.warning("%s: %d record(s) older than (or poorer than) the stored copy were not imported; "
                    "the stored copies were kept", path, counts.kept_newer)
