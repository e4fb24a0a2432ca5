"""Roles: the library refuses a write the actor's role does not allow, whatever the client; `evidence users`."""

from __future__ import annotations

import csv
import json

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlmodel import Session
from typer.testing import CliRunner

from evidence import audit, extraction, models, roles, screening
from evidence.cli import app
from evidence.db import alembic_config, head_version, init_db, make_engine
from evidence.identity import WorkbenchError, domain_allowed, signed_in_reviewer
from evidence.roles import Action, RoleError, may
from evidence.settings import Settings, load_settings
from evidence.vocab import Role
from tests.workbench.harvested import add_harvest

pytestmark = pytest.mark.both_backends  # the migration and the checks: SQLite and PostgreSQL

NUMBER = {"report_id": "delta-2026", "outcome": "crs_any", "events": 13, "patients": 15, "definition": "ASTCT",
          "source": "PMID:40000001", "source_location": "abstract"}


@pytest.fixture
def session(engine):
    add_harvest(engine)
    with Session(engine) as s:
        pub = s.get(models.Publication, "40000001")
        pub.authors, pub.diseases, pub.targets = ["Delta D", "Echo E"], ["sle"], ["cd19"]
        yield s


def _team(s: Session) -> None:
    for email, role in (("sam@uni.example", "screener"), ("eve@uni.example", "extractor"),
                        ("val@uni.example", "verifier"), ("ada@uni.example", "admin"), ("vic@uni.example", "viewer")):
        roles.add_member(s, email, role, by="lead@uni.example")


def test_roles_are_cumulative_and_admin_may_do_everything():
    assert [r.value for r in Role] == ["viewer", "screener", "extractor", "verifier", "admin"]
    assert not any(may("viewer", a) for a in Action)
    assert all(may("admin", a) for a in Action)
    assert may("screener", "screen") and not may("screener", "extract")
    assert may("extractor", "extract") and not may("extractor", "verify")
    assert may("verifier", "verify") and may("verifier", "resolve") and not may("verifier", "configure")


def test_a_single_user_install_acts_with_every_role(session):
    assert not roles.is_team(session) and roles.role_of(session, "anyone") == Role.ADMIN
    screening.decide(session, "40000001", "include", reviewer="ann")
    screening.save_exclusion_reason(session, "animal", "Animal study", reviewer="ann")
    with pytest.raises(RoleError, match="nobody is signed in"):
        screening.decide(session, "40000002", "include", reviewer=" ")


def test_each_write_function_checks_the_actor_role(session):
    _team(session)
    with pytest.raises(RoleError, match="vic@uni.example is a viewer"):
        screening.decide(session, "40000001", "include", reviewer="vic@uni.example")
    with pytest.raises(RoleError):  # a signed-in person nobody registered is a viewer
        screening.decide(session, "40000001", "include", reviewer="stranger@uni.example")
    screening.decide(session, "40000001", "include", reviewer="SAM@uni.example")  # e-mail case does not matter
    with pytest.raises(RoleError, match="resolve needs the role verifier"):
        screening.decide(session, "40000001", "include", reviewer="sam@uni.example", resolves_conflict=True)
    with pytest.raises(RoleError):
        extraction.create_cohort(session, {"cohort_id": "delta", "name": "Delta"}, reviewer="sam@uni.example")
    with pytest.raises(RoleError):
        screening.save_exclusion_reason(session, "animal", "Animal", reviewer="val@uni.example")
    extraction.create_cohort(session, {"cohort_id": "delta", "name": "Delta"}, reviewer="eve@uni.example")
    extraction.create_report(session, "40000001", {"report_id": "delta-2026", "cohort_id": "delta"},
                             reviewer="eve@uni.example")
    row = extraction.add_outcome(session, NUMBER, reviewer="eve@uni.example")
    key = extraction.outcome_key(row)
    with pytest.raises(RoleError, match="verify needs the role verifier"):
        extraction.verify_outcome(session, key, reviewer="sam@uni.example")
    assert extraction.verify_outcome(session, key, reviewer="val@uni.example").status == "verified"
    entered = {e.reviewer for e in audit.history(session, "outcome", key)}
    assert entered == {"eve@uni.example", "val@uni.example"}  # the trail records the signed-in identities


def test_undo_needs_the_role_the_action_needed(session):
    _team(session)
    extraction.create_cohort(session, {"cohort_id": "delta", "name": "Delta"}, reviewer="eve@uni.example")
    change = audit.history(session, "cohort", "delta")[0].change
    with pytest.raises(RoleError):
        audit.undo(session, change, reviewer="sam@uni.example")
    audit.undo(session, change, reviewer="ada@uni.example")
    assert session.get(models.Cohort, "delta") is None


