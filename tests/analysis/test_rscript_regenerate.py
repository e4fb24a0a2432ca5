"""Regenerate the metafor reference values with R and compare (marker ``rscript``).

Skipped, with the reason, when ``Rscript`` or metafor is not available, so
the ordinary suite never needs R.  When R is present this checks that the
committed JSON is what the committed script produces, and that the engine
agrees with the fresh values.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import pool_proportions

pytestmark = [pytest.mark.rscript, pytest.mark.slow]

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "metafor_reference.R"
COMMITTED = REF_DIR / "metafor_reference.json"


def _r_available() -> str | None:
    if shutil.which("Rscript") is None:
        return "Rscript not found on PATH"
    probe = subprocess.run(["Rscript", "-e", "library(metafor); library(jsonlite); library(lme4)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return "R packages metafor/jsonlite/lme4 not installed"
    return None


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict:
    reason = _r_available()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("ref") / "fresh.json"
    proc = subprocess.run(["Rscript", str(SCRIPT), str(out)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(out.read_text())


def _walk(a, b, path=""):
    """Yield (path, committed, fresh) for numeric leaves that differ."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), path
        for key in a:
            yield from _walk(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _walk(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)):
        if abs(a - b) > 1e-7 * abs(a) + 1e-10:
            yield path, a, b
    elif a != b:
        yield path, a, b


def test_committed_reference_is_reproducible(fresh):
    committed = json.loads(COMMITTED.read_text())
    diffs = [d for d in _walk(committed["datasets"], fresh["datasets"]) if "/glmm/" not in d[0]]
    assert not diffs, diffs[:10]
    glmm = [d for d in _walk(committed["datasets"], fresh["datasets"]) if "/glmm/" in d[0]
            and isinstance(d[1], float) and abs(d[1] - d[2]) > 1e-5 * abs(d[1]) + 1e-8]
    assert not glmm, glmm[:10]


def test_engine_agrees_with_fresh_values(fresh):
    for ds in fresh["datasets"]:
        for key in ("logit|REML|z", "ft|DL|hk", "arcsine|PM|hk-adhoc", "raw|ML|z"):
            ref = ds["fits"][key]
            tr, method, ci = key.split("|")
            res = pool_proportions(ds["events"], ds["totals"], model="re", transform=tr,
                                   tau2_method=method, ci=ci)
            assert res.estimate_t == pytest.approx(ref["b"], rel=1e-6, abs=1e-9)
            assert res.tau2 == pytest.approx(ref["tau2"], rel=1e-6, abs=1e-8)
        ref = ds["glmm"]["z"]
        if "error" not in ref:
            res = pool_proportions(ds["events"], ds["totals"])
            assert abs(res.estimate - ref["est_p"]) < 1e-3
