"""The pages are thin clients: no SQL, no ORM query, no code list of their own under app_pages/.

Every question is asked of the library (``evidence.queries``,
``evidence.outcome_analysis``); a page that starts querying the store again
would answer differently from the command line, so this test reads the
source and fails on the first query it finds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app_pages"
QUERY_NAMES = {"select", "text", "func", "insert", "update", "delete", "Select"}
QUERY_METHODS = {"execute", "exec", "scalars", "scalar", "query", "get"}


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("sqlalchemy", "sqlmodel"):
            found += [f"imports {a.name} from {node.module}" for a in node.names if a.name in QUERY_NAMES]
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            found += [f"imports {n}" for n in names if n and n in ("evidence.models", "models")
                      and (isinstance(node, ast.Import) or node.module in ("evidence", "evidence.models"))]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_METHODS:
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id in ("s", "session", "conn", "connection", "engine"):
                found.append(f"calls {receiver.id}.{node.func.attr}() on line {node.lineno}")
    return found


@pytest.mark.parametrize("path", sorted(APP.glob("*.py")), ids=lambda p: p.name)
def test_no_query_under_app_pages(path):
    assert _problems(path) == []


def test_the_check_finds_a_query(tmp_path):
    sample = tmp_path / "page.py"
    sample.write_text("from sqlmodel import Session, select\nfrom evidence import models\n\n"
                      "def f(s):\n    return s.execute(select(models.Report)).all()\n", encoding="utf-8")
    assert len(_problems(sample)) == 3
