# Curated records (executed by build.py). Conventions: see data/README.md.
# V = verified (read in the primary source's own abstract/text), S = secondary.
V, S, C, U = "verified", "secondary", "conflicting", "unverified"

# =============================================================================================
# 1. Erlangen academic CD19 CAR-T programme (adults)
# =============================================================================================
cohort(cohort_id="erlangen-cd19-academic",
       name="Erlangen academic CD19 CAR-T series (adults: SLE, IIM, SSc)",
       centre="Universitätsklinikum Erlangen / FAU Erlangen-Nürnberg (Deutsches Zentrum Immuntherapie), Germany",
       product="academic autologous CD19 CAR-T (lentiviral anti-CD19 CAR vector), 1×10^6 CAR T cells/kg after fludarabine + cyclophosphamide",
       registry_ids="",
       grouping_evidence=("Same centre, same academic product and dose, compassionate-use programme 2021–2023. "
                          "EULAR 2024 OP0027 (Taubmann) describes the same 15 patients as NEJM 2024 (8 SLE, 4 SSc, 3 IIM; treated Feb 2021–May 2023). "
                          "Inclusion of Mackensen 2022's 5 SLE patients, of the single-case reports (Müller 2023 ASyS, Taubmann 2023 ASyS, Bergmann 2023 SSc) "
                          "among the NEJM 15, of Auth 2024's 6 SSc patients and of the NEJM 15 in Hagen ACR 2024 (30 patients) is inferred from centre, product, "
                          "period and authorship; it is not stated in the abstracts read."),
       grouping_inferred="true",
       notes=("Compassionate use, no registry ID. Single-case reports and the SSc series are kept as reports of this cohort without outcome rows, "
              "so that each patient is counted once (the NEJM/EULAR series carry the numbers). Hagen ACR 2024 (30 patients) may also include "
              "Erlangen paediatric patients (paediatricians Krickau and Metzler are co-authors), who belong to cohort opbg-erlangen-paediatric-cd19. "
              "The Jo-1 ASyS relapse case re-treated with BCMA CAR-T (Müller 2025 Nat Med) is a separate cohort (different product/target)."))

report(report_id="mougiakakos-2021-nejm", cohort_id="erlangen-cd19-academic", supersedes="", kind="letter",
       label="Mougiakakos 2021, NEJM", first_author="Mougiakakos D", year="2021",
       title="CD19-targeted CAR T cells in refractory systemic lupus erythematosus", journal="N Engl J Med",
       pmid="", doi="", url="",
       diseases="sle;lupus_nephritis", target="cd19", construct="autologous", product="Erlangen academic CD19 CAR-T",
       population="adult", n_treated="1", n_treated_source="Pediatric Rheumatology 2024 review (doi 10.1186/s12969-024-00990-4), Table 1 [secondary]",
       followup="44 days after infusion reported (per review table)", followup_source="Pediatric Rheumatology 2024 review, Table 1 [secondary]",
       notes=("First SLE patient (class IIIa lupus nephritis) of the Erlangen programme. The NEJM letter itself, its PMID and DOI were not found in the "
              "sources searched; metadata from the citation in reviews. No outcome rows: the patient is (inferred) among Mackensen 2022's five."))

report(report_id="mackensen-2022-natmed", cohort_id="erlangen-cd19-academic", supersedes="mougiakakos-2021-nejm", kind="journal_article",
       label="Mackensen 2022, Nat Med", first_author="Mackensen A", year="2022",
       title="Anti-CD19 CAR T cell therapy for refractory systemic lupus erythematosus", journal="Nat Med",
       pmid="36109639", doi="10.1038/s41591-022-02017-5", url="https://pubmed.ncbi.nlm.nih.gov/36109639/",
       registry_ids="", diseases="sle;lupus_nephritis", target="cd19", construct="autologous",
       product="Erlangen academic CD19 CAR-T (lentiviral anti-CD19 CAR vector)", population="adult",
       dose="1×10^6 CAR T cells/kg", lymphodepletion="fludarabine + cyclophosphamide",
       n_treated="5", n_treated_source="abstract", followup="median (range) 8 (12) months", followup_months="8", followup_source="abstract",
       notes=("Compassionate use. Erratum PMID 36329355. Lupus nephritis in all five per secondary sources (not in abstract). "
              "Abstract states drug-free remission 'was maintained during longer follow-up' without a count: no drug-free-remission row."))
out("mackensen-2022-natmed", "remission_doris", "sle", 5, 5, "DORIS remission criteria", "3 months",
    "PMID 36109639", "abstract", V, "Abstract: 'Remission of SLE according to DORIS criteria was achieved in all five patients after 3 months'.")
out("mackensen-2022-natmed", "crs_any", "all", 3, 5, "CRS grade 1 (fever)", "post-infusion",
    "doi:10.1186/s12969-024-00990-4", "Pediatric Rheumatology 2024 review, Table 1", S,
    "Only in a review table ('CRS grade 1 (fever) in 3 patients'); not checked against the paper's own text.")

report(report_id="mueller-2023-lancet", cohort_id="erlangen-cd19-academic", supersedes="", kind="case_report",
       label="Müller 2023, Lancet", first_author="Müller F", year="2023",
       title="CD19-targeted CAR T cells in refractory antisynthetase syndrome", journal="Lancet",
       pmid="", doi="", url="https://www.institut-myologie.org/en/2023/08/31/anti-cd19-car-t-cells-effective-in-refractory-anti-jo1-antisynthetase-syndrome-two-german-experiments/",
       diseases="iim", target="cd19", construct="autologous", product="Erlangen academic CD19 CAR-T", population="adult",
       n_treated="1", n_treated_source="case report (41-year-old man), per institut-myologie summary [secondary]",
       followup="6 months (MMT 149/150 at six months)", followup_months="6", followup_source="institut-myologie summary [secondary]",
       notes=("Lancet 2023;401(10379):815-818 (citation read on institut-myologie.org). Anti-Jo-1 antisynthetase syndrome. PMID/DOI not read. "
              "No outcome rows: patient likely among the 3 IIM patients of Müller 2024 NEJM (inferred)."))

report(report_id="taubmann-2023-rheumatology", cohort_id="erlangen-cd19-academic", supersedes="", kind="letter",
       label="Taubmann 2023, Rheumatology (Oxford)", first_author="Taubmann J", year="2023",
       title="Rescue therapy of antisynthetase syndrome with CD19-targeted CAR-T cells after failure of several B-cell depleting antibodies",
       journal="Rheumatology (Oxford)", pmid="37432378", doi="10.1093/rheumatology/kead330",
       url="https://pmc.ncbi.nlm.nih.gov/articles/PMC10765150",
       diseases="iim", target="cd19", construct="autologous", product="Erlangen academic CD19 CAR-T", population="adult",
       n_treated="1", n_treated_source="letter text (44-year-old woman)",
       notes=("Letter, published 2023 Jul 11, Rheumatology 63(1):e12-e14. Key message: CD19 CAR-T 'can induce drug-free remission'. "
              "No outcome rows: patient likely among the NEJM 2024 IIM patients (inferred); possibly the same woman as the Müller 2025 Nat Med relapse case (45 y, Jo-1 ASyS) — not confirmed."))

report(report_id="bergmann-2023-ard", cohort_id="erlangen-cd19-academic", supersedes="", kind="letter",
       label="Bergmann 2023, Ann Rheum Dis", first_author="Bergmann C", year="2023",
       title="Treatment of a patient with severe systemic sclerosis (SSc) using CD19-targeted CAR T cells",
       journal="Ann Rheum Dis", pmid="", doi="", url="https://ard.bmj.com/content/82/8/1117.abstract",
       diseases="ssc", target="cd19", construct="autologous", product="Erlangen academic CD19 CAR-T", population="adult",
       n_treated="1", n_treated_source="title",
       notes="Ann Rheum Dis 2023;82(8):1117. Outcomes not read (abstract page shows authors only). No outcome rows: patient likely among the NEJM 2024 SSc patients (inferred).")

report(report_id="mueller-2024-nejm", cohort_id="erlangen-cd19-academic", supersedes="mackensen-2022-natmed", kind="journal_article",
       label="Müller 2024, NEJM", first_author="Müller F", year="2024",
       title="CD19 CAR T-Cell Therapy in Autoimmune Disease - A Case Series with Follow-up", journal="N Engl J Med",
       pmid="38381673", doi="10.1056/nejmoa2308917", url="https://pubmed.ncbi.nlm.nih.gov/38381673/",
       diseases="sle;iim;ssc", target="cd19", construct="autologous", product="Erlangen academic CD19 CAR-T", population="adult",
       dose="", lymphodepletion="fludarabine + cyclophosphamide", n_treated="15", n_treated_source="abstract (Methods: SLE 8, IIM 3, SSc 4)",
       followup="median 15 months (range 4 to 29)", followup_months="15", followup_source="abstract (Results)",
       notes=("N Engl J Med 2024;390(8):687-700. The PubMed abstract read was cut after the follow-up sentence; outcome counts come from "
              "secondary quotations of the abstract (news/blog summaries), hence status secondary. Dose not in the part read. "
              "CRS conflict 11/15 vs 9/15 recorded here (see outcome notes)."))
NEJM_NEXUS = "https://nexusnewsgroup.com/rheumatology/highlights-from-the-literature/cd19-car-t-cell-therapy-in-patients-with-autoimmune-disease"
NEJM_GUTS = "https://gutsandgrowth.com/tag/car-t-therapy"
out("mueller-2024-nejm", "remission_doris", "sle", 8, 8, "DORIS remission criteria", "during follow-up (median 15 months)",
    NEJM_GUTS, "blog quotation of the NEJM abstract (Results)", S,
    "'All the patients with SLE had DORIS remission' (8 SLE patients per abstract Methods). Also lupus-forum.com summary: DORIS at 6 months in all eight.")
out("mueller-2024-nejm", "lldas", "sle", 8, 8, "LLDAS", "6 months",
    "https://lupus-forum.com/publications/127/cd19-car-t-cell-therapy-in-autoimmune-disease-a-case-series-with-follow-up",
    "summary of the paper", S, "'eight patients ... achieved DORIS remission, Lupus Low Disease Activity State and a SLEDAI 2K score of 0 at 6 months'.")
out("mueller-2024-nejm", "acr_eular_major_response", "iim", 3, 3, "ACR-EULAR major clinical response", "during follow-up",
    NEJM_GUTS, "blog quotation of the NEJM abstract (Results)", S, "'all the patients with idiopathic inflammatory myositis had an ACR–EULAR major clinical response' (3 IIM patients).")
out("mueller-2024-nejm", "clinical_response_other", "ssc", 4, 4, "Decrease in EUSTAR activity index score", "during follow-up",
    NEJM_GUTS, "blog quotation of the NEJM abstract (Results)", S, "'all the patients with systemic sclerosis had a decrease in the score on the EUSTAR activity index' (4 SSc patients). Vocabulary has no SSc-specific response code.")
out("mueller-2024-nejm", "immunosuppression_stopped", "all", 15, 15, "Immunosuppressive therapy completely stopped", "during follow-up",
    NEJM_GUTS, "blog quotation of the NEJM abstract (Results)", S, "'Immunosuppressive therapy was completely stopped in all the patients'.")
out("mueller-2024-nejm", "crs_any", "all", 11, 15, "CRS any grade (10 grade 1 + 1 grade 2)", "post-infusion",
    NEJM_NEXUS, "news summary of the NEJM paper", C,
    ("CONFLICT. Default = 11/15 from the NEJM paper: nexusnewsgroup summary of NEJM ('10 patients experienced grade 1 ... 1 patient ... grade 2 cytokine-release syndrome') "
     "and an independent later paper quoting NEJM ('11 of 15 had cytokine release syndrome, and one in 15 had ... ICANS', mashupmd.com abstract of a retrospective comparative cohort study; re-read in pass 2). The EULAR 2024 OP0027 summary of the same 15 patients gives "
     "8 grade 1 + 1 grade 2 = 9/15 (variant eular2024). Default chosen: peer-reviewed full paper, two independent quotations agree, and CRS occurs in the first days after "
     "infusion, so a longer follow-up cannot lower the count; the 9/15 is a secondary news summary of a conference abstract. Neither value was read in the NEJM text itself."))
out("mueller-2024-nejm", "crs_any", "all", 9, 15, "CRS any grade (8 grade 1 + 1 grade 2)", "post-infusion",
    "https://develop-sr3snxi-tt7lcx6s5gdv4.us-4.platformsh.site/site/rheum/news/car-t-cell-treatment-refractory-autoimmune-disease",
    "news summary of EULAR 2024 OP0027 (Taubmann), same 15 patients", C,
    "Alternative value for the same 15 patients from the EULAR 2024 long-term update (report taubmann-2024-eular); not default, see default row.",
    variant="eular2024", default=False)
