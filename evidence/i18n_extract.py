"""What ``pybabel extract`` cannot see by itself: the labels of the vocabularies in ``evidence/vocab.py``.

A vocabulary member is written ``SLE = "sle", "Systemic lupus erythematosus"``:
the code (never translated) and its label (an interface text). This Babel
extraction method (named in ``babel.cfg``) yields every such label, so the
catalog holds each disease, outcome, phase and status label without a marker
in the vocabulary itself, and a new member is found the next time the catalog
is updated. An enumeration whose values are both code and English name (the
regions of ``evidence.geography``) is named in the section's ``values``
option; its values are shown translated and kept as codes in the URL.
"""

from __future__ import annotations

import ast
from typing import IO, Any, Iterator


def extract_vocabulary(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict
                       ) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extraction method: (line, None, label, []) for each ``NAME = "code", "label"`` in a class body.

    With ``values = ClassName, …`` in the section, each ``NAME = "value"`` of those classes too.
    """
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    named = {n.strip() for n in options.get("values", "").split(",") if n.strip()}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            value = item.value if isinstance(item, ast.Assign) else None
            where = [f"label of {node.name}.{getattr(item.targets[0], 'id', '?')}"] if value is not None else []
            if isinstance(value, ast.Tuple) and len(value.elts) == 2 and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
                yield item.lineno, None, value.elts[1].value, where
            elif node.name in named and isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield item.lineno, None, value.value, where
