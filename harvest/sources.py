"""The registries `evidence update` knows, as `update.Source` adapters over each harvester."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import Engine

from evidence.settings import Settings
from evidence.vocab import RunSource
from harvest.update import Source, Window


def _pubmed_plan(engine: Engine, settings: Settings, window: Window) -> list[str]:
    from harvest.pubmed import plan_dates, read_query

    term = read_query(settings.pubmed_query_file)
    mode, start = plan_dates(engine, term, window.since, window.full)
    dates = "all dates" if start is None else f"entered or modified (edat, mdat) since {start}"
    return [f"esearch.fcgi usehistory=y ({mode}; {dates}) at {settings.eutils_url}",
            "efetch.fcgi from the History server in batches of 200 (split into date windows past 9,999 hits)",
            f"query: {term}"]


def _pubmed_run(engine: Engine, settings: Settings, window: Window) -> int:
    from harvest.pubmed import harvest, read_query

    term = read_query(settings.pubmed_query_file)
    return harvest(engine, settings, term, since=window.since, full=window.full,
                   query_source=settings.pubmed_query_file).run_id


def _ctgov_plan(engine: Engine, settings: Settings, window: Window) -> list[str]:
    from harvest.ctgov import incremental_start, load_strategy, search_params, studies_url

    strategy = load_strategy(Path(settings.ctgov_strategy_file))
    since = None if window.full else (window.since or incremental_start(engine, strategy))
    params = search_params(strategy, since)
    return [f"GET {studies_url(settings)}?{urlencode(params)} and its next pages "
            f"({'all studies' if since is None else f'updated since {since}'})"]


def _ctgov_run(engine: Engine, settings: Settings, window: Window) -> int:
    from harvest.ctgov import harvest, load_strategy

    strategy = load_strategy(Path(settings.ctgov_strategy_file))
    return harvest(engine, settings, strategy, since=window.since, full=window.full).run_id


SOURCES: dict[str, Source] = {
    RunSource.PUBMED.value: Source(RunSource.PUBMED.value, lambda s: s.eutils_url, _pubmed_plan, _pubmed_run),
    RunSource.CTGOV.value: Source(RunSource.CTGOV.value, lambda s: s.ctgov_url, _ctgov_plan, _ctgov_run),
}