out("mueller-2024-nejm", "icans_any", "all", 1, 15, "ICANS grade 1", "post-infusion", NEJM_NEXUS, "news summary of the NEJM paper", S,
    "'1 patient experienced grade 1 immune effector cell–associated neurotoxicity'. Same in EULAR 2024 update.")
out("mueller-2024-nejm", "serious_infection", "all", 1, 15, "Infection requiring hospitalisation (pneumonia)", "during follow-up",
    NEJM_NEXUS, "news summary of the NEJM paper", S, "'1 patient experienced pneumonia-related hospitalization'.")

TAUB_URL = "https://develop-sr3snxi-tt7lcx6s5gdv4.us-4.platformsh.site/site/rheum/news/car-t-cell-treatment-refractory-autoimmune-disease"
report(report_id="taubmann-2024-eular", cohort_id="erlangen-cd19-academic", supersedes="mueller-2024-nejm", kind="conference_abstract",
       label="Taubmann 2024, EULAR OP0027", first_author="Taubmann J", year="2024",
       title="OP0027 Long-term safety and efficacy of CAR-T cell treatment in severe [title truncated in the source read]",
       journal="Ann Rheum Dis (EULAR 2024 abstracts)", conference="EULAR 2024", abstract_number="OP0027", url=TAUB_URL,
       diseases="sle;iim;ssc", target="cd19", construct="autologous", product="Erlangen academic CD19 CAR-T", population="adult",
       n_treated="15", n_treated_source="news summary of the abstract [secondary]: 8 SLE, 4 SSc, 3 IIM treated Feb 2021–May 2023",
       data_cutoff="", followup="median 18 months after infusion", followup_months="18", followup_source="news summary of the abstract [secondary]",
       notes=("Long-term update of the same 15 NEJM patients. Abstract text itself not read (only a news summary). "
              "CRS any grade here (8 grade 1 + 1 grade 2 = 9) conflicts with NEJM (11); recorded as variant eular2024 on mueller-2024-nejm rather than here, "
              "because CRS happens in the first days after infusion and the NEJM count is the default. Also reported: 1 late grade 4 neutropenia; no acute myelotoxicity."))
out("taubmann-2024-eular", "remission_doris", "sle", 8, 8, "DORIS", "median follow-up 18 months", TAUB_URL, "news summary of the abstract", S,
    "'All patients with SLE achieved remission, according to ... DORIS' (8 SLE).")
out("taubmann-2024-eular", "acr_eular_major_response", "iim", 3, 3, "ACR/EULAR major clinical response", "median follow-up 18 months", TAUB_URL,
    "news summary of the abstract", S, "'all patients with IIM reached a major response per ACR/EULAR criteria' (3 IIM).")
out("taubmann-2024-eular", "clinical_response_other", "ssc", 4, 4, "Improvement on the EUSTAR activity index", "median follow-up 18 months", TAUB_URL,
    "news summary of the abstract", S, "'all patients with SSc showed improvement on the EUSTAR activity index' (4 SSc).")
out("taubmann-2024-eular", "immunosuppression_stopped", "all", 15, 15, "Immunosuppressive therapy including glucocorticoids discontinued", "median follow-up 18 months",
    TAUB_URL, "news summary of the abstract", S, "'Immunosuppressive therapy, including glucocorticoids, was discontinued in all patients'.")
out("taubmann-2024-eular", "crs_grade3plus", "all", 0, 15, "high-grade CRS", "post-infusion", TAUB_URL, "news summary of the abstract", S,
    "'Safety results showed no high-grade CRS'.")
out("taubmann-2024-eular", "icans_any", "all", 1, 15, "ICANS grade 1", "post-infusion", TAUB_URL, "news summary of the abstract", S,
    "'There was only a single case of grade 1 ICANS'.")
out("taubmann-2024-eular", "icans_grade3plus", "all", 0, 15, "ICANS grade ≥3", "post-infusion", TAUB_URL, "news summary of the abstract", S,
    "The only ICANS case was grade 1 ('only a single case of grade 1 ICANS'), hence 0 of grade ≥3.")
out("taubmann-2024-eular", "serious_infection", "all", 1, 15, "Severe infection (pneumonia requiring hospitalisation)", "up to 3 years", TAUB_URL,
    "news summary of the abstract", S, "'Severe infections were rare, with only 1 case of pneumonia requiring hospitalization'.")

report(report_id="auth-2024-lancetrheumatol", cohort_id="erlangen-cd19-academic", supersedes="", kind="journal_article",
       label="Auth 2024, Lancet Rheumatol", first_author="Auth J", year="2024",
       title="CD19-targeting CAR T-cell therapy in patients with diffuse systemic sclerosis: a case series", journal="Lancet Rheumatol",
       pmid="", doi="10.1016/s2665-9913(24)00282-0", url="https://cris.fau.de/publications/332385291",
       diseases="ssc", target="cd19", construct="autologous", product="Erlangen academic CD19 CAR-T", population="adult",
       dose="1×10^6 CAR T cells/kg", n_treated="6", n_treated_source="abstract (Methods: six patients with severe diffuse SSc)",
       notes=("Primary outcome event-free time; results not in the abstract part read, so no outcome rows. Likely includes the 4 NEJM SSc patients (inferred). "
              "Year per FAU CRIS record (2024)."))

report(report_id="hagen-2024-acr", cohort_id="erlangen-cd19-academic", supersedes="taubmann-2024-eular", kind="conference_abstract",
       label="Hagen 2024, ACR Convergence abstract 1749", first_author="Hagen M", year="2024",
       title="Safety and Long-term Efficacy of CD19-CAR T-cell Therapy in 30 Patients with Autoimmune Disease", journal="ACR Convergence 2024",
       conference="ACR 2024", abstract_number="1749",
       url="https://acrabstracts.org/abstract/safety-and-long-term-efficacy-of-cd19-car-t-cell-therapy-in-30-patients-with-autoimmune-disease",
       diseases="sle;iim;ssc", target="cd19", construct="autologous", product="Erlangen CD19 CAR-T", population="mixed",
       n_treated="30", n_treated_source="title",
       notes=("Results section of the abstract was not retrievable (only title/authors), so no outcome rows; disease list and population (co-authors include "
              "paediatricians Krickau and Metzler, so 'mixed') are inferred. Likely superset of the NEJM 15 (inferred)."))

# =============================================================================================
# 2. Erlangen Jo-1 ASyS relapse re-treated with BCMA CAR-T
# =============================================================================================
cohort(cohort_id="erlangen-asys-bcma-retreatment", name="Erlangen Jo-1 antisynthetase syndrome relapse re-treated with BCMA CAR-T (single case)",
       centre="Universitätsklinikum Erlangen, Germany", product="BCMA CAR-T after failed CD19 CAR-T re-infusion", registry_ids="",
       grouping_evidence="Single case report.", grouping_inferred="false",
       notes=("Kept apart from erlangen-cd19-academic because the reported outcome follows a different product/target (BCMA). "
              "The first CD19 CAR-T treatment of this patient is probably part of erlangen-cd19-academic (possibly Taubmann 2023, 44-year-old woman) — not confirmed."))
report(report_id="mueller-2025-natmed", cohort_id="erlangen-asys-bcma-retreatment", supersedes="", kind="case_report",
       label="Müller 2025, Nat Med", first_author="Müller F", year="2025", title="", journal="Nat Med",
       pmid="", doi="10.1038/s41591-025-03718-3", url="http://preview-www.nature.com/articles/s41591-025-03718-3",
       diseases="iim", target="bcma", construct="autologous", product="BCMA CAR-T (after CD19 CAR-T)", population="adult",
       n_treated="1", n_treated_source="abstract (45-year-old woman)",
       notes=("Relapse 9 months after CD19 CAR-T; CD19 CAR-T re-infusion failed (anti-CAR T cells); daratumumab bridging; then BCMA CAR-T. "
              "Title and PMID not captured from the page read."))
out("mueller-2025-natmed", "drug_free_remission", "iim", 1, 1, "stable drug-free remission after BCMA CAR-T", "last follow-up",
    "doi:10.1038/s41591-025-03718-3", "abstract", V, "'BCMA CAR T cells ... re-induced stable drug-free remission'.")

# =============================================================================================
# 3. Rome (Bambino Gesù) + Erlangen paediatric series
# =============================================================================================
cohort(cohort_id="opbg-erlangen-paediatric-cd19", name="Bambino Gesù (Rome) and Erlangen paediatric CD19 CAR-T series",
       centre="Ospedale Pediatrico Bambino Gesù, Rome, Italy; Universitätsklinikum Erlangen, Germany",
       product="zorpocabtagene autoleucel (point-of-care autologous CD19 CAR-T), 1×10^6/kg", registry_ids="",
       grouping_evidence=("Becilli 2026 Nat Med abstract: eight children treated at Bambino Gesù and Erlangen under a hospital-exemption programme; the press release "
                          "(Feb 2026) describes the same eight (7 girls, 1 boy, 5–17 y; 4 SLE, 3 DM, 1 jSSc; five treated at Bambino Gesù). "
                          "Krickau 2024 (Erlangen, 15-year-old girl with SLE) is inferred to be one of the three Erlangen children (same centre, paediatric SLE, "
                          "Metzler senior author on both) — not stated in the sources read. Nicolai 2024 (12-year-old boy with JDM, same fresh point-of-care lentiviral Prodigy "
                          "product at 1×10^6/kg) is inferred to be the single boy among the three dermatomyositis patients — not stated."),
       grouping_inferred="true",
       notes=("Hospital exemption (not a trial). An earlier Bambino Gesù announcement of the first three adolescents (2 SLE, 1 DM) is a likely earlier report "
              "of part of this cohort (secondary, not entered). Erlangen children may also be counted in Hagen ACR 2024 (30 patients)."))
report(report_id="krickau-2024-lancet", cohort_id="opbg-erlangen-paediatric-cd19", supersedes="", kind="case_report",
       label="Krickau 2024, Lancet", first_author="Krickau T", year="2024",
       title="CAR T-cell therapy rescues adolescent with rapidly progressive lupus nephritis from haemodialysis", journal="Lancet",
       pmid="38642568", doi="10.1016/s0140-6736(24)00424-0",
       url="https://lboro-test-vufind.koha-ptfs.co.uk/PrimoRecord/cdi_proquest_miscellaneous_3043069647",
       diseases="sle;lupus_nephritis", target="cd19", construct="autologous",
       product="CD19 CAR-T, second-generation 4-1BB, lentiviral (Miltenyi), CliniMACS Prodigy", population="paediatric",
       n_treated="1", n_treated_source="case report (15-year-old girl)",
       notes=("Lancet 2024;403(10437):1627-1630; compassionate use, no registry (per r/BcellAutoimmuneDis summary). Class IV LN on haemodialysis; 'sustained remission' "
              "and weaning from dialysis reported narratively; no CRS/ICANS counts found. No outcome rows (narrative only; the patient is inferred to be counted in Becilli 2026)."))

BEC_URL = "https://acir.org/journal-articles/experimental-immunotherapy/immune-cell-biology?entryId=93410"
report(report_id="becilli-2026-natmed", cohort_id="opbg-erlangen-paediatric-cd19", supersedes="krickau-2024-lancet", kind="journal_article",
       label="Becilli 2026, Nat Med", first_author="Becilli M", year="2026",
       title="Anti-CD19 CAR T cells for pediatric patients with treatment-refractory autoimmune diseases", journal="Nat Med",
       pmid="", doi="", url=BEC_URL,
       diseases="sle;iim;ssc", target="cd19", construct="autologous",
       product="zorpocabtagene autoleucel (point-of-care autologous CD19 CAR-T)", population="paediatric",
       dose="1×10^6 CAR T cells/kg (single infusion)", lymphodepletion="lymphodepletion (regimen not stated in the abstract)",
       n_treated="8", n_treated_source="abstract (four SLE, three dermatomyositis, one systemic sclerosis)",
       followup="median 16.5 months (range 9–24)", followup_months="16.5", followup_source="abstract",
       notes=("Abstract read as reproduced on acir.org and s4me.info; DOI and PMID not found. Authors per acir: Becilli, Metzler, Bracaglia et al. "
              "First author initial 'M' not verified. Late haematotoxicity limited to grade 1 in two patients. No grade ≥3 CRS/ICANS statement in the abstract, so no grade ≥3 rows. "
              "The press release (report opbg-2026-press) gives a later/other status: 7/8 in complete remission after >24 months."))
out("becilli-2026-natmed", "clinical_response_other", "all", 8, 8, "clinically substantial improvement/resolution of the autoimmune disease", "median follow-up 16.5 months",
    BEC_URL, "abstract", V, "'all patients experienced a clinically substantial improvement/resolution of AD'.")
