"""Sign-in in the app (st.user mocked): who acts, which role applies, and the gate for signed-out visitors.

The real OpenID Connect round trip in Chromium is tests/app/test_browser_sign_in.py.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from app_pages import auth, reviewer
from evidence import roles, screening
from evidence.identity import WorkbenchError
from evidence.settings import REPO_ROOT
from evidence.vocab import Role

AUTH_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                "client_id": "evidence", "client_secret": "s", "server_metadata_url":
                "http://localhost:9/.well-known/openid-configuration"}


@pytest.fixture
def team(app_env, engine, monkeypatch):
    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    monkeypatch.setenv("EVIDENCE_REVIEWER", "settings-reviewer")
    with Session(engine) as s:
        roles.add_member(s, "sam@uni.example", "screener", by="lead@uni.example")
        roles.add_member(s, "vic@uni.example", "viewer", by="lead@uni.example")
        s.commit()
    return engine


def _signed_in(monkeypatch, email: str | None) -> None:
    monkeypatch.setattr(auth, "sign_in_configured", lambda: True)
    monkeypatch.setattr(auth, "signed_in_email", lambda: email)


def test_without_sign_in_the_settings_reviewer_acts_with_every_role(app_env, monkeypatch):
    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    monkeypatch.setenv("EVIDENCE_REVIEWER", "Ada")
    assert not auth.sign_in_configured()
    assert reviewer.current_reviewer() == "Ada" and auth.role() == Role.ADMIN and auth.may_write()


def test_a_signed_out_visitor_reaches_no_write_path(team, monkeypatch):
    _signed_in(monkeypatch, None)
    assert not auth.may_write() and auth.role() == Role.VIEWER
    with pytest.raises(WorkbenchError, match="sign in"):
        reviewer.current_reviewer()  # not the settings' reviewer: with sign-in, nobody is signed in
    with Session(team) as s, pytest.raises(roles.RoleError):
        screening.decide(s, "40000001", "include", reviewer="")  # the library refuses on its own


def test_the_signed_in_identity_acts_with_its_role(team, monkeypatch):
    _signed_in(monkeypatch, "Sam@Uni.Example")
    assert reviewer.current_reviewer() == "sam@uni.example"
    assert auth.role() == Role.SCREENER and auth.may_write() and not auth.may("extract")
    _signed_in(monkeypatch, "vic@uni.example")
    assert auth.role() == Role.VIEWER and not auth.may_write()
    _signed_in(monkeypatch, "newcomer@uni.example")  # signed in, no role: a viewer
    assert auth.role() == Role.VIEWER and not auth.may_write()


def test_workbench_pages_are_listed_only_for_someone_who_may_write(team, monkeypatch):
    public, workbench = ["overview"], ["screening", "extraction"]
    _signed_in(monkeypatch, None)
    assert auth.navigation(public, workbench) == public
    _signed_in(monkeypatch, "vic@uni.example")
    assert auth.navigation(public, workbench) == public
    _signed_in(monkeypatch, "sam@uni.example")
    assert auth.navigation(public, workbench) == {"": public, "Workbench": workbench}  # a section of their own
    assert auth.navigation(public, []) == public  # workbench off: the menu as ever


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_menu_keeps_the_reading_pages_first_and_the_workbench_in_one_section(app_env, monkeypatch, lang):
    import streamlit as st

    from app_pages.workbench_common import PAGES
    from evidence.i18n import translator
    from tests.app.conftest import open_page

    menus = []
    navigation = st.navigation
    monkeypatch.setattr(st, "navigation", lambda pages, **kw: (menus.append(pages), navigation(pages, **kw))[1])
    monkeypatch.delenv("EVIDENCE_WORKBENCH", raising=False)
    open_page(lang=lang)
    reading = [(p.title, p.url_path) for p in menus[-1]]  # workbench off: the six pages, as ever ("" the default)
    assert [url for _, url in reading] == ["", "studies", "trials", "meta-analysis", "export", "about"]
    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    monkeypatch.setenv("EVIDENCE_REVIEWER", "Ada")
    at = open_page(lang=lang)
    menu = menus[-1]
    section = translator(lang)("Workbench")
    assert list(menu) == ["", section]  # the reading pages first, ungrouped; then one drop-down
    assert [(p.title, p.url_path) for p in menu[""]] == reading
    assert [p.url_path for p in menu[section]] == [url for *_, url in PAGES]
    assert [p.title for p in menu[section]] == [translator(lang)(title) for _, title, *_ in PAGES]
    at.switch_page(PAGES[0][0])  # a page of the section opens
    at.run()
    assert not at.exception


def test_an_address_outside_the_allowed_domains_is_refused(team, monkeypatch):
    monkeypatch.setenv("EVIDENCE_SIGN_IN_DOMAINS", "uni.example")
    _signed_in(monkeypatch, "sam@evil.example")
    with pytest.raises(WorkbenchError, match="may not sign in"):
        reviewer.current_reviewer()
    assert not auth.may_write()


def test_sign_in_without_any_team_member_refuses_to_act(app_env, monkeypatch):
    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    _signed_in(monkeypatch, "sam@uni.example")
    with pytest.raises(WorkbenchError, match="no team member"):
        reviewer.current_reviewer()
    assert not auth.may_write()


def _app(secrets: dict | None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60)
    if secrets:
        at.secrets["auth"] = secrets
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_single_user_install_shows_no_sign_in_control(app_env):
    at = _app(None)
    assert not [b for b in at.button if b.label in ("Sign in", "Sign out")]
    assert at.title  # the Overview renders


def test_a_closed_team_server_shows_only_the_sign_in_gate(team, monkeypatch):
    monkeypatch.setenv("EVIDENCE_ALLOW_ANONYMOUS", "false")
    at = _app(AUTH_SECRETS)
    assert [b.label for b in at.button] == ["Sign in"] and not at.title
    assert "Sign in to use this evidence tracker." in [c.value for c in at.caption]


def test_an_open_team_server_lets_visitors_browse_and_offers_sign_in(team):
    at = _app(AUTH_SECRETS)
    assert "Sign in" in [b.label for b in at.button] and at.title


def test_a_signed_in_member_sees_identity_and_role(team, monkeypatch):
    monkeypatch.setattr(auth, "signed_in_email", lambda: "sam@uni.example")
    at = _app(AUTH_SECRETS)
    assert "Sign out" in [b.label for b in at.button]
    assert "Signed in as sam@uni.example (Screener)" in [t.value for t in at.text]


def test_a_database_at_an_older_schema_is_named_not_a_traceback(app_env, engine, monkeypatch):
    """With the workbench on, the menu asks the role before the frame checks the schema: no team table yet."""
    from sqlalchemy import text

    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    monkeypatch.setenv("EVIDENCE_REVIEWER", "ann")
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE teammember"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0007_workbench'"))
    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("older schema" in e.value for e in at.error)


@pytest.mark.parametrize("claims, expected", [
    ({"is_logged_in": True, "email": "Sam@Uni.Example", "email_verified": True}, "sam@uni.example"),
    ({"is_logged_in": True, "email": "sam@uni.example"}, "sam@uni.example"),  # Entra ID sends no such claim
    ({"is_logged_in": True, "email": "sam@uni.example", "email_verified": False}, None),  # claimed, not vouched
    ({"is_logged_in": False}, None),
])
def test_an_address_the_provider_does_not_vouch_for_signs_nobody_in(monkeypatch, claims, expected):
    monkeypatch.setattr(auth.st, "user", claims)
    assert auth.signed_in_email() == expected


def test_a_screener_stays_blind_to_the_other_reviewers_decisions(team, monkeypatch):
    with Session(team) as s:
        roles.add_member(s, "val@uni.example", "verifier", by="lead@uni.example")
        s.commit()
    notice = "screeners do not see each other's decisions"
    for email, blind in (("sam@uni.example", True), ("val@uni.example", False)):
        _signed_in(monkeypatch, email)
        at = AppTest.from_file(str(REPO_ROOT / "app_pages" / "workbench_conflicts.py"), default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        assert any(notice in i.value for i in at.info) == blind
        assert bool(at.subheader) != blind  # agreement and conflicts only for whoever settles them
