"""The `evidence` commands, registered explicitly in one table.

Each entry of :data:`COMMAND_MODULES` is a module with a ``register(app)``
function that adds its commands (and, through
:func:`evidence.commands.groups.group`, its sub-commands of ``harvest`` and
``import``).  The order of the table is the order of ``evidence --help``.

Command modules stay cheap to import: only the standard library, Typer and
:mod:`evidence.commands.support` at module level; the database, HTTP and
statistics libraries are imported inside the command functions, when the
command runs.  ``evidence --help`` therefore loads none of them.

To add a command: write ``evidence/commands/NAME.py`` (or a client
package's ``*_cli.py``) with the command functions and ``register(app)``,
and add the module's name below.  Outside packages add commands without
editing this table through the ``evidence.plugins`` entry-point group, as
datasette plugins do (see :func:`register_plugins`).
"""

from __future__ import annotations

import importlib
import logging

import typer

log = logging.getLogger(__name__)

#: Modules whose ``register(app)`` adds the built-in commands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "evidence.commands.store",        # init, info, export-data
    "evidence.commands.pool",         # pool
    "evidence.commands.export",       # export
    "harvest.pubmed_cli",             # harvest pubmed, import pubmed
    "harvest.ctgov_cli",              # harvest ctgov, import ctgov
    "harvest.update_cli",             # update
    "evidence.commands.whats_new",    # whats-new
    "evidence.commands.db",           # db copy, backup, restore
    "evidence.commands.prisma",       # prisma
    "evidence.commands.workbench",    # workbench ...
    "evidence.commands.users",        # users add, set-role, list
)

#: Entry-point group through which other distributions add commands.
PLUGIN_GROUP = "evidence.plugins"


def register_builtin(app: typer.Typer) -> None:
    """Add every command of :data:`COMMAND_MODULES` to ``app``."""
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


def register_plugins(app: typer.Typer) -> None:
    """Let installed plugins add their commands: each ``evidence.plugins`` entry point is ``register(app)``.

    A plugin that fails to load is skipped with a warning, so a broken
    add-on never takes the built-in commands (and cron jobs) down with it.
    """
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        try:
            ep.load()(app)
        except Exception as exc:  # noqa: BLE001 - any failure of third-party code
            log.warning("plugin %s (%s) not loaded: %s", ep.name, ep.value, exc)
