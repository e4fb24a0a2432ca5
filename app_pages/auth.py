"""Sign-in in the app: Streamlit's OpenID Connect login (``st.login``), the gate, and who may write.

Sign-in is on when ``.streamlit/secrets.toml`` holds an ``[auth]`` table (see
README, "Team server"); without it the app is the single-user install of
``make run`` and nothing here draws anything. With it, the frame shows a
sign-in or sign-out control; a visitor who has not signed in browses only
when the settings allow anonymous visitors, and an address outside the
allowed e-mail domains is refused. Pages ask :func:`may` before offering a
write; the library checks the role again (``evidence.roles``), so a hidden
button is never the only guard.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app_pages.common import get_engine
from app_pages.i18n import _
from evidence import roles
from evidence.identity import WorkbenchError, domain_allowed, signed_in_reviewer
from evidence.settings import load_settings
from evidence.vocab import Role


def sign_in_configured() -> bool:
    """Whether the secrets configure an OpenID Connect provider (``[auth]``)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def signed_in_email() -> str | None:
    """The signed-in person's e-mail as the provider vouches for it (None: not signed in)."""
    if not st.user.get("is_logged_in"):  # .get: AppTest's st.user has no key at all
        return None
    if st.user.get("email_verified") is False:  # a provider that lets people claim any address says so; not vouched
        return None
    email = st.user.get("email")
    return str(email).strip().lower() if email else None


def acting_identity() -> str:
    """Who acts: the signed-in e-mail with sign-in, the settings' reviewer without (``WorkbenchError`` if nobody)."""
    settings = load_settings()
    if not sign_in_configured():
        from evidence.identity import current_reviewer

        return current_reviewer(settings)
    reviewer = signed_in_reviewer(settings, signed_in_email())
    with Session(get_engine()) as session:
        if not roles.is_team(session):
            raise WorkbenchError(_("Sign-in is configured but no team member is registered: an administrator runs "
                                   "`evidence users add EMAIL --role admin` first."))
    return reviewer


def role() -> Role:
    """The role of whoever is using the app (viewer when nobody may act)."""
    try:
        actor = acting_identity()
        with Session(get_engine()) as session:
            return roles.role_of(session, actor)
    except WorkbenchError:
        return Role.VIEWER
    except SQLAlchemyError:  # a database not ready (older schema): nobody writes; the frame says what to run
        return Role.VIEWER


def may(action: roles.Action | str) -> bool:
    """Whether to offer ``action`` to this user (the library checks again when it is done)."""
    return roles.may(role(), action)


def may_write() -> bool:
    """Whether the workbench pages are shown: someone may act, with at least the screener's role."""
    return may(roles.Action.SCREEN)


def navigation(public: list, workbench: list) -> list | dict[str, list]:
    """The menu for ``st.navigation``: the public pages, and the workbench's only for someone who may write,
    in a section of their own ("" keeps the public pages first and ungrouped; the top menu shows a section as
    one drop-down, so twelve pages no longer overflow into "more").

    A page left out of ``st.navigation`` cannot be opened by its URL either.
    """
    if not (workbench and may_write()):
        return public
    return {"": public, _("Workbench"): workbench}


def frame() -> None:
    """The sign-in control above every page, and the gate for visitors who may not browse."""
    if not sign_in_configured():
        return
    settings = load_settings()
    email = signed_in_email()
    left, right = st.columns([5, 1], vertical_alignment="center")
    if email and not domain_allowed(settings, email):
        # In backticks: markdown would make the address a mailto link (stored text is never a link).
        left.error(_("`{email}` may not sign in here: only addresses of {domains} may.").format(
            email=email.replace("`", ""), domains=", ".join(settings.allowed_domains)), icon=":material/block:")
        right.button(_("Sign out"), on_click=st.logout, key="auth_sign_out")
        email = None
    elif email:
        left.text(_("Signed in as {email} ({role})").format(email=email, role=_(role().label)))  # text: no link
        right.button(_("Sign out"), on_click=st.logout, key="auth_sign_out")
    else:
        left.caption(_("Browsing without signing in: sign in to screen and extract.")
                     if settings.allow_anonymous else _("Sign in to use this evidence tracker."))
        right.button(_("Sign in"), on_click=st.login, key="auth_sign_in", type="primary")
    if email is None and not settings.allow_anonymous:
        st.stop()


__all__ = ["acting_identity", "frame", "may", "may_write", "navigation", "role", "sign_in_configured",
           "signed_in_email"]
