"""The app runs with Streamlit's "magic" off: no page may rely on a bare expression being written out."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


DOCUMENTED = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)  # where a first string is a docstring


def _bare_expressions(path: Path) -> list[int]:
    """Lines of expression statements magic would have written to the page (docstrings and calls are not)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        blocks = [getattr(node, name, None) for name in ("body", "orelse", "finalbody")]
        for block in (b for b in blocks if isinstance(b, list)):
            for i, statement in enumerate(block):
                if not isinstance(statement, ast.Expr):
                    continue
                value = statement.value
                if isinstance(value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
                    continue
                if (i == 0 and block is getattr(node, "body", None) and isinstance(node, DOCUMENTED)
                        and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    continue  # a docstring
                found.append(statement.lineno)
    return sorted(found)


def test_magic_is_off_and_no_page_needs_it():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False
    pages = [ROOT / "streamlit_app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    assert len(pages) > 10
    bare = {str(p.relative_to(ROOT)): lines for p in pages if (lines := _bare_expressions(p))}
    assert not bare, f"bare expressions that magic would have shown: {bare}"


def test_the_check_finds_a_bare_expression(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""Doc."""\nimport streamlit as st\nst.title("x")\n"shown by magic"\nvalue = 1\nvalue\n'
                    'if value:\n    "also shown"\nelse:\n    value\ntry:\n    pass\nfinally:\n    value\n'
                    'for i in []:\n    pass\nelse:\n    i\n')
    assert _bare_expressions(page) == [4, 6, 8, 10, 14, 18]