out("becilli-2026-natmed", "crs_any", "all", 6, 8, "CRS grade 1", "post-infusion", BEC_URL, "abstract", V, "'Grade 1 cytokine release syndrome was reported in six patients'.")
out("becilli-2026-natmed", "icans_any", "all", 1, 8, "ICANS grade 1", "post-infusion", BEC_URL, "abstract", V, "'grade 1 immune effector cell-associated neurotoxicity syndrome was reported in one patient'.")
out("becilli-2026-natmed", "serious_infection", "all", 0, 8, "severe infections", "median follow-up 16.5 months", BEC_URL, "abstract", V, "'no severe infections occurred'.")

PR_URL = "https://www.9colonne.it/590226/breakthrough-in-pediatric-autoimmune-diseases-car-t-therapy-puts-seven-children-into-full-remission"
report(report_id="opbg-2026-press", cohort_id="opbg-erlangen-paediatric-cd19", supersedes="becilli-2026-natmed", kind="press_release",
       label="Bambino Gesù press release 2026", first_author="", year="2026",
       title="Breakthrough in pediatric autoimmune diseases: CAR-T therapy puts seven children into full remission", journal="Ospedale Pediatrico Bambino Gesù press release (via 9colonne)",
       url=PR_URL, diseases="sle;iim;ssc", target="cd19", construct="autologous", product="zorpocabtagene autoleucel", population="paediatric",
       n_treated="8", n_treated_source="press release (seven girls and one boy aged 5–17)",
       data_cutoff="2026-02", followup="more than two years ('follow-up exceeding 24 months')", followup_source="press release",
       notes=("Italian press coverage dated 2026-02-05 (zazoom, sardegnalive) and English release on rna-genetherapy.eu dated 2026-02-06 carry the same figures. "
              "DIFFERENCE WITH THE JOURNAL ABSTRACT: the abstract reports 'improvement/resolution' in all 8 at a median follow-up of 16.5 months (range 9–24); the press "
              "release reports 7/8 'in complete remission, showing no signs of disease' 'more than two years later' and the 8th (juvenile SSc) with significant improvement. "
              "Different time point (press-release date vs paper cut-off) and different, informal definition (no remission criteria named). Both kept; the press release "
              "supersedes for complete remission only (the journal abstract has no complete-remission count)."))
out("opbg-2026-press", "complete_remission_other", "all", 7, 8, "'complete remission, showing no signs of disease' (press-release wording; no formal criteria named)",
    ">24 months", PR_URL, "press release", S, "Eighth patient (juvenile systemic sclerosis) 'significant clinical improvement'.")
out("opbg-2026-press", "immunosuppression_stopped", "all", 8, 8, "completely discontinued immunosuppressive therapy", ">24 months", PR_URL, "press release", S,
    "'Eight pediatric patients ... were able to completely discontinue immunosuppressive therapy'. The abstract mentions 'sustained discontinuation of immunomodulators' without a count.")

# =============================================================================================
# 4. Feng 2025 — co-infused CD19 + BCMA CAR-T in SLE (phase 1)
# =============================================================================================
cohort(cohort_id="feng-cd19-bcma-coinfusion-sle", name="Co-infused CD19 and BCMA CAR-T in refractory SLE (phase 1, Feng 2025)",
       centre="not stated in the abstract read (authors include He Huang, Yongxian Hu, Jin Lin)", product="co-infused autologous anti-CD19 and anti-BCMA CAR-T",
       registry_ids="", grouping_evidence="Single report.", grouping_inferred="false", notes="Registry ID not in the abstract read.")
FENG = "PMID 40993243"
report(report_id="feng-2025-natmed", cohort_id="feng-cd19-bcma-coinfusion-sle", supersedes="", kind="journal_article",
       label="Feng 2025, Nat Med", first_author="Feng J", year="2025",
       title="Co-infusion of CD19-targeting and BCMA-targeting CAR-T cells for treatment-refractory systemic lupus erythematosus: a phase 1 trial",
       journal="Nat Med", pmid="40993243", doi="10.1038/s41591-025-03937-8", url="https://pubmed.ncbi.nlm.nih.gov/40993243/",
       diseases="sle", target="cd19_bcma", construct="autologous", product="co-infused anti-CD19 and anti-BCMA CAR-T cells", population="adult",
       dose="dose escalation (doses not in abstract)", lymphodepletion="fludarabine + cyclophosphamide",
       n_treated="15", n_treated_source="abstract (14 female, one male; '12 of 15 patients')",
       followup="median 712 days (range 613–1,134)", followup_months="", followup_source="abstract",
       notes=("Follow-up stated in days only (median 712 d), so followup_months left empty. Grade ≥3 AEs: neutropenia 100%, thrombocytopenia 40%, anaemia 13.3%. "
              "No statement excluding grade ≥2 CRS, so no crs_grade3plus row."))
out("feng-2025-natmed", "complete_remission_other", "all", 12, 15, "fulfilled both LLDAS and DORIS remission criteria", "by week 12", FENG, "abstract", V,
    "'By week 12, 12 of 15 patients (80%) fulfilled both the LLDAS and DORIS remission criteria'. Recorded as a joint outcome (not as separate DORIS/LLDAS counts, which may be higher).")
out("feng-2025-natmed", "crs_any", "all", 13, 15, "CRS grade 1", "post-infusion", FENG, "abstract", V,
    "(computed from 86.7% of 15: 13/15 = 86.7% is the only integer match) 'Grade 1 cytokine release syndrome developed in 86.7% of patients'.")
out("feng-2025-natmed", "icans_any", "all", 0, 15, "neurotoxicity", "post-infusion", FENG, "abstract", V, "'with no neurotoxicity'.")
out("feng-2025-natmed", "death", "all", 0, 15, "treatment-related deaths", "median follow-up 712 days", FENG, "abstract", V, "'no ... treatment-related deaths'.")

# =============================================================================================
# 5. BCMA-CD19 compound CAR (cCAR) in SLE/LN
# =============================================================================================
cohort(cohort_id="ccar-bcma-cd19-sle-ln", name="BCMA-CD19 compound CAR-T (cCAR) phase 1 in SLE with lupus nephritis",
       centre="multicentre (China); centres not stated in the abstract read", product="BCMA-CD19 compound CAR-T (cCAR), 3×10^6 cells/kg",
       registry_ids="", grouping_evidence="Single report.", grouping_inferred="false",
       notes="The single SLE-overlap case with the same cCAR (cohort ccar-sle-overlap-case) may or may not belong to this trial — relation not stated.")
report(report_id="wang-2024-ard", cohort_id="ccar-bcma-cd19-sle-ln", supersedes="", kind="journal_article",
       label="Wang 2024, Ann Rheum Dis", first_author="Wang W", year="2024",
       title="BCMA-CD19 compound CAR T cells for systemic lupus erythematosus: a phase 1 open-label clinical trial", journal="Ann Rheum Dis",
       pmid="38777376", doi="10.1136/ard-2024-225785", url="https://pubmed.ncbi.nlm.nih.gov/38777376/",
       diseases="sle;lupus_nephritis", target="cd19_bcma", construct="autologous", product="BCMA-CD19 compound CAR (cCAR)", population="adult",
       dose="3×10^6 cCAR cells/kg (P11 under-dosed)", lymphodepletion="conditioning (regimen not stated in abstract)",
       n_treated="", n_treated_source="", followup="up to 46 months", followup_source="abstract",
       notes=("Ann Rheum Dis 2024;83(10):1304-1314. The abstract does not state the number treated: patients are numbered P1–P13 (P1–P2 also had lymphoma; P11 under-dosed), "
              "so n_treated is left empty rather than computed. 'Symptom and medication-free remission' is described for P1–P2 and P3–P13 excluding P11 but not as a count; "
              "'mild cytokine-release syndrome' without a count. No outcome rows. First author initial from studies.md (not re-read)."))

cohort(cohort_id="ccar-sle-overlap-case", name="BCMA-CD19 cCAR single case: refractory SLE overlap syndrome with class III LN",
       centre="not stated in the source read", product="BCMA-CD19 compound CAR-T (cCAR), 3×10^6 cells/kg", registry_ids="",
       grouping_evidence="Single case.", grouping_inferred="false", notes="Journal, DOI and date not found; abstract read on an aggregator page.")
CCAR_URL = "https://synapse.patsnap.com/organization/6c52fb3409a529474d7766a609ed4e5a"
report(report_id="ccar-sle-overlap-case", cohort_id="ccar-sle-overlap-case", supersedes="", kind="case_report",
       label="cCAR SLE overlap case (journal not identified)", first_author="", year="", title="", journal="", url=CCAR_URL,
       diseases="sle;lupus_nephritis", target="cd19_bcma", construct="autologous", product="BCMA-CD19 compound CAR (cCAR)", population="adult",
       dose="3×10^6 cCAR cells/kg", lymphodepletion="cyclophosphamide", n_treated="1", n_treated_source="abstract (53-year-old woman)",
       followup="over 1.5 years", followup_source="abstract",
       notes="Abstract text read on a patsnap/synapse aggregator page; citation (journal, year, authors) not identified, hence status secondary.")
out("ccar-sle-overlap-case", "drug_free_remission", "sle", 1, 1, "medication-free complete remission (SLEDAI-2K 8→0)", ">1.5 years", CCAR_URL, "abstract on aggregator page", S,
    "'durable, medication-free complete remission maintained for over 1.5 years'.")
out("ccar-sle-overlap-case", "crs_any", "all", 1, 1, "CRS grade 1", "post-infusion", CCAR_URL, "abstract on aggregator page", S, "'transient, manageable grade 1 cytokine release syndrome'.")

# =============================================================================================
# 6. Anti-BCMA CAR-T in refractory lupus nephritis (Chen Y et al.)
# =============================================================================================
cohort(cohort_id="bcma-ln-chen", name="Anti-BCMA CAR-T in refractory lupus nephritis (Chen Y et al.)",
       centre="not stated in the source read (authors include Dong L, Li C, Bai L)", product="anti-BCMA CAR-T after cyclophosphamide + fludarabine",
       registry_ids="", grouping_evidence="Single report.", grouping_inferred="false", notes="Journal and year not identified.")
CHEN_URL = "https://synapse.zhihuiya.com/organization/bd97aefcf0351f56624075645bb3261a?campaign_promotion=LS_SEOGW"
report(report_id="chen-bcma-ln", cohort_id="bcma-ln-chen", supersedes="", kind="journal_article",
       label="Chen (BCMA CAR-T in LN; journal not identified)", first_author="Chen Y", year="", title="", journal="", url=CHEN_URL,
       diseases="sle;lupus_nephritis", target="bcma", construct="autologous", product="anti-BCMA CAR-T", population="adult",
       lymphodepletion="cyclophosphamide + fludarabine", n_treated="7", n_treated_source="abstract ('Seven biopsy-confirmed LN patients were enrolled')",
       followup="median 9 months", followup_months="9", followup_source="abstract",
       notes="Abstract read on an aggregator page (synapse/zhihuiya); journal, year, DOI and PMID not identified, so all numbers are secondary. n is 'enrolled' (all appear to have been infused).")
out("chen-bcma-ln", "remission_doris", "sle", 5, 7, "DORIS complete remission", "last follow-up (median 9 months)", CHEN_URL, "abstract on aggregator page", S,
    "'5 out of 7 patients achieved ... DORIS complete remission'.")
out("chen-bcma-ln", "crs_any", "all", 1, 7, "CRS grade 1", "post-infusion", CHEN_URL, "abstract on aggregator page", S, "'Only one case of grade 1 cytokine release syndrome was noted'.")
out("chen-bcma-ln", "icans_any", "all", 0, 7, "ICANS", "post-infusion", CHEN_URL, "abstract on aggregator page", S, "'no immune effector cell-associated neurotoxicity syndrome'.")
out("chen-bcma-ln", "serious_infection", "all", 0, 7, "severe infection", "median follow-up 9 months", CHEN_URL, "abstract on aggregator page", S, "'no ... severe infection was reported'.")

# =============================================================================================
# 7–8. Allogeneic CRISPR CD19 CAR-T, NCT05859997 (two different patient groups)
# =============================================================================================
cohort(cohort_id="nct05859997-allo-iim-ssc", name="Allogeneic CRISPR-edited CD19 CAR-T (TyU19/BRL-301) in IMNM and dcSSc (NCT05859997)",
       centre="Shanghai (Huji Xu group; centre not stated in the abstract read)", product="healthy-donor CRISPR-Cas9-edited allogeneic CD19 CAR-T",
       registry_ids="NCT05859997", grouping_evidence="Single report; trial shared with cohort nct05859997-allo-sle (different patients).", grouping_inferred="false",
       notes="Product name TyU19/BRL-301 per institut-myologie.org (secondary). Same trial as Wang D 2025 (SLE patients) — different patients, different cohort.")
