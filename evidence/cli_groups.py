"""Command groups shared by plugins: `evidence harvest …`, `evidence import …`.

Several modules register subcommands under the same group (the PubMed and
ClinicalTrials.gov clients both add `harvest X` and `import X`). Whichever
plugin loads first creates the group; the others add to it, so the result
does not depend on the order entry points are loaded in.
"""

from __future__ import annotations

import typer


def get_or_create_group(app: typer.Typer, name: str, help: str) -> typer.Typer:
    """The sub-app registered on ``app`` as ``name``; created (with ``help``) if there is none yet."""
    for info in app.registered_groups:
        if info.name == name and isinstance(info.typer_instance, typer.Typer):
            return info.typer_instance
    group = typer.Typer(help=help, no_args_is_help=True, add_completion=False)
    app.add_typer(group, name=name, help=help)
    return group
