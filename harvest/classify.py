"""Rule-based classification of registry and PubMed records into the vocabularies.

Publications and trials go through the same rules, so a disease or target
means the same thing in both. Each rule is a named regular expression over
the record's text (title, abstract or conditions, keywords, MeSH terms). A
record no rule matches gets nothing, never a guess: the app shows it as
unclassified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence.vocab import Construct, Disease, Population, Target


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


DISEASE_RULES: dict[Disease, re.Pattern[str]] = {
    Disease.LUPUS_NEPHRITIS: _rx(r"lupus nephritis", r"\bLN\b(?=.*lupus)"),
    Disease.SLE: _rx(r"systemic lupus", r"\bSLE\b", r"lupus erythematosus, systemic", r"\blupus\b"),
    Disease.IIM: _rx(r"myositis", r"dermatomyositis", r"polymyositis", r"antisynthetase", r"anti-?synthetase",
                     r"\bIIM\b", r"necrotizing myopathy", r"\bIMNM\b", r"inflammatory myopath"),
    Disease.SSC: _rx(r"systemic sclerosis", r"scleroderma", r"\bSSc\b"),
    # Case-sensitive: "mg" is a dose unit (fludarabine 25 mg/m2 is in most CAR-T abstracts).
    Disease.MG: _rx(r"myasthenia", r"(?-i:\bg?MG\b)(?!\s?/\s?(?:kg|m|d|l))"),
    Disease.NMOSD: _rx(r"neuromyelitis", r"\bNMOSD\b", r"\bNMO\b"),
    Disease.MS: _rx(r"multiple sclerosis", r"\bRRMS\b", r"\bPPMS\b", r"\bSPMS\b"),
    # AAV is also the adeno-associated virus vector of some in vivo CAR constructs.
    Disease.AAV: _rx(r"\bANCA", r"granulomatosis with polyangiitis", r"microscopic polyangiitis",
                     r"(?-i:\bAAV\b)(?![- ]?(?:\d|vector|mediated|capsid|serotype|deliver|transduc|gene))",
                     r"vasculitis"),
    Disease.RA: _rx(r"rheumatoid arthritis", r"\bRA\b(?=.*arthritis)"),
    Disease.SJOGREN: _rx(r"sj[öo]gren", r"\bSjD\b", r"\bpSS\b"),
    Disease.ITP: _rx(r"immune thrombocytop", r"\bITP\b", r"thrombocytopenic purpura, idiopathic"),
    Disease.AIHA: _rx(r"autoimmune ha?emolytic", r"\bAIHA\b", r"anemia, hemolytic, autoimmune"),
    Disease.SPS: _rx(r"stiff[- ]person", r"stiff[- ]man"),
    Disease.CIDP: _rx(r"chronic inflammatory demyelinating", r"\bCIDP\b"),
    Disease.MOGAD: _rx(r"\bMOGAD\b", r"MOG antibody", r"myelin oligodendrocyte glycoprotein"),
    Disease.PEMPHIGUS: _rx(r"pemphig"),
}

TARGET_RULES: dict[Target, re.Pattern[str]] = {
    Target.CD19_BCMA: _rx(r"CD19[- /+]*(?:and[- ]+)?BCMA", r"BCMA[- /+]*(?:and[- ]+)?CD19", r"\bcCAR\b"),
    Target.CAAR: _rx(r"\bCAAR", r"chimeric auto-?antibody receptor", r"chimeric autoantigen receptor"),
    Target.BCMA: _rx(r"\bBCMA\b", r"B[- ]cell maturation antigen", r"Descartes-08", r"CT103A", r"equecabtagene"),
    Target.CD19: _rx(r"\bCD19\b", r"anti-CD19", r"KYV-101", r"YTB323", r"rapcabtagene", r"obe-?cel",
                     r"obecabtagene", r"rese-?cel", r"CABA-201", r"BMS-986353", r"CC-97540", r"relma-?cel",
                     r"zorpocabtagene"),
    Target.CD20: _rx(r"\bCD20\b"),
    Target.CD7: _rx(r"\bCD7\b"),
}

CONSTRUCT_RULES: dict[Construct, re.Pattern[str]] = {
    Construct.IN_VIVO: _rx(r"in[- ]vivo (?:generated |engineered )?CAR", r"in vivo CAR"),
    Construct.MRNA: _rx(r"mRNA[- ](?:engineered |based )?CAR", r"RNA[- ]engineered CAR", r"Descartes-08",
                        r"\brCAR-T"),
    Construct.ALLOGENEIC: _rx(r"allogeneic", r"healthy[- ]donor", r"off-the-shelf", r"universal CAR",
                              r"\bUCAR", r"CAR-?NK", r"CRISPR"),
    Construct.AUTOLOGOUS: _rx(r"autologous"),
}

CAR_RE = _rx(r"chimeric antigen receptor", r"\bCAR[- ]?T\b", r"\bCAR[- ]T[- ]cell", r"\bCAR[- ]?NK\b",
             r"\bCAAR[- ]?T\b", r"CAR T", r"receptors, chimeric antigen")
PAEDIATRIC_RE = _rx(r"\bchild(?:ren|hood)?\b", r"\bp(?:a)?ediatric", r"\badolescen", r"\bjuvenile",
                    r"\bchildhood[- ]onset", r"\bcSLE\b", r"\bJDM\b")
ADULT_RE = _rx(r"\badults?\b", r"\bwom[ae]n\b", r"\bmen\b", r"(?:[2-9]\d)-year-old")


@dataclass(frozen=True)
class Classification:
    diseases: tuple[str, ...]
    targets: tuple[str, ...]
    construct: str | None
    population: str | None
    mentions_car: bool


def _matches(rules: dict, text: str) -> list[str]:
    return [code.value for code, pattern in rules.items() if pattern.search(text)]


def classify_diseases(text: str) -> list[str]:
    """Disease codes named in ``text``; lupus nephritis implies SLE."""
    found = _matches(DISEASE_RULES, text)
    if Disease.LUPUS_NEPHRITIS.value in found and Disease.SLE.value not in found:
        found.append(Disease.SLE.value)
    return found


def classify_targets(text: str) -> list[str]:
    """CAR targets; a dual CD19/BCMA construct is not also counted as CD19 and BCMA."""
    found = _matches(TARGET_RULES, text)
    if Target.CD19_BCMA.value in found:
        found = [t for t in found if t not in (Target.CD19.value, Target.BCMA.value)]
    return found


def classify_construct(text: str) -> str | None:
    """The first matching construct in order of specificity, or None."""
    found = _matches(CONSTRUCT_RULES, text)
    return found[0] if found else None


def classify_population(text: str) -> str | None:
    paediatric, adult = bool(PAEDIATRIC_RE.search(text)), bool(ADULT_RE.search(text))
    if paediatric and adult:
        return Population.MIXED.value
    if paediatric:
        return Population.PAEDIATRIC.value
    return Population.ADULT.value if adult else None


def classify(*texts: str) -> Classification:
    """Classify a record from its pieces of text (title, abstract, MeSH terms…)."""
    text = "\n".join(t for t in texts if t)
    return Classification(
        diseases=tuple(classify_diseases(text)),
        targets=tuple(classify_targets(text)),
        construct=classify_construct(text),
        population=classify_population(text),
        mentions_car=bool(CAR_RE.search(text)),
    )