report(report_id="wang-x-2024-cell", cohort_id="nct05859997-allo-iim-ssc", supersedes="", kind="journal_article",
       label="Wang X 2024, Cell", first_author="Wang X", year="2024",
       title="Allogeneic CD19-targeted CAR-T therapy in patients with severe myositis and systemic sclerosis", journal="Cell",
       pmid="", doi="10.1016/j.cell.2024.06.027", url="https://bohrium.dp.tech/paper/arxiv/c54c346fced988d5b9042f712e225bf4494a34fbbadf613c08a0f422a614606c",
       registry_ids="NCT05859997", diseases="iim;ssc", target="cd19", construct="allogeneic", product="allogeneic CRISPR-edited CD19 CAR-T (TyU19/BRL-301)",
       population="adult", n_treated="3", n_treated_source="abstract (1 IMNM, 2 diffuse cutaneous SSc)", followup="6 months", followup_months="6", followup_source="abstract",
       notes="Published online 2024-07-09 (per bohrium page). PMID not captured.")
WX = "doi:10.1016/j.cell.2024.06.027"
out("wang-x-2024-cell", "crs_any", "all", 0, 3, "CRS", "6-month follow-up", WX, "abstract", V, "'deep remission without cytokine release syndrome or other serious adverse events in all three patients'.")
out("wang-x-2024-cell", "serious_infection", "all", 0, 3, "no serious adverse events of any kind", "6-month follow-up", WX, "abstract", V, "No serious adverse events in all three patients (so no serious infection).")
out("wang-x-2024-cell", "clinical_response_other", "iim", 1, 1, "'deep remission' shown by improvement in the disease's clinical response index score (index not named in abstract)", "6 months", WX, "abstract", V, "IMNM patient.")
out("wang-x-2024-cell", "clinical_response_other", "ssc", 2, 2, "'deep remission' shown by improvement in the disease's clinical response index score (index not named in abstract)", "6 months", WX, "abstract", V, "Two dcSSc patients.")

cohort(cohort_id="nct05859997-allo-sle", name="Allogeneic CD19 CAR-T in refractory SLE (NCT05859997)",
       centre="Shanghai (centre not stated in the abstract read)", product="healthy-donor allogeneic CD19 CAR-T, 1×10^6/kg",
       registry_ids="NCT05859997", grouping_evidence="Single report; trial shared with cohort nct05859997-allo-iim-ssc (different patients).", grouping_inferred="false", notes="")
WD = "PMID 40446794"
report(report_id="wang-d-2025-med", cohort_id="nct05859997-allo-sle", supersedes="", kind="journal_article",
       label="Wang D 2025, Med", first_author="Wang D", year="2025",
       title="Allogeneic CD19-targeted CAR-T therapy in refractory systemic lupus erythematosus achieved durable remission", journal="Med",
       pmid="40446794", doi="10.1016/j.medj.2025.100749", url="https://pubmed.ncbi.nlm.nih.gov/40446794/",
       registry_ids="NCT05859997", diseases="sle", target="cd19", construct="allogeneic", product="healthy-donor allogeneic CD19 CAR-T", population="adult",
       dose="1×10^6 CAR-T cells/kg", n_treated="3", n_treated_source="abstract", data_cutoff="", followup="12 months", followup_months="12", followup_source="abstract",
       notes="Enrolled Aug–Oct 2023. Patient 1 withdrew at month 1 (severe thrombocytopenia, added immunosuppression) yet abstract says all reached SRI-4 at last visit. No GvHD.")
out("wang-d-2025-med", "sri4", "all", 3, 3, "SRI-4", "last visit", WD, "abstract", V, "'all the patients reached SRI-4 remission at the last visit' (patient 1 withdrew at month 1; last visit differs).")
out("wang-d-2025-med", "crs_any", "all", 0, 3, "CRS", "12-month follow-up", WD, "abstract", V, "'No patient underwent GvHD, CRS, or ICANS'.")
out("wang-d-2025-med", "icans_any", "all", 0, 3, "ICANS", "12-month follow-up", WD, "abstract", V, "'No patient underwent GvHD, CRS, or ICANS'.")
out("wang-d-2025-med", "serious_infection", "all", 0, 3, "no severe adverse events of any kind", "12-month follow-up", WD, "abstract", V, "'no severe adverse events were recorded'.")

# =============================================================================================
# 9. YTS109 allogeneic CD19 STAR-T in SLE with LN
# =============================================================================================
cohort(cohort_id="yts109-sle-ln", name="YTS109 allogeneic CD19 STAR-T cells in refractory SLE with lupus nephritis (NCT06379646)",
       centre="not stated in the abstract read (study led by Huji Xu per news)", product="YTS109 (hypoimmune allogeneic CD19-targeting STAR-T)",
       registry_ids="NCT06379646", grouping_evidence="Single report (SLE cohort of a multi-disease trial).", grouping_inferred="false",
       notes="STAR (synthetic TCR and antigen receptor) is a CAR relative; included as a close relative of CAR-T.")
Y109 = "doi:10.1038/s41591-025-03899-x"
report(report_id="yts109-2025-natmed", cohort_id="yts109-sle-ln", supersedes="", kind="journal_article",
       label="YTS109 SLE cohort 2025, Nat Med", first_author="", year="2025", title="", journal="Nat Med",
       pmid="", doi="10.1038/s41591-025-03899-x", url="http://preview-www.nature.com/articles/s41591-025-03899-x",
       registry_ids="NCT06379646", diseases="sle;lupus_nephritis", target="cd19", construct="allogeneic", product="YTS109", population="adult",
       dose="3×10^6 STAR+ T cells/kg", lymphodepletion="lymphodepletion (regimen not stated in abstract)",
       n_treated="5", n_treated_source="abstract ('all enrolled five patients')", followup="6 months (M6)", followup_months="6", followup_source="abstract",
       notes=("Title, first author and PMID not captured from the preview page. 'Only mild cytokine release syndrome' without a count: no CRS row. No GvHD. "
              "One patient had a mild refractory flare at M6."))
out("yts109-2025-natmed", "sri4", "all", 5, 5, "SLE Responder Index 4", "month 3 (sustained to month 6)", Y109, "abstract", V, "'All five patients in the SLE cohort achieved SLE responder index 4 response at M3, which was sustained through to M6'.")

# =============================================================================================
# 10. CT103A BCMA CAR-T in NMOSD (Tongji)
# =============================================================================================
cohort(cohort_id="ct103a-nmosd-tongji", name="CT103A anti-BCMA CAR-T in AQP4-IgG+ NMOSD (Tongji Hospital)",
       centre="Tongji Hospital, Wuhan, China", product="CT103A (anti-BCMA CAR-T; Nanjing IASO collaborator)",
       registry_ids="NCT04561557",
       grouping_evidence="Single outcome report. Qin 2024 Sci Immunol (mechanistic, same patients) not entered.",
       grouping_inferred="false",
       notes="NCT04561557 (Tongji, CT103A, Early Phase 1, NMOSD and other antibody-mediated neurological diseases) linked by product and sponsor; the NCT number is not in the abstract read.")
QIN = "PMID 36596762"
report(report_id="qin-2023-sttt", cohort_id="ct103a-nmosd-tongji", supersedes="", kind="journal_article",
       label="Qin 2023, Signal Transduct Target Ther", first_author="Qin C", year="2023",
       title="Anti-BCMA CAR T-cell therapy CT103A in relapsed or refractory AQP4-IgG seropositive neuromyelitis optica spectrum disorders: phase 1 trial interim results",
       journal="Signal Transduct Target Ther", pmid="36596762", doi="10.1038/s41392-022-01278-3", url="https://pubmed.ncbi.nlm.nih.gov/36596762/",
       registry_ids="", diseases="nmosd", target="bcma", construct="autologous", product="CT103A", population="adult",
       n_treated="12", n_treated_source="abstract", followup="median 5.5 months", followup_months="5.5", followup_source="abstract",
       notes="Interim results. Median age 49.5 (30–67); 10 women. CAR-T persisted >6 months in 17%.")
out("qin-2023-sttt", "relapse_free", "all", 11, 12, "no relapse during follow-up", "median 5.5 months", QIN, "abstract", V, "'During the follow-up of a median 5.5 months, 11 patients had no relapse'.")
out("qin-2023-sttt", "crs_any", "all", 12, 12, "CRS", "post-infusion", QIN, "abstract", V, "'Cytokine release syndrome was reported in all patients'.")
out("qin-2023-sttt", "crs_grade3plus", "all", 0, 12, "CRS grade ≥3", "post-infusion", QIN, "abstract", V, "'with only events of grade 1 or 2 observed'.")
out("qin-2023-sttt", "infection_any", "all", 7, 12, "infections (any grade; no grade 4)", "follow-up", QIN, "abstract", V, "'Seven patients (58%) developed infections, but no grade 4 infections occurred'.")

# =============================================================================================
# 11. Descartes-08 (BCMA mRNA CAR-T) in MG — MG-001
# =============================================================================================
cohort(cohort_id="descartes08-mg001", name="Descartes-08 BCMA mRNA CAR-T in generalised myasthenia gravis, MG-001 phase 1b/2a (NCT04146051)",
       centre="multicentre, USA (8 sites)", product="Descartes-08 (autologous BCMA-directed mRNA CAR-T, no lymphodepletion)",
       registry_ids="NCT04146051",
       grouping_evidence=("Chahin 2025 reports 12-month follow-up of the subset of Phase 2a participants who received six weekly infusions, from the same trial (NCT04146051) "
                          "as Granit 2023 (phase 1b/2a, 14 participants)."),
       grouping_inferred="false",
       notes="Chahin's 7 are a subset of Granit's 14. The randomised phase 2b (26 participants, Nat Med) is a separate cohort not entered (results not read).")
report(report_id="granit-2023-lancetneurol", cohort_id="descartes08-mg001", supersedes="", kind="journal_article",
       label="Granit 2023, Lancet Neurol", first_author="Granit V", year="2023",
       title="Safety and clinical activity of autologous RNA chimeric antigen receptor T-cell therapy in myasthenia gravis (MG-001): a prospective, multicentre, open-label, non-randomised phase 1b/2a study",
       journal="Lancet Neurol", pmid="", doi="", url="https://www.rarediseaseadvisor.com/news/mg-news-briefs/rna-engineered-car-t-therapy-shows-promise-treating-mg/",
       diseases="mg", target="bcma", construct="mrna", product="Descartes-08", population="adult", lymphodepletion="none",
       n_treated="14", n_treated_source="news summary [secondary]: '16 individuals screened, 14 enrolled'",
       followup="median about 5 months after six infusions [secondary]", followup_source="institut-myologie.org summary [secondary]",
       notes="Abstract not read; PMID/DOI not captured. Citation from institut-myologie.org (Lancet Neurol 2023 Jul). MG scale improvements reported without counts.")
RDA = "https://www.rarediseaseadvisor.com/news/mg-news-briefs/rna-engineered-car-t-therapy-shows-promise-treating-mg/"
out("granit-2023-lancetneurol", "crs_any", "all", 0, 14, "CRS", "study period", RDA, "news summary of the paper", S, "'14 enrolled without observing dose-limiting toxicity, cytokine release syndrome, or neurotoxicity'.")
out("granit-2023-lancetneurol", "icans_any", "all", 0, 14, "neurotoxicity", "study period", RDA, "news summary of the paper", S, "'without observing ... neurotoxicity'.")
CHA = "PMID 40856088"
report(report_id="chahin-2025-acn", cohort_id="descartes08-mg001", supersedes="granit-2023-lancetneurol", kind="journal_article",
       label="Chahin 2025, Ann Clin Transl Neurol", first_author="Chahin N", year="2025",
       title="Durability of Response to B-Cell Maturation Antigen-Directed mRNA Cell Therapy in Myasthenia Gravis", journal="Ann Clin Transl Neurol",
       pmid="40856088", doi="10.1002/acn3.70167", url="https://pubmed.ncbi.nlm.nih.gov/40856088/",
       registry_ids="NCT04146051", diseases="mg", target="bcma", construct="mrna", product="Descartes-08", population="adult",
       dose="52.5×10^6 CAR+ cells/kg per infusion, six weekly infusions", lymphodepletion="none",
       n_treated="7", n_treated_source="abstract (subset receiving six weekly infusions)", followup="12 months", followup_months="12", followup_source="abstract",
       notes="Subset (7) of the MG-001 phase 2a participants; outcome rows concern this subset only. 'without significant toxicity' (no CRS/ICANS counts).")
out("chahin-2025-acn", "mg_adl_improvement", "all", 7, 7, "clinically meaningful improvement in MG-ADL (also MGC, QMG, MG-QoL15r)", "month 3", CHA, "abstract", V,
    "'All seven participants who received six weekly infusions ... exhibited clinically meaningful improvement in ... MG Activities of Daily Living ... at Month 3'.")

