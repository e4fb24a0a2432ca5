"""The ``evidence pool`` contract, driven through Typer's CliRunner."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from analysis import pool_proportions
from evidence.commands.pool import register

EXAMPLE8 = [("A", 5, 5, "sle"), ("B", 4, 6, "sle"), ("C", 3, 3, "ssc"), ("D", 0, 4, "ssc"),
            ("E", 7, 8, "sle"), ("F", 2, 10, "iim"), ("G", 12, 15, "iim"), ("H", 1, 3, "ssc")]
POOLED_KEYS = {"k", "estimate", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "i2", "q", "studies"}


@pytest.fixture()
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:  # keep "pool" as a subcommand, as in evidence/cli.py
        """evidence"""

    return app


@pytest.fixture()
def csv_file(tmp_path):
    def write(text: str, name: str = "data.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


def _example8(csv_file):
    rows = "\n".join(f"{s},{x},{n},{d}" for s, x, n, d in EXAMPLE8)
    return csv_file(f"study,events,total,disease\n{rows}\n")


def run(app, *args):
    return CliRunner().invoke(app, ["pool", *map(str, args)])


def test_default_json_matches_engine(app, csv_file):
    res = run(app, _example8(csv_file), "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert POOLED_KEYS <= out.keys()
    ref = pool_proportions([r[1] for r in EXAMPLE8], [r[2] for r in EXAMPLE8])
    assert out["estimate"] == pytest.approx(ref.estimate, abs=1e-12)
    assert out["k"] == 8 and len(out["studies"]) == 8
    assert out["studies"][0]["label"] == "A"
    # metafor rma.glmm on example8: pooled 0.6628, I2 75.59 %, PI from predict()
    assert out["estimate"] == pytest.approx(0.662776, abs=1e-4)
    assert out["i2"] == pytest.approx(75.59, abs=0.01)
    assert out["pi_low"] == pytest.approx(0.041556, abs=1e-3)
    assert out["pi_high"] == pytest.approx(0.988900, abs=1e-3)


@pytest.mark.parametrize("opts,kw", [
    (["--model", "re"], {"model": "re"}),
    (["--model", "re", "--transform", "ft", "--tau2", "DL", "--ci", "hk"],
     {"model": "re", "transform": "ft", "tau2_method": "DL", "ci": "hk"}),
    (["--model", "fe", "--transform", "arcsine"], {"model": "fe", "transform": "arcsine"}),
    (["--model", "re", "--ci", "hk-adhoc", "--level", "0.9"], {"model": "re", "ci": "hk-adhoc", "level": 0.9}),
])
def test_options_reach_the_engine(app, csv_file, opts, kw):
    res = run(app, _example8(csv_file), "--json", *opts)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ref = pool_proportions([r[1] for r in EXAMPLE8], [r[2] for r in EXAMPLE8], **kw)
    for key in ("estimate", "ci_low", "ci_high", "tau2", "q"):
        assert out[key] == pytest.approx(getattr(ref, key), rel=1e-12)


def test_by_subgroups(app, csv_file):
    res = run(app, _example8(csv_file), "--json", "--by", "disease", "--model", "re")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) == {"overall", "subgroups", "test_between"}
    assert set(out["subgroups"]) == {"sle", "ssc", "iim"}
    assert out["subgroups"]["sle"]["k"] == 3
    assert POOLED_KEYS <= out["subgroups"]["iim"].keys()
    assert set(out["test_between"]) >= {"q", "df", "p"} and out["test_between"]["df"] == 2


def test_readable_table(app, csv_file):
    res = run(app, _example8(csv_file))
    assert res.exit_code == 0
    assert "Pooled (k=8)" in res.stdout and "GLMM" in res.stdout
    assert "Prediction interval" in res.stdout
    res = run(app, _example8(csv_file), "--by", "disease")
    assert "Test for subgroup differences" in res.stdout


def test_readable_table_in_italian_with_a_decimal_comma(app, csv_file):
    from evidence.i18n import format_number

    ref = pool_proportions([r[1] for r in EXAMPLE8], [r[2] for r in EXAMPLE8])
    english = run(app, _example8(csv_file)).stdout.splitlines()
    assert english[1] == f"{'Study':<28} {'Events':>6} {'Total':>6} {'%':>6} {'95% CI':>15} {'Weight':>7}"
    res = run(app, _example8(csv_file), "--lang", "it")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].startswith("Metodo: GLMM (binomiale-normale, ML, AGQ a 7 punti); IC 95%")
    assert lines[1].split() == ["Studio", "Eventi", "Totale", "%", "IC", "95%", "Peso"]
    pct = [format_number(100 * v, "it", 1) for v in (ref.estimate, ref.ci_low, ref.ci_high)]
    pooled = next(line for line in lines if line.startswith("Stima aggregata (k=8)"))
    assert pooled.endswith(f"{pct[0]:>6} [{pct[1]:>5}; {pct[2]:>5}]") and "," in pct[0]
    assert any(line.startswith("Intervallo di predizione (normale)") for line in lines)
    assert any(line.startswith("Eterogeneità: tau2 = ") and "(gdl = 7, p = " in line for line in lines)
    assert any(line.startswith("Nota: ") for line in lines) and "Pooled" not in res.stdout
    bad = run(app, _example8(csv_file), "--lang", "fr")
    assert bad.exit_code == 2 and "--lang must be one of en, it" in bad.output


def test_other_columns_and_blank_lines_are_fine(app, csv_file):
    path = csv_file("id,study,notes,events,total\n1,S1,x,0,3\n\n2,S2,y,1,4\n")
    res = run(app, path, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["k"] == 2


def test_all_zero_events_falls_back_with_label(app, csv_file):
    res = run(app, csv_file("study,events,total\nA,0,5\nB,0,9\n"), "--json")
    out = json.loads(res.stdout)
    assert out["estimate"] == 0 and out["fallback"].startswith("common-effect binomial")


@pytest.mark.parametrize("text,needle", [
    ("study,events\nA,1\n", "missing column"),
    ("study,events,total\nA,1,5\nB,6,5\n", "line 3 (study 'B')"),
    ("study,events,total\nA,-1,5\n", "line 2 (study 'A')"),
    ("study,events,total\nA,1.5,5\n", "not a whole number"),
    ("study,events,total\nA,1,0\n", "total is 0"),
    ("study,events,total\nA,x,5\n", "not a number"),
    ("", "empty"),
    ("study,events,total\n", "no data rows"),
])
def test_bad_input_exits_2_naming_the_row(app, csv_file, text, needle):
    res = run(app, csv_file(text), "--json")
    assert res.exit_code == 2
    assert needle in res.stderr
    assert res.stdout == ""


def test_missing_by_column_and_file(app, csv_file, tmp_path):
    res = run(app, _example8(csv_file), "--by", "target")
    assert res.exit_code == 2 and "target" in res.stderr
    res = run(app, tmp_path / "nope.csv")
    assert res.exit_code == 2 and "cannot read" in res.stderr


def test_bad_option_value_exits_2(app, csv_file):
    assert run(app, _example8(csv_file), "--model", "bayes").exit_code == 2
    assert run(app, _example8(csv_file), "--level", "95").exit_code == 2


@pytest.mark.parametrize("text,needle", [
    # two columns of one name: which one would be pooled is a guess
    ("study,events,total,events\nA,1,5,2\n", "line 1: column(s) events appear more than once"),
    # a repeated study would be pooled twice
    ("study,events,total\nA,1,5\nB,2,6\nA,1,5\n", "line 4: study 'A' already on line 2"),
    # counts beyond 2^53 are not exact in floating point (was pooled as 0.0 [0.0, 100.0])
    ("study,events,total\nA,1,123456789012345678901\n", "line 2 (study 'A'): total"),
    # was a GLMM running for more than 20 minutes
    ("study,events,total\nA,9007199254740993,9007199254740993\nB,1,2\n", "too large to pool exactly"),
    ("study,events,total\nA,9007199254740991,9007199254740991\nB,1,2\n", "line 3: the totals"),
    # physical lines: blank lines and a quoted field spanning two lines count
    ("study,events,total\n\n\nA,1,5\n\nB,x,4\n", "line 6 (study 'B')"),
    ('study,events,total\n"A\nsecond line",1,5\nB,1,x\n', "line 4 (study 'B')"),
    ('study,events,total\r\nA,1,5\r\n\r\nB,-1,4\r\n', "line 4 (study 'B')"),
    ("study,events,total\nA,1,5,stray\n", "line 2: 4 fields but the header has 3"),
])
def test_ambiguous_or_inexact_input_exits_2_naming_the_line(app, csv_file, text, needle):
    res = run(app, csv_file(text), "--json")
    assert res.exit_code == 2, res.output
    assert needle in res.stderr
    assert res.stdout == ""


def test_exact_counts_and_trailing_empty_fields_are_fine(app, csv_file):
    res = run(app, csv_file("study,events,total\nA,1,5,,\nB,2.0,6\nC,3,9007199254740000\n"), "--json")
    assert res.exit_code == 0, res.output
    assert [s["total"] for s in json.loads(res.stdout)["studies"]] == [5, 6, 9007199254740000]


def test_over_long_field_and_bad_bytes_exit_2_naming_the_line(app, csv_file, tmp_path):
    long_field = csv_file("study,events,total\nA,1,5\nB," + "9" * 200_000 + ",7\n")
    res = run(app, long_field)
    assert res.exit_code == 2 and "line 3" in res.stderr and "field larger than field limit" in res.stderr
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("study,events,total\nA,1,5\nZürich,1,3\n".encode("latin-1"))
    res = run(app, latin1)
    assert res.exit_code == 2 and "line 3: not UTF-8" in res.stderr
