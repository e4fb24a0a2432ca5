"""PRISMA 2020 flow of the living review, counted from the database: shown, and downloaded as SVG, PNG and CSV.

The date splits "previous studies" (included before it) from this update;
each update has its own diagram. The CSV is the PRISMA2020 R package's
template, so the diagram can be redrawn there.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pandas as pd
import streamlit as st

from app_pages.i18n import _, language
from app_pages.workbench_common import grid, read, reviewer_or_stop
from evidence import prisma


def main() -> None:
    st.title(_("PRISMA 2020 flow"))
    reviewer_or_stop()
    split = st.checkbox(_("Count studies included before a date as previous studies"), key="wb_p_split")
    since = None
    if split:
        day = st.date_input(_("Previous studies: included before"), key="wb_p_since",
                            value=date.today() - timedelta(days=365))
        since = datetime.combine(day, time.min, tzinfo=timezone.utc)
    flow = read(prisma.prisma_flow, since)
    stem = f"prisma-{since:%Y-%m-%d}" if since else "prisma"
    lang = language()
    svg = prisma.render_svg(flow, lang)
    cols = st.columns(4)
    cols[0].download_button(_("Diagram (SVG)"), svg.encode("utf-8"), file_name=f"{stem}.svg", mime="image/svg+xml",
                            key="wb_p_svg")
    cols[1].download_button(_("Diagram (PNG)"), lambda: prisma.render_png(flow, lang=lang), file_name=f"{stem}.png",
                            mime="image/png", key="wb_p_png")
    cols[2].download_button(_("PRISMA2020 template (CSV)"), prisma.render_csv(flow).encode("utf-8"),
                            file_name=f"{stem}.csv", mime="text/csv", key="wb_p_csv")
    cols[3].download_button(_("Counts (JSON)"), prisma.render_json(flow).encode("utf-8"),
                            file_name=f"{stem}.json", mime="application/json", key="wb_p_json")
    st.image(svg, caption=_("Generated from the database; nothing in it is typed."))
    with st.expander(_("The numbers")):
        grid(pd.DataFrame([{_("PRISMA2020 row"): k, _("n"): v} for k, v in prisma.csv_values(flow).items()]),
                     hide_index=True, width="stretch")


main()