# =============================================================================================
# 12. KYSA-1 (KYV-101) in lupus nephritis
# =============================================================================================
cohort(cohort_id="kysa1-kyv101-ln", name="KYSA-1: KYV-101 fully human CD19 CAR-T in refractory lupus nephritis (NCT05938725)",
       centre="multicentre, USA (Kyverna Therapeutics)", product="KYV-101 (fully human autologous CD19 CAR-T)", registry_ids="NCT05938725",
       grouping_evidence="Company trial; later updates would be reports of this cohort.", grouping_inferred="false", notes="")
KY = "https://lupus.bmj.com/content/11/Suppl_1/A109"
report(report_id="kysa1-2024-lsm", cohort_id="kysa1-kyv101-ln", supersedes="", kind="conference_abstract",
       label="KYSA-1 2024, Lupus Sci Med A109", first_author="", year="2024",
       title="KYSA-1 preliminary report (title not captured)", journal="Lupus Sci Med 2024;11(Suppl 1)", conference="", abstract_number="A109", url=KY,
       registry_ids="NCT05938725", diseases="sle;lupus_nephritis", target="cd19", construct="autologous", product="KYV-101", population="adult",
       dose="DL1 0.5×10^8 CAR T cells", lymphodepletion="fludarabine 30 mg/m2/day + cyclophosphamide 300 mg/m2/day, days −7 to −5",
       n_treated="2", n_treated_source="abstract", followup="90 and 28 days", followup_source="abstract",
       notes="Congress name and authors not captured. 'evidence of clinical improvement' without a defined response count.")
out("kysa1-2024-lsm", "crs_any", "all", 2, 2, "CRS grade 1 (fever)", "post-infusion", KY, "abstract", V, "'both patients experienced grade 1 cytokine release syndrome'.")
out("kysa1-2024-lsm", "crs_grade3plus", "all", 0, 2, "CRS grade ≥3", "post-infusion", KY, "abstract", V, "Both CRS events were grade 1.")
out("kysa1-2024-lsm", "icans_any", "all", 0, 2, "ICANS", "post-infusion", KY, "abstract", V, "'No immune effector cell-associated neurotoxicity syndrome, DLTs, or serious AEs occurred'.")
out("kysa1-2024-lsm", "serious_infection", "all", 0, 2, "no serious adverse events of any kind", "90/28 days", KY, "abstract", V, "'No ... serious AEs occurred'.")

# =============================================================================================
# 13. YTB323 (rapcabtagene autoleucel) in srSLE — Novartis
# =============================================================================================
cohort(cohort_id="ytb323-srsle", name="YTB323 (rapcabtagene autoleucel) in severe refractory SLE, phase 1/2 (NCT05798117)",
       centre="multicentre (Novartis)", product="YTB323 rapcabtagene autoleucel (rapidly manufactured autologous CD19 CAR-T)", registry_ids="NCT05798117",
       grouping_evidence="Serial company updates of the same trial: 6 patients (LSM 2024) ⊂ 13 analysed (EULAR 2025) ⊂ 21 enrolled (ACR 2025).",
       grouping_inferred="false", notes="Only the 2024 abstract gave safety counts in the parts read.")
YT = "https://lupus.bmj.com/content/11/Suppl_1/A170.2"
report(report_id="ytb323-2024-lsm", cohort_id="ytb323-srsle", supersedes="", kind="conference_abstract",
       label="YTB323 2024, Lupus Sci Med A170.2", first_author="", year="2024", title="YTB323 in srSLE, preliminary report (title not captured)",
       journal="Lupus Sci Med 2024;11(Suppl 1)", abstract_number="A170.2", url=YT, registry_ids="NCT05798117",
       diseases="sle", target="cd19", construct="autologous", product="YTB323 (rapcabtagene autoleucel)", population="adult",
       n_treated="6", n_treated_source="abstract", data_cutoff="2023-12", notes="Lymphodepletion-related grade 3–4 cytopenia in all six. Pneumonia grade 2 in one patient (not counted as serious).")
out("ytb323-2024-lsm", "crs_any", "all", 4, 6, "CRS (grade 1 n=1, grade 2 n=3)", "post-infusion", YT, "abstract", V, "'Cytokine release syndrome (grade 1 [n=1] or 2 [n=3]) was observed in four of six patients'.")
out("ytb323-2024-lsm", "crs_grade3plus", "all", 0, 6, "CRS grade ≥3", "post-infusion", YT, "abstract", V, "All four CRS events were grade 1 or 2.")
out("ytb323-2024-lsm", "icans_any", "all", 0, 6, "ICANS", "post-infusion", YT, "abstract", V, "'No events of immune cell-associated neurotoxicity syndrome were reported'.")
report(report_id="ytb323-2025-eular", cohort_id="ytb323-srsle", supersedes="ytb323-2024-lsm", kind="conference_abstract",
       label="YTB323 2025, EULAR OP0079", first_author="", year="2025", title="", journal="Ann Rheum Dis (EULAR 2025 abstracts)",
       conference="EULAR 2025", abstract_number="OP0079", url="https://scientific.sparx-ip.net/archiveeular/?c=a&item=2025OP0079&view=3",
       registry_ids="NCT05798117", diseases="sle", target="cd19", construct="autologous", product="YTB323 (rapcabtagene autoleucel)", population="adult",
       dose="12.5×10^6 CAR-positive viable T cells (single dose)", lymphodepletion="cyclophosphamide/fludarabine",
       n_treated="13", n_treated_source="abstract ('data from 13 patients ... analysed'; 21 enrolled)",
       notes="Results part beyond the patient count not read; no outcome rows.")
report(report_id="ytb323-2025-acr", cohort_id="ytb323-srsle", supersedes="ytb323-2025-eular", kind="conference_abstract",
       label="Morand 2025, ACR Convergence abstract 2696", first_author="Morand E", year="2025",
       title="Biomarker Data From an Open-Label, Phase 1/2 Study for YTB323 (Rapcabtagene Autoleucel, a Rapidly Manufactured CD19 CAR-T Therapy) Suggest Reset of the B Cell Compartment in Severe Refractory SLE",
       journal="ACR Convergence 2025", conference="ACR 2025", abstract_number="2696",
       url="https://acrabstracts.org/abstract/biomarker-data-from-an-open-label-phase-1-2-study-for-ytb323-rapcabtagene-autoleucel-a-rapidly-manufactured-cd19-car-t-therapy-suggest-reset-of-the-b-cell-compartment-in-severe-refractory-sle",
       registry_ids="NCT05798117", diseases="sle", target="cd19", construct="autologous", product="YTB323 (rapcabtagene autoleucel)", population="adult",
       dose="12.5×10^6 CAR-positive viable T cells", lymphodepletion="lymphodepletion (regimen not stated in the part read)",
       n_treated="21", n_treated_source="abstract ('Data from all enrolled patients in the study (n=21) were analyzed')",
       followup="mean (SD) 11.2 (4.5) months", followup_months="", followup_source="abstract (mean, not median)",
       notes="Biomarker abstract; clinical outcome counts not in the part read. followup_months left empty because only a mean is given.")

# =============================================================================================
# 14. obe-cel CARLYSLE (Autolus)
# =============================================================================================
cohort(cohort_id="obecel-carlysle", name="obe-cel (obecabtagene autoleucel) CARLYSLE phase 1 in severe refractory SLE (NCT06333483)",
       centre="UCL/UCLH London, Manchester, Cambridge (UK); Vall d'Hebron Barcelona, La Fe Valencia (Spain)", product="obecabtagene autoleucel (autologous CD19 CAR-T, fast off-rate binder)",
       registry_ids="NCT06333483", grouping_evidence="Serial updates of the same trial: 6 infused (ACR 2025, cut-off 17 Mar 2025) ⊂ 9 infused (ASH 2025).",
       grouping_inferred="false", notes="")
OB = "https://acrabstracts.org/abstract/obecabtagene-autoleucel-obe-cel-a-cd19-targeting-autologous-chimeric-antigen-receptor-t-cell-therapy-car-t-with-a-fast-off-rate-binding-domain-in-patients-pts-with-severe-refractory-systemic"
OBPR = "https://trial.medpath.com/news/797774c0773a6477/autolus-therapeutics-reports-promising-safety-profile-for-car-t-therapy-in-severe-lupus-patients"
report(report_id="obecel-2025-acr", cohort_id="obecel-carlysle", supersedes="", kind="conference_abstract",
       label="Leandro 2025, ACR Convergence abstract 2458", first_author="Leandro M", year="2025",
       title="Obecabtagene autoleucel (obe-cel), a CD19-targeting Autologous Chimeric Antigen Receptor T-cell Therapy (CAR T) with a fast off-rate binding domain, in Patients (pts) with Severe, Refractory Systemic Lupus Erythematosus (srSLE): Preliminary Results from the Phase I CARLYSLE Study",
       journal="ACR Convergence 2025", conference="ACR 2025", abstract_number="2458", url=OB, registry_ids="NCT06333483",
       diseases="sle;lupus_nephritis", target="cd19", construct="autologous", product="obecabtagene autoleucel", population="adult",
       dose="50×10^6 (±20%) CAR T cells, flat", lymphodepletion="fludarabine 3×25 mg/m2 + cyclophosphamide 1×1,000 mg/m2",
       n_treated="6", n_treated_source="abstract (7 enrolled, 6 infused)", data_cutoff="2025-03-17", followup="up to 8 months (range 1–8)", followup_source="abstract",
       notes="All infused patients had class III or IV LN. Safety/efficacy counts below are from the company press release (via medpath), not from the abstract text read.")
out("obecel-2025-acr", "complete_renal_response", "lupus_nephritis", 3, 6, "complete renal response (definition not given in the release)", "up to 8 months", OBPR,
    "company press release (news item)", S, "'three patients achieving complete renal response'; denominator assumed = the 6 infused patients with LN described in the abstract.")
out("obecel-2025-acr", "crs_grade3plus", "all", 0, 6, "no grade ≥2 CRS", "post-infusion", OBPR, "company press release (news item)", S, "'no Grade ≥2 cytokine release syndrome (CRS)' (so no grade ≥3). Any-grade CRS count not given.")
out("obecel-2025-acr", "icans_any", "all", 0, 6, "ICANS", "post-infusion", OBPR, "company press release (news item)", S, "'no cases of immune effector cell-associated neurotoxicity syndrome (ICANS)'.")
report(report_id="obecel-2025-ash", cohort_id="obecel-carlysle", supersedes="obecel-2025-acr", kind="conference_abstract",
       label="Roddie 2025, ASH (CARLYSLE update)", first_author="Roddie C", year="2025", title="", journal="ASH 2025 Annual Meeting", conference="ASH 2025",
       url="https://lupushub.com/medical-information/carlysle-phase-i-trial-obe-cel-for-severe-refractory-sle", registry_ids="NCT06333483",
       diseases="sle;lupus_nephritis", target="cd19", construct="autologous", product="obecabtagene autoleucel", population="adult",
       dose="50×10^6 (n=6) or 100×10^6 (n=3) CAR T cells", n_treated="9", n_treated_source="lupushub.com meeting report [secondary]",
       data_cutoff="", followup="median 12 months (50M cohort, per company release)", followup_months="", followup_source="company press release via stocktitan [secondary]",
       notes=("Presented by Claire Roddie at ASH 2025 (8 Dec 2025, per lupushub.com and the Autolus release). Abstract number and abstract text not read; outcome counts from the "
              "company press release as summarised on stocktitan.net (secondary). Efficacy and CRS counts are given per dose cohort; the 50M cohort (n=6) is the same six patients "
              "as the ACR 2025 abstract, so rows below are restricted to it (not summed across cohorts). One transient grade 3 liver toxicity in the 100M cohort."))
OBASH = "https://www.stocktitan.net/news/AUTL/autolus-therapeutics-presents-updated-clinical-data-from-the-43xgvsv7w32a.html"
out("obecel-2025-ash", "remission_doris", "sle", 5, 6, "DORIS remission (50M cohort)", "median follow-up 12 months (median DORIS onset 5.1 months)", OBASH,
    "company press release summary", S, "'At 50M, ... DORIS 83% (5/6)'. 50M cohort only (= the six ACR 2025 patients).")
out("obecel-2025-ash", "complete_renal_response", "lupus_nephritis", 3, 6, "complete renal response (50M cohort)", "median follow-up 12 months", OBASH,
    "company press release summary", S, "'At 50M, CRR 50% (3/6)'. Consistent with the earlier 3 CRR in the ACR 2025 release.")
out("obecel-2025-ash", "crs_any", "all", 3, 6, "CRS grade 1 (50M cohort)", "post-infusion", OBASH, "company press release summary", S,
    "'Grade 1 CRS in three patients at 50M and three at 100M'. Recorded for the 50M cohort only (3/6) to avoid summing cohorts; 100M cohort: 3/3 grade 1 CRS.")
