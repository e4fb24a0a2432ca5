"""Sub-command groups shared by several command modules (`evidence harvest …`, `evidence import …`).

The PubMed and ClinicalTrials.gov modules both add to ``harvest`` and
``import``.  Each asks for the group by name; the first request creates it
with its help from :data:`GROUP_HELP`, later ones reuse it (Typer would
otherwise register two groups under one name and hide one of them).
"""

from __future__ import annotations

import typer

#: Every shared group and its help line: the one place that spells them.
GROUP_HELP: dict[str, str] = {
    "harvest": "Fetch new and changed records from the registries (PubMed, ClinicalTrials.gov).",
    "import": "Load saved registry files (the offline path).",
}


def get_or_create_group(app: typer.Typer, name: str, help: str | None = None) -> typer.Typer:
    """The Typer group registered under ``name`` on ``app``; created and added if absent."""
    for info in app.registered_groups:
        if info.name == name and isinstance(info.typer_instance, typer.Typer):
            return info.typer_instance
    help = help or GROUP_HELP.get(name)
    group = typer.Typer(name=name, help=help, no_args_is_help=True, rich_markup_mode=None)  # as evidence.cli
    app.add_typer(group, name=name, help=help)
    return group


def group(app: typer.Typer, name: str) -> typer.Typer:
    """The shared group ``name`` (a key of :data:`GROUP_HELP`) on ``app``."""
    return get_or_create_group(app, name, GROUP_HELP[name])
