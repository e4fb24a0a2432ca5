"""The app runs with Streamlit's "magic" off: no page may rely on a bare expression being written out."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bare_expressions(path: Path) -> list[int]:
    """Lines of expression statements magic would have written to the page (docstrings and calls are not)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        body = getattr(node, "body", None)
        for i, statement in enumerate(body if isinstance(body, list) else ()):
            if not isinstance(statement, ast.Expr):
                continue
            value = statement.value
            if isinstance(value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
                continue
            if i == 0 and isinstance(value, ast.Constant) and isinstance(value.value, str):
                continue  # a docstring
            found.append(statement.lineno)
    return found


def test_magic_is_off_and_no_page_needs_it():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False
    pages = [ROOT / "streamlit_app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    assert len(pages) > 10
    bare = {str(p.relative_to(ROOT)): lines for p in pages if (lines := _bare_expressions(p))}
    assert not bare, f"bare expressions that magic would have shown: {bare}"


def test_the_check_finds_a_bare_expression(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""Doc."""\nimport streamlit as st\nst.title("x")\n"shown by magic"\nvalue = 1\nvalue\n')
    assert _bare_expressions(page) == [4, 6]