out("obecel-2025-ash", "crs_grade3plus", "all", 0, 9, "CRS grade ≥3", "post-infusion", OBASH, "company press release summary", S,
    "All CRS events reported were grade 1 (three at 50M, three at 100M).")
out("obecel-2025-ash", "icans_any", "all", 0, 9, "ICANS", "post-infusion", OBASH, "company press release summary", S, "'no ICANS'.")

# =============================================================================================
# 15. BMS-986353 Breakfree-1
# =============================================================================================
cohort(cohort_id="bms986353-breakfree1", name="BMS-986353 (CC-97540, CD19 NEX-T) Breakfree-1 phase 1 (NCT05869955)",
       centre="multicentre (Bristol Myers Squibb)", product="BMS-986353 / CC-97540 (autologous CD19 CAR-T, NEX-T process)", registry_ids="NCT05869955",
       grouping_evidence="Company trial; ACR 2025 abstracts (e.g. 1529, Schett) and the press release describe the same trial.", grouping_inferred="false",
       notes="Different product from the Erlangen academic CAR-T even though Erlangen investigators lead the SLE abstract.")
report(report_id="bms986353-2025-press", cohort_id="bms986353-breakfree1", supersedes="", kind="press_release",
       label="BMS press release Oct 2025 (Breakfree-1)", first_author="", year="2025",
       title="Bristol Myers Squibb presents encouraging data from Phase 1 Breakfree-1 study (title shortened)", journal="Bristol Myers Squibb press release (Business Wire)",
       url="https://finance.minyanville.com/minyanville/article/bizwire-2025-10-25-bristol-myers-squibb-presents-encouraging-data-from-phase-1-breakfree-1-study-",
       registry_ids="NCT05869955", diseases="sle;iim;ssc", target="cd19", construct="autologous", product="BMS-986353", population="adult",
       n_treated="71", n_treated_source="press release ('71 treated patients across the SSc, SLE and IIM cohorts')", data_cutoff="2025-10",
       notes="'94% of evaluable patients remained off chronic immunosuppressive therapy' — evaluable denominator not given, so no count recorded. Per-cohort n, CRS and ICANS not found.")

# =============================================================================================
# 16. Other single cases / small reports without countable outcomes
# =============================================================================================
cohort(cohort_id="tuebingen-asys-case", name="Tübingen CD19 CAR-T in antisynthetase syndrome (single case)", centre="University Hospital Tübingen, Germany",
       product="autologous CD19 CAR-T, 1.23×10^6/kg", registry_ids="", grouping_evidence="Single case.", grouping_inferred="false", notes="")
report(report_id="pecher-2023-jama", cohort_id="tuebingen-asys-case", supersedes="", kind="case_report", label="Pecher 2023, JAMA", first_author="Pecher AC", year="2023",
       title="CD19-Targeting CAR T Cells for Myositis and Interstitial Lung Disease Associated With Antisynthetase Syndrome", journal="JAMA",
       url="https://www.medscape.com/viewarticle/993733", diseases="iim", target="cd19", construct="autologous", product="CD19 CAR-T (Tübingen)", population="adult",
       dose="1.23×10^6 CAR T cells/kg", lymphodepletion="fludarabine 25 mg/m2 + cyclophosphamide 1000 mg/m2 (per Medscape summary)",
       n_treated="1", n_treated_source="case report (41-year-old man) [secondary]", followup="8 months", followup_months="8", followup_source="Medscape summary [secondary]",
       notes="JAMA 2023;329(24):2154-2162. Mycophenolate 2 g/d restarted from day 35, so not drug-free; no MRI myositis at 8 months. No countable outcome rows.")

cohort(cohort_id="heidelberg-ssc-ild-case", name="Heidelberg third-generation CD19 CAR-T in Scl70+ SSc-ILD (single case)", centre="Heidelberg University Hospital, Germany",
       product="third-generation CD19 CAR-T (CD28 + 4-1BB, retroviral), 5×10^6/kg", registry_ids="",
       grouping_evidence="Claus 2024 reports the same patient (Scl70+ SSc, 18-month immunological follow-up; senior author Merkt).", grouping_inferred="false", notes="")
report(report_id="merkt-2024-ard", cohort_id="heidelberg-ssc-ild-case", supersedes="", kind="letter", label="Merkt 2024, Ann Rheum Dis", first_author="Merkt W", year="2024",
       title="", journal="Ann Rheum Dis", url="https://pmc.ncbi.nlm.nih.gov/articles/PMC10958299", diseases="ssc", target="cd19", construct="autologous",
       product="third-generation CD19.CAR-T (CD3ζ, CD28, 4-1BB; retroviral)", population="adult", dose="400×10^6 (5×10^6/kg) CD19.CAR-T cells",
       lymphodepletion="cyclophosphamide 500 mg/m2 + fludarabine 30 mg/m2, days −4 to −2", n_treated="1", n_treated_source="letter text (38-year-old woman)",
       notes="Added to mycophenolate/nintedanib background (stopped before leukapheresis). Day 0 hypotension and dry cough; no graded CRS count captured. No outcome rows.")
report(report_id="claus-2024-art", cohort_id="heidelberg-ssc-ild-case", supersedes="merkt-2024-ard", kind="case_report", label="Claus 2024, Arthritis Res Ther", first_author="Claus M", year="2024",
       title="Immunological effects of CD19.CAR-T cell therapy in systemic sclerosis: an extended case study", journal="Arthritis Res Ther",
       pmid="39673062", doi="10.1186/s13075-024-03451-1", url="https://pmc.ncbi.nlm.nih.gov/articles/PMC11639114",
       diseases="ssc", target="cd19", construct="autologous", product="third-generation CD19.CAR-T", population="adult", n_treated="1", n_treated_source="abstract",
       followup="18 months", followup_months="18", followup_source="abstract", notes="Mechanistic extended case study; 'substantial clinical improvement' (narrative). No outcome rows.")

cohort(cohort_id="zhejiang-paediatric-sle-dialysis-case", name="Zhejiang Children's Hospital CD19 CAR-T in adolescent SLE with kidney failure (single case)",
       centre="Zhejiang University School of Medicine Children's Hospital, Hangzhou, China", product="autologous CD19 CAR-T, 1×10^5/kg", registry_ids="",
       grouping_evidence="Single case.", grouping_inferred="false",
       notes=("The same hospital runs NCT06222853 (anti-CD19 CAR-T in childhood-onset refractory SLE, phase 1) and announced its first paediatric SLE CAR-T case in March 2024 "
              "(12-year-old girl, en.zjuch.cn); whether this 16-year-old is part of that trial is not stated, so no registry ID is attached."))
report(report_id="zheng-2025-asn", cohort_id="zhejiang-paediatric-sle-dialysis-case", supersedes="", kind="conference_abstract",
       label="Zheng 2025, ASN Kidney Week FR-PO0709", first_author="Zheng C", year="2025",
       title="CD19-Targeted Chimeric Antigen Receptor T Cell Therapy in an Adolescent with Systemic Lupus Erythematosus with Kidney Failure",
       journal="ASN Kidney Week 2025", conference="ASN Kidney Week 2025", abstract_number="FR-PO0709",
       url="https://www.asn-online.org/education/kidneyweek/2025/program-abstract.aspx?controlId=4347202",
       diseases="sle;lupus_nephritis", target="cd19", construct="autologous", product="CD19 CAR-T", population="paediatric", dose="1×10^5 CAR T cells/kg",
       n_treated="1", n_treated_source="abstract (16-year-old girl on haemodialysis)", followup="9 months", followup_months="9", followup_source="abstract",
       notes="Outcome sentences cut in the excerpt read ('the patient did not experi...'); no outcome rows.")

# =============================================================================================
# publications.csv (PubMed records; fields as read on the PubMed page or PubMed mirror)
# =============================================================================================
pub(pmid="36109639", doi="10.1038/s41591-022-02017-5", pmcid="", title="Anti-CD19 CAR T cell therapy for refractory systemic lupus erythematosus",
    journal="Nat Med", pub_date="2022 Oct",
    authors="Mackensen A;Müller F;Mougiakakos D;Böltz S;Wilhelm A;Aigner M;Völkl S;Simon D;Kleyer A;Munoz L;Kretschmann S;Kharboutli S;Gary R;Reimann H;Rösler W;Uderhardt S;Bang H;Herrmann M;Ekici AB;Buettner C;Habenicht KM;Winkler TH;Krönke G;Schett G",
    publication_types="")
pub(pmid="38381673", doi="10.1056/NEJMoa2308917", pmcid="", title="CD19 CAR T-Cell Therapy in Autoimmune Disease - A Case Series with Follow-up",
    journal="N Engl J Med", pub_date="2024 Feb 22", authors="", publication_types="")
pub(pmid="37432378", doi="10.1093/rheumatology/kead330", pmcid="PMC10765150",
    title="Rescue therapy of antisynthetase syndrome with CD19-targeted CAR-T cells after failure of several B-cell depleting antibodies",
    journal="Rheumatology (Oxford)", pub_date="2023 Jul 11",
    authors="Taubmann J;Knitza J;Müller F;Völkl S;Aigner M;Kleyer A;Gary R;Kretschmann S;Boeltz S;Atzinger A;Kuwert T;Roemer F;Uder M;Mackensen A;Schett G",
    publication_types="Letter")
pub(pmid="38642568", doi="10.1016/S0140-6736(24)00424-0", pmcid="", title="CAR T-cell therapy rescues adolescent with rapidly progressive lupus nephritis from haemodialysis",
    journal="Lancet", pub_date="2024 Apr 27",
    authors="Krickau T;Naumann-Bartsch N;Aigner M;Kharboutli S;Kretschmann S;Spoerl S;Vasova I;Völkl S;Woelfle J;Mackensen A;Schett G;Metzler M;Müller F",
    publication_types="")
pub(pmid="40993243", doi="10.1038/s41591-025-03937-8", pmcid="",
    title="Co-infusion of CD19-targeting and BCMA-targeting CAR-T cells for treatment-refractory systemic lupus erythematosus: a phase 1 trial",
    journal="Nat Med", pub_date="2025 Nov",
    authors="Feng J;Huo D;Hong R;Jin X;Cao H;Shao M;Wen R;Zhang Q;Zhang M;Fu S;Wang D;Xu H;Wei G;Cui J;Huang S;Cui D;Chang AH;Liu Z;Lu L;Lin J;Hu Y;Huang H",
    publication_types="Clinical Trial")
pub(pmid="38777376", doi="10.1136/ard-2024-225785", pmcid="", title="BCMA-CD19 compound CAR T cells for systemic lupus erythematosus: a phase 1 open-label clinical trial",
    journal="Ann Rheum Dis", pub_date="2024 Sep 30", authors="", publication_types="")
pub(pmid="40446794", doi="10.1016/j.medj.2025.100749", pmcid="", title="Allogeneic CD19-targeted CAR-T therapy in refractory systemic lupus erythematosus achieved durable remission",
    journal="Med", pub_date="2025",
    authors="Wang D;Wang X;Tan B;Wen X;Ye S;Wu Y;Cao X;Zhang X;Wang C;Geng L;Zhang H;Feng X;Zheng B;He Y;Liu M;Wu X;Du B;Sun L;Xu H",
    publication_types="")
pub(pmid="36596762", doi="10.1038/s41392-022-01278-3", pmcid="",
    title="Anti-BCMA CAR T-cell therapy CT103A in relapsed or refractory AQP4-IgG seropositive neuromyelitis optica spectrum disorders: phase 1 trial interim results",
    journal="Signal Transduct Target Ther", pub_date="2023 Jan 4",
    authors="Qin C;Tian DS;Zhou LQ;Shang K;Huang L;Dong MH;You YF;Xiao J;Xiong Y;Wang W;Pang H;Guo JJ;Cai SB;Wang D;Li CR;Zhang M;Bu BT;Wang W",
    publication_types="Clinical Trial, Phase I;Research Support, Non-U.S. Gov't")
pub(pmid="40856088", doi="10.1002/acn3.70167", pmcid="", title="Durability of Response to B-Cell Maturation Antigen-Directed mRNA Cell Therapy in Myasthenia Gravis",
    journal="Ann Clin Transl Neurol", pub_date="2025 Nov", authors="", publication_types="Clinical Trial")
pub(pmid="39673062", doi="10.1186/s13075-024-03451-1", pmcid="PMC11639114", title="Immunological effects of CD19.CAR-T cell therapy in systemic sclerosis: an extended case study",
    journal="Arthritis Res Ther", pub_date="2024 Dec 13",
    authors="Claus M;Freitag M;Ewald M;Rodon L;Deicher F;Watzl C;Kolb P;Lorenz HM;Schmitt M;Merkt W", publication_types="")

