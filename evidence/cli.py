"""The `evidence` command line: what scheduled jobs and reviewers call.

This module holds the root command (logging and settings options); the
commands themselves live in the modules listed in
:data:`evidence.commands.COMMAND_MODULES` and are registered from there,
plus any installed plugin.  Exit codes are :class:`evidence.commands.support.ExitCode`:
0 success, 1 a run failed, 2 usage, configuration or input error, 75 another
update holds the lock.

Start-up is part of every command and every cron run, so nothing here (nor
in the command modules) imports the database, HTTP or statistics libraries
at module level: each command imports what it needs when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from evidence import logs
from evidence.commands.support import EXIT_USAGE, fail
from evidence.commands import register_builtin, register_plugins
from evidence.settings import load_settings

#: Help is printed as plain text, never as Rich markup: "[evidence]" in a help
#: text was read as a markup tag and printed "(table )"; plain help also starts
#: in half the time (Rich is not imported).
app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)


@app.callback()
def main(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Warnings and errors only.")] = False,
    log_file: Annotated[Optional[Path], typer.Option(help="Also append the log to this file.")] = None,
    config: Annotated[Optional[Path], typer.Option(help="TOML settings file (table [evidence]).")] = None,
) -> None:
    """Living evidence tracker for CAR-T cell therapy in autoimmune disease."""
    logs.configure(verbose=verbose, quiet=quiet, log_file=log_file)
    try:
        ctx.obj = load_settings(config_file=config)
    except (ValueError, OSError) as exc:
        raise fail(str(exc), EXIT_USAGE) from exc


register_builtin(app)
register_plugins(app)
