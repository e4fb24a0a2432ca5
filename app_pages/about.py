"""About & methods: where the data come from, how they are pooled, and how to cite.

A reviewer must be able to write the methods section from this page: data
sources and search strategies (read from the strategy files the harvesters
use, so they cannot drift), the last update, the analysis set, the pooling
methods with references, and the citation.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import data
from app_pages.common import small_table
from app_pages.i18n import NP_, _, label, moment
from evidence.settings import load_settings
from evidence.vocab import HarvestStatus, RunSource

METHODS = _("""**Analysis set.** The same patients are reported repeatedly (a first case series, an update, a final
paper). For each outcome, each cohort contributes one report: the latest that reports that outcome for
the population asked about. "Latest" follows an explicit supersedes chain first, then the data cut-off
(else the publication year) compared at the precision both dates have (a year-only report is not older
than a cut-off day of that year). A number counts for a disease when every patient it counts has it; a
whole-cohort number of a mixed-disease cohort is listed with its split ("SLE in 4 of 8 patients") and
pooled only when the reader includes mixed cohorts in which the disease is the majority. Retracted
reports are left out. Other reports of the cohort are listed as excluded with the reason. Numbers carry
their source and a status (verified in the primary source, secondary source only, conflicting, not
verified).""")

POOLING = _("""**Pooling.** Single proportions (remission, CRS, ICANS, infection rates) are pooled with a
binomial-normal generalised linear mixed model (random-intercept logistic regression, maximum
likelihood, adaptive Gauss–Hermite quadrature) by default, which handles 0/n and n/n studies without
continuity corrections (Stijnen et al. 2010; Schwarzer et al. 2019). Alternatives: inverse-variance
random-effects models on the logit, Freeman–Tukey double-arcsine, arcsine or raw scale, with τ² by
REML, DerSimonian–Laird, Paule–Mandel or ML, and Wald or Hartung–Knapp(–Sidik–Jonkman) confidence
intervals (IntHout et al. 2014). Study CIs are exact (Clopper–Pearson). Heterogeneity: τ², I², H², Q;
95% prediction intervals (Higgins et al. 2009). Results are validated against R metafor.""")

SENSITIVITY = _("""**Sensitivity.** GLMM, logit-REML, logit-REML with Hartung–Knapp and Freeman–Tukey-REML are shown
side by side and flagged when they disagree; leave-one-out and cumulative (by data cut-off) pooling are
available. The Freeman–Tukey back-transformation can mislead (Schwarzer et al. 2019) and is offered
for comparison only.""")

REFERENCES = """
- Stijnen T, Hamza TH, Özdemir P. Random effects meta-analysis of event outcome in the framework of the
  generalized linear mixed model. Stat Med 2010;29:3046–67.
- Schwarzer G, Chemaitelly H, Abu-Raddad LJ, Rücker G. Seriously misleading results using inverse of
  Freeman–Tukey double arcsine transformation in meta-analysis of single proportions. Res Synth Methods
  2019;10:476–83.
- Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw 2010;36(3).
- Hartung J, Knapp G. A refined method for the meta-analysis of controlled clinical trials with binary
  outcome. Stat Med 2001;20:3875–89.
- IntHout J, Ioannidis JPA, Borm GF. The Hartung–Knapp–Sidik–Jonkman method for random effects meta-analysis
  is straightforward and considerably outperforms the standard DerSimonian–Laird method. BMC Med Res Methodol
  2014;14:25.
- Higgins JPT, Thompson SG, Spiegelhalter DJ. A re-evaluation of random-effects meta-analysis. J R Stat Soc A
  2009;172:137–59.
- Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of the binomial.
  Biometrika 1934;26:404–13.
"""

CITE = _("CAR-T in autoimmune disease: a living evidence tracker (cart-evidence, version {version}). "
        "Data version {data}. Accessed {date}. Please also cite the primary reports.")


def _strategy(path: str, title: str) -> None:
    file = Path(path)
    st.markdown(f"**{title}** (`{file.name}`)")
    if file.is_file():
        st.code(file.read_text(encoding="utf-8")[:5000], language=None, wrap_lines=True)  # the whole query in view
    else:
        st.caption(_("Strategy file not found in this installation."))


def main() -> None:
    version = data.data_version()
    status = data.update_status(version)
    settings = load_settings()
    st.title(_("About & methods"))
    st.markdown(_("This tracker gathers every published report and registered trial of CAR-T (and related "
                "engineered cell) therapy in autoimmune disease, keeps up with PubMed and ClinicalTrials.gov "
                "through a scheduled harvest, and pools the numbers with methods suited to small single-arm "
                "studies. It is read-only: nothing you do here changes the data."))
    st.subheader(_("Data sources"), anchor=False)
    c = status["counts"]
    st.markdown(_("- **Curated evidence base** (`data/*.csv` in the repository): {reports} reports of "
                  "{cohorts} cohorts and {numbers} sourced numbers, each with its source and location.\n"
                  "- **PubMed** (NCBI E-utilities): {publications} records.\n"
                  "- **Trial registries** (ClinicalTrials.gov API v2 and curated entries from other registries): "
                  "{trials} trials.").format(reports=c["report"], cohorts=c["cohort"], numbers=c["outcome"],
                                              publications=c["publication"], trials=c["trial"]))
    last = status["last_update"]
    st.markdown(_("**Last update:** {when} · curated data hash `{hash}`").format(
        when=moment(last) if last else _("no harvest has run yet"),
        hash=(status["data_hash"] or "none")[:12]))
    if status["runs"]:
        runs = {"source": _("Source"), "status": _("Status"), "finished": _("Finished"),
                "new": _(NP_("records", "New")), "changed": _("Changed"), "error": _("Error")}
        shown = pd.DataFrame(status["runs"])  # codes, labelled here in every language (relabel leaves English)
        shown["source"] = [label(RunSource, c) for c in shown["source"]]
        shown["status"] = [label(HarvestStatus, c) for c in shown["status"]]
        shown["finished"] = [moment(t) if pd.notna(t) else None for t in shown["finished"]]
        # One row per source: a static table (the grid's code cost a cold browser about 1 s), errors wrapped whole.
        small_table(shown[list(runs)].rename(columns=runs), {runs["new"]: "int", runs["changed"]: "int"})
    st.subheader(_("Search strategies"), anchor=False)
    _strategy(settings.pubmed_query_file, "PubMed")
    _strategy(settings.ctgov_strategy_file, "ClinicalTrials.gov")
    st.subheader(_("Methods"), anchor=False)
    for paragraph in (METHODS, POOLING, SENSITIVITY):
        st.markdown(paragraph)
    st.markdown(_("**References.**") + REFERENCES)
    st.subheader(_("How to cite"), anchor=False)
    from datetime import date
    from importlib.metadata import PackageNotFoundError, version as pkg_version
    try:
        app_version = pkg_version("cart-evidence")
    except PackageNotFoundError:
        app_version = "dev"
    st.code(CITE.format(version=app_version, data=(status["data_hash"] or "none")[:12],
                        date=date.today().isoformat()), language=None, wrap_lines=True)


main()
