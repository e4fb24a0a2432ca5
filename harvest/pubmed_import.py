"""`evidence import pubmed`: saved files (XML or MEDLINE, plain or gzipped), read whole, then written in batches.

A file is read a block at a time, parsed and classified in full before
anything is written (the prepared batches wait in an anonymous temporary
file, so memory stays flat whatever its size): a file that turns out
truncated or garbled half-way writes nothing (files before it are kept).
Then it is written a batch at a time, each batch one transaction with the
run's counters and cursor, through the batch writer the harvest uses
(:func:`harvest.pubmed_store.save_batch`), so on SQLite other writers (reviewers'
clicks) get the write lock between batches instead of waiting for the whole
file. An import killed while writing leaves whole batches; running it again
upserts the same PMIDs, so nothing is doubled. Every record goes through the
same upsert as a harvest, and :func:`import_files` records the import as its
own run, as :func:`harvest.ctgov.import_files` does.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import pickle
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from sqlalchemy import Engine

from harvest.pubmed_parse import (
    GZIP_MAGIC,
    ParsedBatch,
    PubmedParseError,
    iter_medline_lines,
    iter_xml_stream,
    sniff_format,
)
from evidence.vocab import RowOrigin, RunSource
from harvest.pubmed_store import PreparedBatch, gc_paused, prepare, save_batch
from harvest.runs import RunCounts, harvest_run

log = logging.getLogger(__name__)

#: Records parsed, and written in one transaction, at a time; as many as an efetch batch of the harvest.
CHUNK = 200


class SpoolError(RuntimeError):
    """The temporary file that holds a parsed file until it is written could not be written (a full disk).

    Not an OSError: the database's disk is not the one that is full, and nothing of the file was written.
    """


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
    """Load saved files as one run, each read whole then written in batches; ``on_file`` hears of each one loaded.

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


def import_file(engine: Engine, path: Path, run_id: int, chunk: int | None = None) -> RunCounts:
    """Load one saved file into run ``run_id``: parse it all, then write it ``chunk`` records a transaction.

    Raises PubmedParseError (naming the file, and the line where it can) and
    writes nothing if the file is bad.
    """
    with _spool_file(path) as spool:
        parts, distinct = _read_whole(path, spool, chunk or CHUNK)
        _rewind(path, spool)
        total = RunCounts()
        for i in range(parts):
            batch: PreparedBatch = pickle.load(spool)
            cursor = json.dumps({"file": str(path), "chunk": i, "of": parts})
            total.add(save_batch(engine, batch, RowOrigin.IMPORT.value, run_id, cursor))
    _warn_about(path, total, distinct)
    return total


def _read_whole(path: Path, spool: BinaryIO, chunk: int) -> tuple[int, int]:
    """Parse and classify the whole file into ``spool`` (pickled batches): (batches, distinct PMIDs)."""
    parts, seen = 0, set()
    try:
        with _open(path) as stream, gc_paused():
            for batch in batches(stream, chunk):
                seen.update(r.pmid for r in batch.records)
                problem = _spool(prepare(batch), spool)
                if problem:  # raised here, not from the OSError: that one would read as the database's disk
                    raise _spool_error(path, problem)
                parts += 1
    except PubmedParseError as exc:
        raise PubmedParseError(f"{path}{' (gzip)' if _is_gzip(path) else ''}: {exc}") from None
    except (OSError, EOFError) as exc:  # unreadable file, corrupt or truncated gzip
        what = "gzip file" if _is_gzip(path) else "file"
        raise PubmedParseError(f"{path}: the {what} cannot be read ({exc})") from None
    return parts, len(seen)


def _spool_error(path: Path, problem: str) -> SpoolError:
    return SpoolError(f"the temporary copy of {path} cannot be written ({problem}; TMPDIR sets where it goes); "
                      "nothing of it was imported")


@contextmanager
def _spool_file(path: Path) -> Iterator[BinaryIO]:
    """The temporary file the parsed batches wait in; a temp directory that refuses it is said as such."""
    try:
        spool = tempfile.TemporaryFile(prefix="evidence-import-")
    except OSError as exc:
        raise _spool_error(path, exc.strerror or str(exc)) from None
    with spool:
        yield spool


def _rewind(path: Path, spool: BinaryIO) -> None:
    """Flush the last batch to the temporary file (where a full temp disk shows) and go back to its start."""
    try:
        spool.flush()
        spool.seek(0)
    except OSError as exc:
        raise _spool_error(path, exc.strerror or str(exc)) from None


def _spool(batch: PreparedBatch, spool: BinaryIO) -> str | None:
    """Append a prepared batch to the temporary file; the reason when it cannot be written."""
    try:
        pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


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