def test_undo_needs_the_role_of_the_change_it_undoes_not_only_of_its_entity(session):
    _team(session)
    screening.decide(session, "40000001", "include", reviewer="sam@uni.example")
    extraction.create_cohort(session, {"cohort_id": "delta", "name": "Delta"}, reviewer="eve@uni.example")
    extraction.create_report(session, "40000001", {"report_id": "delta-2026", "cohort_id": "delta"},
                             reviewer="eve@uni.example")
    key = extraction.outcome_key(extraction.add_outcome(session, NUMBER, reviewer="eve@uni.example"))
    extraction.verify_outcome(session, key, reviewer="val@uni.example")
    verification = audit.history(session, "outcome", key)[-1].change
    with pytest.raises(RoleError, match="verify needs the role verifier"):  # an extractor cannot un-verify
        audit.undo(session, verification, reviewer="eve@uni.example")
    audit.undo(session, verification, reviewer="val@uni.example")
    assert extraction.find_number(session, key).status != "verified"

    screening.decide(session, "40000002", "include", reviewer="sam@uni.example")
    theirs = audit.history(session, "screening", "40000002|sam@uni.example|title_abstract")[-1].change
    roles.add_member(session, "sue@uni.example", "screener", by="lead@uni.example")
    with pytest.raises(RoleError, match="resolve needs the role verifier"):  # not another screener's decision
        audit.undo(session, theirs, reviewer="sue@uni.example")
    audit.undo(session, theirs, reviewer="sam@uni.example")  # one's own decision, yes


def test_members_are_checked_before_anything_is_written(session):
    with pytest.raises(roles.TeamError, match="not an e-mail"):
        roles.add_member(session, "ann", "admin", by="lead@uni.example")
    with pytest.raises(roles.TeamError, match="unknown Role"):
        roles.add_member(session, "ann@uni.example", "boss", by="lead@uni.example")
    roles.add_member(session, " Ann@Uni.Example ", "screener", "Ann  Bee", by="lead@uni.example")
    with pytest.raises(roles.TeamError, match="already"):
        roles.add_member(session, "ann@uni.example", "admin", by="lead@uni.example")
    with pytest.raises(roles.TeamError, match="not a team member"):
        roles.set_role(session, "bob@uni.example", "admin", by="lead@uni.example")
    assert roles.set_role(session, "ANN@uni.example", "verifier", by="lead@uni.example").role == "verifier"
    assert [(m.email, m.name, m.role) for m in roles.members(session)] == [("ann@uni.example", "Ann Bee", "verifier")]


def test_users_commands(engine, settings, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)
    runner = CliRunner()
    assert runner.invoke(app, ["users", "add", "Ada@Uni.Example", "--role", "admin", "--name", "Ada"]).exit_code == 0
    for args, message in ((["users", "add", "ada@uni.example", "--role", "viewer"], "already"),
                          (["users", "add", "nobody", "--role", "viewer"], "not an e-mail"),
                          (["users", "add", "bo@uni.example", "--role", "boss"], "unknown Role"),
                          (["users", "set-role", "zed@uni.example", "viewer"], "not a team member")):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    assert runner.invoke(app, ["users", "set-role", "ada@uni.example", "verifier"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).stdout)
    assert [(m["email"], m["name"], m["role"]) for m in listed] == [("ada@uni.example", "Ada", "verifier")]
    with Session(engine) as s:  # the refused commands wrote nothing
        assert len(s.execute(select(models.TeamMember)).all()) == 1


def test_the_workbench_command_refuses_a_role_with_a_message(engine, settings, monkeypatch):
    add_harvest(engine)
    for name, value in (("EVIDENCE_DB", settings.db), ("EVIDENCE_DATA_DIR", settings.data_dir),
                        ("EVIDENCE_WORKBENCH", "true"), ("EVIDENCE_REVIEWER", "vic@uni.example")):
        monkeypatch.setenv(name, value)
    with Session(engine) as s:
        roles.add_member(s, "vic@uni.example", "viewer", by="lead@uni.example")
        s.commit()
    result = CliRunner().invoke(app, ["workbench", "decide", "40000003", "--decision", "include"])
    assert result.exit_code == 2 and "is a viewer" in result.output
    with Session(engine) as s:
        assert s.execute(select(models.ScreeningDecision)).first() is None


