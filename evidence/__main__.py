"""`python -m evidence` is the `evidence` command."""

from evidence.cli import app

app(prog_name="evidence")
