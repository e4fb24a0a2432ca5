"""Shared fixtures for the pooling-engine tests (no R needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REFERENCE_JSON = Path(__file__).parent / "reference" / "metafor_reference.json"


@pytest.fixture(scope="session")
def reference() -> dict:
    """The committed metafor reference values."""
    return json.loads(REFERENCE_JSON.read_text())