def test_signed_in_identity_and_allowed_domains(tmp_path):
    settings = load_settings({"EVIDENCE_WORKBENCH": "true", "EVIDENCE_SIGN_IN_DOMAINS": " Uni.Example, @hosp.example"},
                             config_file=tmp_path / "none.toml")
    assert settings.allowed_domains == ("uni.example", "hosp.example") and settings.allow_anonymous
    assert domain_allowed(settings, "a@HOSP.example") and not domain_allowed(settings, "a@gmail.com")
    assert signed_in_reviewer(settings, " Ann@Uni.Example ") == "ann@uni.example"
    with pytest.raises(WorkbenchError, match="may not sign in"):
        signed_in_reviewer(settings, "mallory@evil.example")
    with pytest.raises(WorkbenchError, match="sign in"):
        signed_in_reviewer(settings, None)
    assert domain_allowed(Settings(), "anyone@anywhere.example")


def test_the_users_migration_comes_and_goes(database_url):
    engine = make_engine(database_url)
    try:
        init_db(engine)
        assert "teammember" in inspect(engine).get_table_names()
        command.downgrade(alembic_config(engine), "0007_workbench")
        assert "teammember" not in inspect(engine).get_table_names()
        assert "auditentry" in inspect(engine).get_table_names()
        assert init_db(engine) == head_version() and "teammember" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_database_user_without_write_rights_gets_a_message(postgres_server, curated_dir, monkeypatch):
    """PostgreSQL only: a role that may read but not write is told so (SQLite's read-only file has its own test)."""
    import psycopg
    from sqlalchemy.engine import make_url

    from evidence.store import initialise

    url = make_url(postgres_server.new_database())
    initialise(Settings(db=url.render_as_string(hide_password=False), data_dir=str(curated_dir)))
    with psycopg.connect(host=url.query["host"], user="postgres", dbname=url.database, autocommit=True) as conn:
        conn.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') THEN "
                     "CREATE ROLE reader LOGIN; END IF; END $$")
        conn.execute("GRANT USAGE ON SCHEMA public TO reader")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    monkeypatch.setenv("EVIDENCE_DB", url.set(username="reader").render_as_string(hide_password=False))
    try:
        result = CliRunner().invoke(app, ["users", "add", "ada@uni.example", "--role", "admin"])
    finally:
        postgres_server.drop_database(url.render_as_string(hide_password=False))
    assert result.exit_code == 2 and "may not change this database" in result.output, result.output
    assert "Traceback" not in result.output and "INSERT" not in result.output


def test_membership_changes_are_in_the_audit_trail_and_not_undone_from_the_workbench(session):
    roles.add_member(session, "ann@uni.example", "screener", "Ann", by="lead@uni.example")
    roles.set_role(session, "ann@uni.example", "verifier", by="lead@uni.example")
    roles.set_role(session, "ann@uni.example", "verifier", by="lead@uni.example")  # no change: nothing recorded
    trail = audit.history(session, "team_member", "ann@uni.example")
    assert {(e.action, e.field, e.old, e.new) for e in trail} >= {
        ("create", "role", None, '"screener"'), ("create", "name", None, '"Ann"'),
        ("update", "role", '"screener"', '"verifier"')}
    assert [e for e in trail if e.action == "update"] == [trail[-1]]
    assert {e.reviewer for e in trail} == {"lead@uni.example"} and {e.why for e in trail} == {"evidence users"}
    promotion = trail[-1].change
    with pytest.raises(audit.UndoError, match="evidence users set-role"):
        audit.undo(session, promotion, reviewer="lead@uni.example")
    assert roles.role_of(session, "ann@uni.example") == Role.VERIFIER
    with pytest.raises(roles.TeamError, match="who made it"):
        roles.set_role(session, "ann@uni.example", "admin", by="  ")


def test_users_commands_name_who_changed_the_team_in_the_trail(engine, settings, monkeypatch, tmp_path):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)
    monkeypatch.delenv("EVIDENCE_REVIEWER", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["users", "add", "lead@uni.example", "--role", "admin"]).exit_code == 0
    monkeypatch.setenv("EVIDENCE_REVIEWER", "lead@uni.example")
    assert runner.invoke(app, ["users", "add", "sam@uni.example", "--role", "screener"]).exit_code == 0
    assert runner.invoke(app, ["users", "set-role", "sam@uni.example", "viewer"]).exit_code == 0
    with Session(engine) as s:
        trail = [(e.entity_id, e.action, e.reviewer) for e in audit.history(s, "team_member") if e.field == "role"]
    assert trail[0][:2] == ("lead@uni.example", "create") and "(command line on " in trail[0][2]
    assert trail[1:] == [("sam@uni.example", "create", "lead@uni.example"),
                         ("sam@uni.example", "update", "lead@uni.example")]
    out = tmp_path / "trail.csv"
    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    assert runner.invoke(app, ["workbench", "audit", "--out", str(out)]).exit_code == 0
    rows = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["entity"] == "team_member"]
    assert [(r["entity_id"], r["old"], r["new"]) for r in rows if r["action"] == "update"] == \
        [("sam@uni.example", '"screener"', '"viewer"')]
