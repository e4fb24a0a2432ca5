"""Sub-command groups shared by several plugins (`evidence harvest …`, `evidence import …`).

Each harvester registers its commands from its own module through the
``evidence.commands`` entry points, in an order nobody controls. The first
one to need a group creates it; the others must find and reuse it, otherwise
Typer would register two groups under one name and hide one of them.
"""

from __future__ import annotations

import typer


def get_or_create_group(app: typer.Typer, name: str, help: str) -> typer.Typer:
    """The Typer group registered under ``name`` on ``app``; created and added if absent."""
    for info in app.registered_groups:
        if info.name == name and isinstance(info.typer_instance, typer.Typer):
            return info.typer_instance
    group = typer.Typer(name=name, help=help, no_args_is_help=True)
    app.add_typer(group, name=name, help=help)
    return group
