"""End to end: sign in to the app in headless Chromium against a local OpenID Connect provider.

The test starts ``oidc-provider-mock`` (an OpenID Connect provider that asks
only for the subject and answers with ``email`` = subject) on a free port,
writes a ``secrets.toml`` whose ``[auth]`` table points Streamlit's
``st.login`` at it, and runs the app as a closed team server (anonymous
visitors may not browse, only ``uni.example`` may sign in). A registered
screener signs in and sees their role; signed out, only the sign-in gate is
left; an address of another domain is refused. Screenshots go to a temporary
folder (or ``BROWSER_SHOTS``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from sqlmodel import Session

from evidence import roles
from tests.app.test_browser import needs_chromium, _free_port, chromium_profile, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


GATE = "Sign in to use this evidence tracker."


def _secrets(path: Path, app_port: int, provider_port: int) -> Path:
    path.write_text(f"""[auth]
redirect_uri = "http://localhost:{app_port}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "cart-evidence"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "http://localhost:{provider_port}/.well-known/openid-configuration"
""", encoding="utf-8")
    return path


CLOSED_TEAM_SERVER = {"EVIDENCE_WORKBENCH": "true", "EVIDENCE_ALLOW_ANONYMOUS": "false",
                      "EVIDENCE_SIGN_IN_DOMAINS": "uni.example"}


def _settled(page) -> None:
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=30000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000)
    page.wait_for_timeout(1500)


def _shown(page, text: str) -> None:
    """Wait until ``text`` is on the page and the script has finished."""
    page.get_by_text(text, exact=False).first.wait_for(timeout=90000)
    _settled(page)


def _sign_in(page, base: str, email: str) -> None:
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("input[name='sub']", timeout=30000)  # the provider's authorisation form
    page.fill("input[name='sub']", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=30000)
    _settled(page)


def test_sign_in_applies_the_role_and_signed_out_nothing_is_reachable(app_db, engine, tmp_path):
    from oidc_provider_mock import run_server_in_thread
    from playwright.sync_api import sync_playwright

    with Session(engine) as s:
        roles.add_member(s, "sam@uni.example", "screener", by="lead@uni.example")
        s.commit()
    shots = Path(os.environ.get("BROWSER_SHOTS", tmp_path))
    port = _free_port()
    with run_server_in_thread() as provider:
        secrets_file = _secrets(tmp_path / "secrets.toml", port, provider.server_port)
        with (served_app(app_db, tmp_path, CLOSED_TEAM_SERVER, port=port, host="localhost",
                         options=("--secrets.files", str(secrets_file))) as base,
              sync_playwright() as p):
            browser = chromium_profile(p, viewport={"width": 1400, "height": 1000})
            page = browser.new_page()
            # Signed out on a closed server: the gate, and no page (nor its navigation) behind it.
            page.goto(f"{base}/studies", wait_until="networkidle")
            _shown(page, GATE)
            page.screenshot(path=str(shots / "sign-in-gate.png"), full_page=True)
            assert page.get_by_text(GATE).count() == 1
            assert page.locator("[data-testid='stMain'] h1").count() == 0
            # A registered screener signs in with the provider and acts with that role.
            _sign_in(page, base, "sam@uni.example")
            _shown(page, "Signed in as")
            page.screenshot(path=str(shots / "signed-in.png"), full_page=True)
            assert page.get_by_text("Signed in as sam@uni.example (Screener)").count() == 1
            assert page.locator("a[href^='mailto:']").count() == 0  # the address is text, not a link
            page.wait_for_selector("[data-testid='stMain'] h1", timeout=90000)
            # Signed out again: back to the gate.
            page.get_by_role("button", name="Sign out").click()
            page.get_by_role("button", name="End session").click(timeout=30000)  # the provider's logout too
            _shown(page, GATE)
            page.screenshot(path=str(shots / "signed-out.png"), full_page=True)
            assert page.get_by_text(GATE).count() == 1
            assert page.locator("[data-testid='stMain'] h1").count() == 0
            # An address outside the allowed domains is refused, and sees nothing.
            _sign_in(page, base, "mallory@evil.example")
            _shown(page, "may not sign in here")
            page.screenshot(path=str(shots / "refused-domain.png"), full_page=True)
            assert page.get_by_text("may not sign in here: only addresses of uni.example may.").count() == 1
            assert page.locator("a[href^='mailto:']").count() == 0
            assert page.locator("[data-testid='stMain'] h1").count() == 0
            browser.close()