# =============================================================================================
# 17. CASTLE phase I/II basket trial (zorpo-cel, MB-CART19.1; Erlangen-led, Miltenyi Biomedicine)
# =============================================================================================
cohort(cohort_id="castle-zorpocel", name="CASTLE phase I/II basket trial of zorpocabtagene autoleucel (MB-CART19.1) in SLE, SSc and IIM (EudraCT 2022-001366-35)",
       centre="Universitätsklinikum Erlangen (lead) with Vienna, Rome (Gemelli, Bambino Gesù) and other sites",
       product="zorpocabtagene autoleucel (zorpo-cel, MB-CART19.1), 1×10^6 CAR T cells/kg after fludarabine/cyclophosphamide",
       registry_ids="2022-001366-35",
       grouping_evidence=("All four reports name the CASTLE basket study; 17 patients (ACR 2024 interim) ⊂ 24 enrolled (ACR 2025, ASH 2025, Nat Med 2026). "
                          "Enrolment July 2023–February 2025 (ASH 2025)."),
       grouping_inferred="false",
       notes=("Registered trial patients, distinct from the earlier Erlangen compassionate-use patients (cohort erlangen-cd19-academic); Hagen ACR 2024 (30 patients) "
              "may count some CASTLE patients — not stated. Only the ACR 2024 interim gave countable outcomes in the sources read (secondary news)."))
CAST_NEWS = "https://trial.medpath.com/news/506595cac8f42d47/exploring-car-t-for-autoimmune-disease-cgtlive-r"
report(report_id="castle-2024-acr", cohort_id="castle-zorpocel", supersedes="", kind="conference_abstract",
       label="Schett 2024, ACR Convergence abstract 1750 (CASTLE part 1)", first_author="Schett G", year="2024",
       title="Safety and Preliminary Efficacy of CD19 CAR-T Cell Treatment in Rheumatic Disease – Data from the First Part of the Phase I/II CASTLE Basket Study",
       journal="ACR Convergence 2024", conference="ACR 2024", abstract_number="1750",
       url="https://acrabstracts.org/abstract/safety-and-preliminary-efficacy-of-cd19-car-t-cell-treatment-in-rheumatic-disease-data-from-the-first-part-of-the-phase-i-ii-castle-basket-study",
       registry_ids="2022-001366-35", diseases="sle;iim;ssc", target="cd19", construct="autologous", product="MB-CART19.1 (zorpocabtagene autoleucel)", population="adult",
       dose="1×10^6 CAR T cells/kg", lymphodepletion="fludarabine + cyclophosphamide",
       n_treated="17", n_treated_source="news reports of the presentation [secondary]: 7 SLE, 3 IIM, 7 SSc",
       notes=("Abstract results not read (only title/authors); numbers from CGTLive/medpath and Healio news of the ACR 2024 presentation. "
              "'seven patients experienced no CRS' implies 10/17 with CRS, but that is a computed count and is not recorded."))
out("castle-2024-acr", "remission_doris", "sle", 6, 6, "DORIS remission", "6 months (patients with 6-month follow-up)", CAST_NEWS, "news report of the ACR 2024 presentation", S,
    "'Of the 11 patients with six-month follow-up data, all six SLE patients entered DORIS remission'. Denominator = SLE patients with 6-month follow-up.")
out("castle-2024-acr", "acr_eular_major_response", "iim", 2, 2, "ACR/EULAR major clinical response", "6 months (patients with 6-month follow-up)", CAST_NEWS,
    "news report of the ACR 2024 presentation", S, "'both IIM patients demonstrated a major response'.")
out("castle-2024-acr", "clinical_response_other", "ssc", 3, 3, "no skin worsening (SSc)", "6 months (patients with 6-month follow-up)", CAST_NEWS,
    "news report of the ACR 2024 presentation", S, "'all three SSc patients showed no skin worsening'.")
out("castle-2024-acr", "crs_grade3plus", "all", 0, 17, "CRS above grade 2", "post-infusion", CAST_NEWS, "news report of the ACR 2024 presentation", S,
    "'none had it above grade 2'.")
out("castle-2024-acr", "icans_any", "all", 0, 17, "ICANS any grade", "post-infusion", CAST_NEWS, "news report of the ACR 2024 presentation", S,
    "'There were no instances of ICANS of any grade'. Healio: 'ICANS did not occur'.")
report(report_id="castle-2025-acr", cohort_id="castle-zorpocel", supersedes="castle-2024-acr", kind="conference_abstract",
       label="Hagen 2025, ACR Convergence abstract 0641 (CASTLE)", first_author="Hagen M", year="2025",
       title="Safety and efficacy of autologous CD19-CAR T-cell therapy in patients with autoimmune disease – data from the CASTLE Phase I/II basket study",
       journal="ACR Convergence 2025", conference="ACR 2025", abstract_number="0641",
       url="https://acrabstracts.org/abstract/safety-and-efficacy-of-autologous-cd19-car-t-cell-therapy-in-patients-with-autoimmune-disease-data-from-the-castle-phase-i-ii-basket-study",
       registry_ids="2022-001366-35", diseases="sle;iim;ssc", target="cd19", construct="autologous", product="MB-CART19.1 (zorpocabtagene autoleucel)", population="adult",
       dose="1×10^6 CAR T cells/kg", lymphodepletion="fludarabine + cyclophosphamide",
       n_treated="24", n_treated_source="abstract (28 screened, 24 enrolled: 17 women, 7 men; 10 SLE, 9 SSc, 5 IIM per ASH 2025)",
       notes="Results beyond enrolment not in the part read; no outcome rows. n = enrolled (the Nat Med abstract states all 24 received zorpo-cel).")
report(report_id="castle-2025-ash", cohort_id="castle-zorpocel", supersedes="castle-2025-acr", kind="conference_abstract",
       label="CASTLE 2025, ASH (Blood 146 Suppl 1: 2380)", first_author="", year="2025",
       title="Safety and preliminary efficacy of anti-CD19 CAR-T (title truncated in the source read)", journal="Blood 2025;146(Suppl 1):2380", conference="ASH 2025", abstract_number="2380",
       url="http://ashpublications.net/blood/article/146/Supplement%201/2380/552588/Safety-and-preliminary-efficacy-of-anti-CD19-CAR-T",
       registry_ids="2022-001366-35", diseases="sle;iim;ssc", target="cd19", construct="autologous", product="zorpocabtagene autoleucel (MB-CART19.1)", population="adult",
       n_treated="24", n_treated_source="abstract ('All planned 24 patients ... were enrolled between July 2023 and February 2025')",
       notes="Results beyond enrolment/manufacture not in the part read; no outcome rows.")
report(report_id="castle-2026-natmed", cohort_id="castle-zorpocel", supersedes="castle-2025-ash", kind="journal_article",
       label="Müller 2026, Nat Med (CASTLE)", first_author="Müller F", year="2026", title="", journal="Nat Med",
       doi="10.1038/s41591-025-04185-6", url="https://booksci.cn/literature_d19037_5.htm",
       registry_ids="2022-001366-35", diseases="sle;iim;ssc", target="cd19", construct="autologous", product="zorpocabtagene autoleucel (zorpo-cel, MB-CART19.1)", population="adult",
       lymphodepletion="cyclophosphamide + fludarabine (standard)", n_treated="24",
       n_treated_source="abstract (24 enrolled: 10 SLE, 9 SSc, 5 IIM, 'all receiving a single infusion of Zorpo-cel')",
       notes=("Published 2026-01-07 (per booksci listing of the abstract). 'Primary and secondary endpoints of CASTLE were met' — counts not in the part read, so no outcome rows. "
              "Title and PMID not captured."))

# =============================================================================================
# 18. relma-cel (relmacabtagene autoleucel) in SLE — two Chinese phase 1 reports
# =============================================================================================
cohort(cohort_id="relmacel-sle-nct05765006", name="relma-cel (relmacabtagene autoleucel) phase 1 in active SLE (NCT05765006)",
       centre="multicentre, China (Shu 2025: Wuhan Union Hospital authors)", product="relmacabtagene autoleucel (autologous CD19 CAR-T)", registry_ids="NCT05765006",
       grouping_evidence="EULAR 2024 POS0054 and Shu 2025 EClinicalMedicine both state NCT05765006 (phase 1 open-label, relma-cel, SLE).",
       grouping_inferred="false",
       notes="Whether the Renji (Shanghai) relma-cel series (Wang Y 2025, cohort relmacel-sle-renji) is part of the same multicentre trial is not stated.")
report(report_id="relmacel-2024-eular", cohort_id="relmacel-sle-nct05765006", supersedes="", kind="conference_abstract",
       label="relma-cel SLE 2024, EULAR POS0054", first_author="", year="2024", title="", journal="Ann Rheum Dis (EULAR 2024 abstracts)", conference="EULAR 2024",
       abstract_number="POS0054", url="http://scientific.sparx-ip.net/archiveeular/?c=a&item=2024POS0054&view=5", registry_ids="NCT05765006",
       diseases="sle", target="cd19", construct="autologous", product="relmacabtagene autoleucel", population="adult", dose="25×10^6 CAR+ T cells",
       lymphodepletion="cyclophosphamide 250 mg/m2/day + fludarabine 25 mg/m2/day", n_treated="3", n_treated_source="abstract", data_cutoff="2023-12-18",
       followup="at least 4 months", followup_source="abstract", notes="Outcome sentences beyond baseline characteristics not in the part read; no outcome rows.")
report(report_id="shu-2025-eclinm", cohort_id="relmacel-sle-nct05765006", supersedes="relmacel-2024-eular", kind="journal_article",
       label="Shu 2025, EClinicalMedicine", first_author="Shu J", year="2025",
       title="Safety and clinical efficacy of Relmacabtagene autoleucel (relma-cel) for systemic lupus erythematosus: a phase 1 open-label clinical trial",
       journal="EClinicalMedicine", pmid="40386685", doi="10.1016/j.eclinm.2025.103229", url="https://pubmed.ncbi.nlm.nih.gov/40386685/", registry_ids="NCT05765006",
       diseases="sle", target="cd19", construct="autologous", product="relmacabtagene autoleucel", population="adult",
       dose="dose escalation: 25, 50, 75 and 100 ×10^6 CAR-T cells (total)", lymphodepletion="fludarabine + cyclophosphamide",
       notes="Abstract Findings section not in the part read: number treated and outcomes not captured, so no n and no outcome rows.")

cohort(cohort_id="relmacel-sle-renji", name="relma-cel phase 1 dose escalation in moderately to severely active SLE (Wang Y 2025, Renji/Shanghai authors)",
       centre="not stated in the abstract read (authors Wang Y ... Lu L)", product="relmacabtagene autoleucel", registry_ids="",
       grouping_evidence="Single report.", grouping_inferred="false", notes="Registry ID not in the abstract read; possible overlap with NCT05765006 not stated.")
JAUT = "doi:10.1016/j.jaut.2025.103489"
report(report_id="wang-y-2025-jautoimmun", cohort_id="relmacel-sle-renji", supersedes="", kind="journal_article",
       label="Wang Y 2025, J Autoimmun", first_author="Wang Y", year="2025", title="", journal="J Autoimmun",
       doi="10.1016/j.jaut.2025.103489", url="https://m.booksci.cn/literaturecn/145212819.htm",
       diseases="sle", target="cd19", construct="autologous", product="relmacabtagene autoleucel", population="adult",
       dose="50×10^6, 75×10^6 or 100×10^6 CAR-T cells (escalating)", lymphodepletion="fludarabine + cyclophosphamide",
       n_treated="8", n_treated_source="abstract (8 female patients enrolled, all received a single infusion)",
       notes="Abstract read on booksci.cn (English abstract, Chinese title); English title and PMID not captured. No DLTs. Remission counts not in the part read.")
out("wang-y-2025-jautoimmun", "crs_any", "all", 7, 8, "CRS", "post-infusion", JAUT, "abstract", V, "'cytokine release syndrome (CRS) occurred in 7 patients'.")
out("wang-y-2025-jautoimmun", "icans_any", "all", 1, 8, "ICANS", "post-infusion", JAUT, "abstract", V, "'immune effector cell-associated neurotoxicity syndrome (ICANS) in 1 patient'.")

# =============================================================================================
# 19. GAD65 antibody-mediated cerebellar ataxia (single case, Vilnius)
# =============================================================================================
cohort(cohort_id="vilnius-gad65-ataxia-case", name="CD19 CAR-T in GAD65 antibody-mediated cerebellar ataxia (single case)", centre="not stated in the part read (authors Vaisvilas M ... Griskevicius L)",
       product="autologous CD19 CAR-T (fresh formulation), 1×10^6/kg", registry_ids="", grouping_evidence="Single case.", grouping_inferred="false", notes="")
