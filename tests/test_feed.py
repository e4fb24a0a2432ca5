"""The what's-new digest as an Atom feed: valid XML, stable entry IDs, text kept as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from evidence.digest import Digest
from evidence.feed import ATOM, render_atom

NOW = datetime.now(timezone.utc).replace(microsecond=0)
NS = {"a": ATOM}


def _digest() -> Digest:
    return Digest(
        since=NOW - timedelta(days=1), last_update=NOW,
        new_publications=[{"pmid": "40000001", "title": "CD19 CAR-T in <b>lupus</b> [x](http://evil)",
                           "journal": "J", "pub_date": "2026", "kind": "primary", "first_seen": NOW}],
        new_trials=[{"registry_id": "NCT09999999", "brief_title": "New trial", "status": "RECRUITING",
                     "sponsor": "S", "first_seen": NOW}],
        trial_changes=[{"registry_id": "NCT01234567", "brief_title": "T", "field": "status", "old": "RECRUITING",
                        "new": "COMPLETED", "observed_at": NOW}],
    )


def test_feed_is_atom_with_one_entry_per_item_and_stable_ids():
    root = ET.fromstring(render_atom(_digest(), app_url="https://evidence.example.org/"))
    assert root.tag == f"{{{ATOM}}}feed"
    entries = root.findall("a:entry", NS)
    assert [e.find("a:id", NS).text for e in entries][:2] == [
        "tag:cart-evidence,2026:pmid:40000001", "tag:cart-evidence,2026:trial:NCT09999999"]
    assert entries[2].find("a:title", NS).text == "NCT01234567: status: RECRUITING → COMPLETED"
    assert entries[1].find("a:link", NS).get("href") == "https://clinicaltrials.gov/study/NCT09999999"
    assert render_atom(_digest()) == render_atom(_digest())  # same digest, same feed


def test_harvested_markup_stays_text():
    text = render_atom(_digest())
    assert "<b>" not in text and "&lt;b&gt;lupus&lt;/b&gt;" in text
    title = ET.fromstring(text).find("a:entry/a:title", NS)
    assert title.get("type") == "text" and title.text.endswith("[x](http://evil)")


def test_whats_new_atom_command(engine, settings, monkeypatch):
    from sqlmodel import Session
    from typer.testing import CliRunner

    from evidence import models
    from evidence.cli import app

    with Session(engine) as session:
        session.add(models.Trial(registry_id="NCT09999998", brief_title="Recent trial", status="RECRUITING",
                                 first_seen=NOW - timedelta(days=3)))
        session.add(models.Trial(registry_id="NCT09999997", brief_title="Old trial", status="RECRUITING",
                                 first_seen=NOW - timedelta(days=90)))
        session.commit()
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    out = CliRunner().invoke(app, ["whats-new", "--format", "atom", "--app-url", "https://evidence.example.org/"])
    assert out.exit_code == 0, out.output
    root = ET.fromstring(out.stdout)
    ids = [e.find("a:id", NS).text for e in root.findall("a:entry", NS)]
    assert "tag:cart-evidence,2026:trial:NCT09999998" in ids  # within the feed's 30 days
    assert "tag:cart-evidence,2026:trial:NCT09999997" not in ids
    assert root.find("a:link", NS).get("href") == "https://evidence.example.org/"
