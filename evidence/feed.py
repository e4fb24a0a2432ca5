"""The "what's new" digest as an Atom feed (RFC 4287), for a department's feed reader.

Each new publication, new trial and trial change is one entry whose ID is
stable (a tag URI built from the PMID, registry ID or change), so a reader
that polls the feed after every nightly update shows each item once.
Harvested text goes in as text: ElementTree escapes it, and ``type="text"``
tells readers not to render it as HTML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from evidence.digest import Digest, _kind_label, describe_change

ATOM = "http://www.w3.org/2005/Atom"
TAG = "tag:cart-evidence,2026:"


def _stamp(value: datetime | None) -> str:
    value = value or datetime.now(timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", {"type": "text"} if name in ("title", "summary") else {})
    element.text = value
    return element


def _entry(feed: ET.Element, entry_id: str, title: str, updated: datetime | None, link: str | None,
           summary: str) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", TAG + entry_id)
    _text(entry, "title", title)
    _text(entry, "updated", _stamp(updated))
    if link:
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": link, "rel": "alternate"})
    _text(entry, "summary", summary)


def render_atom(digest: Digest, app_url: str = "") -> str:
    """The digest as an Atom feed; ``app_url`` (the team's app) is the feed's home link."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", TAG + "whats-new")
    _text(feed, "title", "CAR-T in autoimmune disease: what's new")
    _text(feed, "updated", _stamp(digest.last_update))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "cart-evidence")
    if app_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", {"href": app_url, "rel": "alternate"})
    for p in digest.new_publications:
        _entry(feed, f"pmid:{p['pmid']}", f"{_kind_label(p['kind'])}: {p['title']}", p.get("first_seen"),
               f"https://pubmed.ncbi.nlm.nih.gov/{p['pmid']}/",
               f"PMID {p['pmid']}. {p.get('journal') or ''} {p.get('pub_date') or ''}".strip())
    for t in digest.new_trials:
        _entry(feed, f"trial:{t['registry_id']}", f"New trial {t['registry_id']}: {t['brief_title']}",
               t.get("first_seen"), _registry_link(t["registry_id"]),
               f"Status {t.get('status') or 'unknown'}; sponsor {t.get('sponsor') or 'not stated'}.")
    for c in digest.trial_changes:
        when = c.get("observed_at")
        _entry(feed, f"change:{c['registry_id']}:{c['field']}:{_stamp(when)}",
               f"{c['registry_id']}: {describe_change(c)}", when, _registry_link(c["registry_id"]),
               f"{c.get('brief_title') or ''}: {describe_change(c)}")
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _registry_link(registry_id: str) -> str | None:
    from evidence.registries import registry_url

    return registry_url(registry_id)
