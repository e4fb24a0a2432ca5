"""The Overview's headline table is pooled once per data version and kept in the database.

What is kept must be exactly what ``headline_table`` computes, must be read
back without pooling again, and must never outlive the data it was pooled
from: a new outcome row, or a workbench edit in place, makes it stale.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from evidence import headline, models


def test_the_kept_table_is_the_computed_table(engine):
    with Session(engine) as s:
        computed = headline.headline_table(s)
        assert not computed.empty
        headline.store_headline_table(s)
    with Session(engine) as s:
        assert s.get(models.Meta, headline.STORE_KEY) is not None
        pd.testing.assert_frame_equal(headline.stored_headline_table(s), computed)


def test_a_kept_table_is_read_without_pooling(engine, monkeypatch):
    headline.refresh_stored_headline(engine)

    def no_pooling(session):
        raise AssertionError("pooled again although the data did not change")

    monkeypatch.setattr(headline, "headline_table", no_pooling)
    with Session(engine) as s:
        assert not headline.stored_headline_table(s).empty


def test_changed_data_are_pooled_again(engine, monkeypatch):
    headline.refresh_stored_headline(engine)
    with Session(engine) as s:  # an edit in place changes no count; its audit entry changes the version
        s.add(models.AuditEntry(reviewer="test", action="update", entity="outcome", entity_id="x",
                                field="events", old="1", new="2", why="test", change="c1"))
        s.commit()
    calls = []
    real = headline.headline_table
    monkeypatch.setattr(headline, "headline_table", lambda s: calls.append(1) or real(s))
    with Session(engine) as s:
        headline.stored_headline_table(s)
        headline.stored_headline_table(s)
    assert calls == [1]  # pooled once for the new version, then read back


def test_a_database_that_refuses_the_write_still_gets_its_table(engine, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

    monkeypatch.setattr(Session, "merge", refuse)
    with Session(engine) as s:
        table = headline.stored_headline_table(s)
        assert not table.empty and s.get(models.Meta, headline.STORE_KEY) is None


def test_the_app_reads_the_kept_table_but_never_writes_it(engine):
    with Session(engine) as s:
        computed = headline.stored_headline_table(s, keep=False)
        assert not computed.empty and s.get(models.Meta, headline.STORE_KEY) is None


def test_a_failed_precomputation_is_one_line_not_a_traceback(engine, monkeypatch, caplog):
    def broken(session, keep=True):
        raise ZeroDivisionError("in a fit")

    monkeypatch.setattr(headline, "stored_headline_table", broken)
    with caplog.at_level("WARNING", logger="evidence.headline"):
        headline.refresh_stored_headline(engine)  # the command goes on
    assert "not precomputed (ZeroDivisionError)" in caplog.text and "Traceback" not in caplog.text
