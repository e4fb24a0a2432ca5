"""Studies: the curated reports, one row each."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select
from sqlmodel import Session

from evidence import models
from app_pages.common import get_engine


@st.cache_data(ttl=600)
def load_reports() -> pd.DataFrame:
    with Session(get_engine()) as session:
        reports = session.execute(select(models.Report).order_by(models.Report.year)).scalars().all()
        return pd.DataFrame([{
            "Report": r.label, "Year": r.year, "Diseases": ", ".join(r.diseases), "Target": r.target,
            "Construct": r.car_construct, "Population": r.population, "Patients": r.n_treated,
            "PubMed": f"https://pubmed.ncbi.nlm.nih.gov/{r.pmid}/" if r.pmid else None,
        } for r in reports])


st.title("CAR-T cell therapy in autoimmune disease")
frame = load_reports()
if frame.empty:
    st.info("No curated reports in the database yet. Run `make db` (or `evidence init`) to load data/.")
else:
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"PubMed": st.column_config.LinkColumn(display_text="PubMed")})