report(report_id="vaisvilas-2026-frontimmunol", cohort_id="vilnius-gad65-ataxia-case", supersedes="", kind="case_report",
       label="Vaisvilas 2026, Front Immunol", first_author="Vaisvilas M", year="2026",
       title="Successful fresh formulation CD19 CAR-T cell therapy for GAD65 antibody-mediated cerebellar ataxia. A Case Report", journal="Front Immunol",
       doi="10.3389/fimmu.2026.1755797", url="https://tomesphere.com/paper/PMC12953506.md",
       diseases="other", target="cd19", construct="autologous", product="CD19 CAR-T (fresh formulation)", population="adult", dose="1×10^6 CAR T cells/kg",
       lymphodepletion="standard lymphodepleting chemotherapy", n_treated="1", n_treated_source="abstract (33-year-old man)",
       followup="270 days (no progression at day +270, per page summary)", followup_source="page summary [secondary]",
       notes="Published 2026-02-17. GAD65 titres −95% at day 90; clinical improvement at day 30. 'Only grade 1 CRS' appears only in an AI-generated page summary, not in the abstract text read, so no CRS row.")
pub(pmid="38924652", doi="10.1002/art.42933", pmcid="", title="Autologous CD19-Targeting CAR T Cells in a Patient With Refractory Juvenile Dermatomyositis",
    journal="Arthritis Rheumatol", pub_date="2024 Oct", authors="", publication_types="Case Reports")
pub(pmid="40306284", doi="10.1016/j.medj.2025.100676", pmcid="", title="CD19 CAR-T cell therapy in a pediatric patient with MDA5+ dermatomyositis and rapidly progressive interstitial lung disease",
    journal="Med", pub_date="2025 Aug 8", authors="", publication_types="Case Reports")
pub(pmid="40386685", doi="10.1016/j.eclinm.2025.103229", pmcid="",
    title="Safety and clinical efficacy of Relmacabtagene autoleucel (relma-cel) for systemic lupus erythematosus: a phase 1 open-label clinical trial",
    journal="EClinicalMedicine", pub_date="2025 Apr 30",
    authors="Shu J;Xie W;Mei C;Ren A;Ke S;Ma M;Zhou Z;Hu Y;Mei H", publication_types="")

# =============================================================================================
# 20. Further paediatric case reports
# =============================================================================================
report(report_id="nicolai-2024-arthritisrheumatol", cohort_id="opbg-erlangen-paediatric-cd19", supersedes="", kind="case_report",
       label="Nicolai 2024, Arthritis Rheumatol", first_author="Nicolai R", year="2024",
       title="Autologous CD19-Targeting CAR T Cells in a Patient With Refractory Juvenile Dermatomyositis", journal="Arthritis Rheumatol",
       pmid="38924652", doi="10.1002/art.42933", url="https://pubmed.ncbi.nlm.nih.gov/38924652/",
       diseases="iim", target="cd19", construct="autologous", product="fresh autologous second-generation anti-CD19 CAR-T (lentiviral), CliniMACS Prodigy", population="paediatric",
       dose="1×10^6 CAR T cells/kg", lymphodepletion="cyclophosphamide 1,000 mg/m2 over two days + fludarabine 90 mg/m2 over three days",
       n_treated="1", n_treated_source="abstract (12-year-old boy)",
       notes=("Arthritis Rheumatol 2024;76(10):1560-1565. Same point-of-care product type and dose as the Bambino Gesù programme; the boy is inferred to be the one boy "
              "among the three dermatomyositis patients of Becilli 2026 (not stated). The abstract excerpt read was cut at 'fever as part of mild c…', so no CRS row. No outcome rows."))
cohort(cohort_id="barcelona-mda5-jdm-case", name="ARI-0001 CD19 CAR-T in a child with MDA5+ dermatomyositis and RP-ILD (single case)",
       centre="not stated in the part read (ARI-0001 is the Hospital Clínic Barcelona academic CD19 CAR-T)", product="ARI-0001 (second-generation CD19 CAR-T)", registry_ids="",
       grouping_evidence="Single case.", grouping_inferred="false", notes="")
report(report_id="parismunoz-2025-med", cohort_id="barcelona-mda5-jdm-case", supersedes="", kind="case_report",
       label="París-Muñoz 2025, Med", first_author="París-Muñoz A", year="2025",
       title="CD19 CAR-T cell therapy in a pediatric patient with MDA5+ dermatomyositis and rapidly progressive interstitial lung disease", journal="Med",
       pmid="40306284", doi="10.1016/j.medj.2025.100676", url="https://pubmed.ncbi.nlm.nih.gov/40306284/",
       diseases="iim", target="cd19", construct="autologous", product="ARI-0001", population="paediatric", n_treated="1", n_treated_source="abstract",
       notes="Med 2025;6(8):100676. Findings section not in the part read; no outcome rows.")

# =============================================================================================
# 21. rese-cel (resecabtagene autoleucel, CABA-201) RESET programme — Cabaletta Bio
# =============================================================================================
cohort(cohort_id="resecel-reset", name="rese-cel (CABA-201) RESET programme: RESET-SLE, RESET-Myositis, RESET-SSc (Cabaletta Bio)",
       centre="multicentre, USA", product="resecabtagene autoleucel (fully human autologous 4-1BB CD19 CAR-T), 1×10^6/kg", registry_ids="NCT06328777",
       grouping_evidence=("Company serial updates pooling the RESET trials (10 patients dosed in the early-2025 AAAS update) ⊂ trial-specific ACR/EULAR 2025 abstracts. "
                          "Different trials are pooled here because the company update pools them; only NCT06328777 (RESET-SSc) was seen in a source."),
       grouping_inferred="true", notes="NCT numbers of RESET-SLE and RESET-Myositis not found in the sources read.")
report(report_id="resecel-2025-aaas-update", cohort_id="resecel-reset", supersedes="", kind="press_release",
       label="Cabaletta RESET update, AAAS Feb 2025 (news)", first_author="", year="2025", title="Cabaletta's CAR-T therapy shows promise in autoimmune diseases (news report)",
       journal="NoahAI news (company data presented at AAAS annual meeting)", url="https://www.noahai.co/discover/article/3234",
       diseases="sle;lupus_nephritis;iim;ssc", target="cd19", construct="autologous", product="resecabtagene autoleucel (CABA-201)", population="adult",
       n_treated="10", n_treated_source="news report ('dosed 10 patients with at least one month of follow-up') [secondary]",
       notes=("'90% of patients experiencing either no CRS or only grade 1 CRS' (a percentage of 10 = 9, computed; not recorded because it combines 'none' and 'grade 1'). "
              "'three out of four patients in the non-renal cohort achieved remission' (definition not given) and first LN patient complete renal response — not recorded as rows because definitions/denominators are unclear."))
out("resecel-2025-aaas-update", "icans_any", "all", 1, 10, "ICANS (grade not given)", "≥1 month follow-up", "https://www.noahai.co/discover/article/3234", "news report of company data", S,
    "'Only one patient reported immune effector cell-associated neurotoxicity syndrome' among the 10 dosed.")
report(report_id="resecel-2025-acr-sle", cohort_id="resecel-reset", supersedes="resecel-2025-aaas-update", kind="conference_abstract",
       label="Sheikh 2025, ACR Convergence abstract 2468 (RESET-SLE)", first_author="Sheikh S", year="2025",
       title="RESET-SLE: Clinical Trial Evaluating Rese-cel (Resecabtagene Autoleucel), a Fully Human, Autologous 4-1BB CD19-CAR T Cell Therapy in Non-Renal SLE and Lupus Nephritis",
       journal="ACR Convergence 2025", conference="ACR 2025", abstract_number="2468", url="https://acrabstracts.org/?p=46120",
       diseases="sle;lupus_nephritis", target="cd19", construct="autologous", product="resecabtagene autoleucel", population="adult",
       notes=("Abstract results not in the part read. News (biospace.com): 3 SLE patients with ≥3 months follow-up 'achieved disease remission' and one LN patient a complete renal "
              "response — not recorded (denominators/definitions unclear, secondary)."))
report(report_id="resecel-2025-eular-ssc", cohort_id="resecel-reset", supersedes="", kind="conference_abstract",
       label="RESET-SSc 2025, EULAR OP0338", first_author="", year="2025", title="", journal="Ann Rheum Dis (EULAR 2025 abstracts)", conference="EULAR 2025", abstract_number="OP0338",
       url="https://scientific.sparx-ip.net/archiveeular/?c=a&item=2025OP0338&view=3", registry_ids="NCT06328777",
       diseases="ssc", target="cd19", construct="autologous", product="resecabtagene autoleucel", population="adult", dose="1×10^6 CAR T cells/kg",
       lymphodepletion="fludarabine 25 mg/m2/d days −5 to −3 + cyclophosphamide 1,000 mg/m2 day −3", n_treated="", n_treated_source="",
       notes="'A total of 3 patients have been enrolled' (enrolled, not necessarily infused; n_treated left empty). Results beyond that not in the part read.")

# =============================================================================================
# 22. Further 2025 ACR abstracts
# =============================================================================================
cohort(cohort_id="cta311-ucart-aid", name="CTA311 universal (allogeneic) CD19 CAR-T in active autoimmune disease (Bioheng; multicentre China)",
       centre="920th Hospital (Kunming), Union Hospital (Wuhan), Xuzhou, Bengbu, Hefei (China)", product="CTA311 (off-the-shelf universal CD19 CAR-T)", registry_ids="",
       grouping_evidence="Single report.", grouping_inferred="false", notes="Registry ID not in the abstract read.")
CTA = "https://acrabstracts.org/abstract/preliminary-safety-efficacy-and-cellular-kinetics-of-cta311-a-cd19-targeted-universal-car-t-therapy-for-active-autoimmune-diseases"
report(report_id="cta311-2025-acr", cohort_id="cta311-ucart-aid", supersedes="", kind="conference_abstract",
       label="Wang S 2025, ACR Convergence abstract 2452 (CTA311)", first_author="Wang S", year="2025",
       title="Preliminary Safety, Efficacy, and Cellular Kinetics of CTA311, a CD19 Targeted Universal CAR-T Therapy, for Active Autoimmune Diseases",
       journal="ACR Convergence 2025", conference="ACR 2025", abstract_number="2452", url=CTA,
       diseases="sle;aav", target="cd19", construct="allogeneic", product="CTA311", population="adult",
       dose="4 dose levels: 0.2, 1, 3 or 6 ×10^6 CAR+ T cells/kg (n=3, 2, 3, 3)", lymphodepletion="cyclophosphamide 300 mg/m2/day ×3 + fludarabine 30 mg/m2/day ×3",
       n_treated="11", n_treated_source="abstract (10 SLE, 1 AAV)", data_cutoff="2025-04-30",
       notes="Efficacy counts not in the part read. Lymphodepletion-related cytopenia (<28 days) in all patients.")
out("cta311-2025-acr", "crs_any", "all", 9, 11, "CRS (7 grade 1, 2 grade 2)", "post-infusion", CTA, "abstract (Results)", V, "'CRS events occurred in 82% (n=9), all low grade (G) (7 G1 and 2 G2)'.")
out("cta311-2025-acr", "crs_grade3plus", "all", 0, 11, "CRS grade ≥3", "post-infusion", CTA, "abstract (Results)", V, "All nine CRS events were grade 1 or 2.")
out("cta311-2025-acr", "icans_any", "all", 0, 11, "neurotoxicity", "post-infusion", CTA, "abstract (Results)", V, "'No neurotoxicity was reported'.")
out("cta311-2025-acr", "infection_any", "all", 3, 11, "infections deemed treatment related (any grade)", "to data cut-off", CTA, "abstract (Results)", V,
    "'Three patients experienced infections deemed to be treatment related (1 pt with pneumonia (G3) and CMV reactivation (G1), 1 pt with fungal infection (G2), and 1 pt with infection NOS (G1))'. Only treatment-related infections are counted.")

cohort(cohort_id="im19-sle-pkuth", name="IM19 autologous CD19 CAR-T in refractory SLE (Peking University Third Hospital pilot)",
       centre="Peking University Third Hospital, Beijing, China", product="IM19 (autologous lentiviral CD19 CAR-T), 1×10^6/kg", registry_ids="",
       grouping_evidence="Single report.", grouping_inferred="false", notes="")
report(report_id="zhao-2025-acr", cohort_id="im19-sle-pkuth", supersedes="", kind="conference_abstract",
       label="Zhao 2025, ACR Convergence abstract 0647 (IM19)", first_author="Zhao J", year="2025",
       title="Anti-CD19 Chimeric Antigen Receptor T Cell Therapy for Refractory Systemic Lupus Erythematosus: an open-label pilot study",
       journal="ACR Convergence 2025", conference="ACR 2025", abstract_number="0647", url="https://acrabstracts.org/?p=44470",
       diseases="sle", target="cd19", construct="autologous", product="IM19", population="adult", dose="1×10^6 CAR T cells/kg",
       n_treated="6", n_treated_source="abstract (Methods: six patients enrolled; 3 women, 3 men)",
       notes="Results section not in the part read; no outcome rows. n = enrolled.")
