"""Candidate numbers: counts an abstract states, proposed to a reviewer, never stored.

A reviewer extracting "CRS 13/15" reads the abstract anyway; this module
points at the sentences that hold counts ("12 of 15 patients", "all five
patients", "3/6", "no neurotoxicity", "86.7% of patients") and guesses the
outcome code the sentence names. Every candidate carries its sentence and a
note saying how it was read, so the reviewer accepts, corrects or discards
it. Nothing here writes to the store.

A percentage becomes a count only when a stated denominator (in the
sentence, or the cohort size stated in the abstract or given by the caller)
gives exactly one whole count that rounds to it; otherwise it is returned
without a count, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence.vocab import Outcome

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
NUMBER_WORDS.update(_TENS)
NUMBER_WORDS.update({f"{t}-{u}": n + i for t, n in _TENS.items() for i, u in enumerate(_UNITS[1:10], 1)})
NUMBER_WORDS.update({"a single": 1, "one single": 1, "single": 1})

_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)).replace(" ", r"\s+")
NUM = rf"(?:\d{{1,5}}(?![.,]\d)|(?:{_WORD})\b)"
PEOPLE = r"(?:patients?|participants?|subjects?|individuals?|cases?|children|adults?|pts?\b|recipients?|instances?" \
    r"|episodes?)"

# Outcome terms, most specific first; each maps a phrase to an outcome code (grade qualifiers apart).
OUTCOME_TERMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.I), code.value) for p, code in (
    (r"(?:LLDAS\W+(?:\w+\W+){0,3}?DORIS|DORIS\W+(?:\w+\W+){0,3}?LLDAS)", Outcome.DORIS_AND_LLDAS),
    (r"\bDORIS\b", Outcome.REMISSION_DORIS),
    (r"\bLLDAS\b|low disease activity state", Outcome.LLDAS),
    (r"complete renal response", Outcome.COMPLETE_RENAL_RESPONSE),
    (r"\bSRI-?4\b|SLE responder index", Outcome.SRI4),
    (r"(?:drug|medication|treatment)[- ]free (?:\w+ )?remission", Outcome.DRUG_FREE_REMISSION),
    (r"major (?:clinical )?response", Outcome.ACR_EULAR_MAJOR),
    (r"\bTIS\b|total improvement score", Outcome.TIS_RESPONSE),
    (r"\bEUSTAR\b", Outcome.EUSTAR_IMPROVEMENT),
    (r"relapse[- ]free|without relapse|no relapse", Outcome.RELAPSE_FREE),
    (r"\bMG-?ADL\b|MG[- ]Activities of Daily Living", Outcome.MG_ADL_IMPROVEMENT),
    (r"\bMGC\b|MG composite", Outcome.MGC_IMPROVEMENT),
    (r"(?:discontinu|stopp?|withdr[ae]w|tapered off)\w*\s+(?:\w+\s+){0,3}?immunosuppress"
     r"|immunosuppress\w*\s+(?:\w+\s+){0,3}?(?:discontinued|stopped|withdrawn)", Outcome.IMMUNOSUPPRESSION_STOPPED),
    (r"complete remission|\bremission", Outcome.COMPLETE_REMISSION_OTHER),
    (r"cytokine[- ]release syndrome|\bCRS\b", Outcome.CRS_ANY),
    (r"\bICANS\b|neurotoxicit|neurologic(?:al)? toxicit", Outcome.ICANS_ANY),
    (r"infections?\b|pneumonia|sepsis|bacter[ae]?mia", Outcome.INFECTION_ANY),
    (r"\bdied\b|\bdeaths?\b|\bfatal", Outcome.DEATH),
    (r"clinical(?:ly)? (?:\w+ )?(?:response|improvement)", Outcome.CLINICAL_RESPONSE_OTHER),
))
# Catch-all codes give way to a named outcome close by ("clinically meaningful improvement in MG-ADL").
GENERIC_OUTCOMES = frozenset({Outcome.CLINICAL_RESPONSE_OTHER.value, Outcome.COMPLETE_REMISSION_OTHER.value})
# Grade ≥3 qualifiers: before the term ("severe infections", "no grade >2 CRS"), or after it, where only a
# grade or a hospital stay counts ("CRS of grade 3", "pneumonia requiring hospitalisation").
_SEVERE_GRADE = r"grade\s*(?:≥|>=|>\s*2|3|III\b|4)|(?:≥|>=)\s*grade\s*3|above grade 2|hospitali[sz]"
SEVERE_BEFORE = re.compile(rf"{_SEVERE_GRADE}|severe|serious|high[- ]grade", re.I)
SEVERE_AFTER = re.compile(_SEVERE_GRADE, re.I)
_SEVERE_CODE = {Outcome.CRS_ANY.value: Outcome.CRS_GRADE3.value, Outcome.ICANS_ANY.value: Outcome.ICANS_GRADE3.value,
                Outcome.INFECTION_ANY.value: Outcome.SERIOUS_INFECTION.value}

_OF = re.compile(rf"\b(?P<e>{NUM})\s+(?:out\s+)?of\s+(?:the\s+|these\s+)?(?P<n>{NUM})\b", re.I)
_SLASH = re.compile(r"(?<![\d/.])(?P<e>\d{1,4})\s?/\s?(?P<n>\d{1,4})(?![\d/]|\s?(?:mg|kg|m2|m²|µ|ul|ml|d\b|day|wk))")
_SLASH_NOT = re.compile(r"(?:grade|phase|G|type|×10\^?\d*|x10\^?\d*)\s*$", re.I)
_ALL_N = re.compile(rf"\ball\s+(?:of\s+)?(?:the\s+|these\s+)?(?P<n>{NUM})\b", re.I)
_BOTH = re.compile(rf"\bboth\s+(?:(?:of\s+the\s+|the\s+)?(?:[\w-]+\s+){{0,2}}?{PEOPLE})", re.I)
_ALL_PEOPLE = re.compile(rf"\ball\s+(?:(?:of\s+)?(?:the\s+|these\s+)?(?:[\w-]+\s+){{0,2}}?{PEOPLE})", re.I)
_NONE_OF = re.compile(rf"\bnone\s+of\s+(?:the\s+|these\s+)?(?P<n>{NUM})\b", re.I)
_BARE = re.compile(rf"(?<![\w.,/-])(?P<e>{NUM})\s+(?:(?:[\w-]+\s+){{0,2}}?){PEOPLE}", re.I)
_N_EQ = re.compile(r"\(\s*n\s*=\s*(?P<e>\d{1,4})\s*\)", re.I)
_PERCENT = re.compile(r"(?<![\d.])(?P<p>\d{1,3}(?:\.\d{1,2})?)\s?%")
_NEGATION = re.compile(r"\b(?:no|none|without|neither|nor|absence of|free of|did not (?:develop|experience|occur)"
                       r"|not (?:observed|reported|seen))\b", re.I)
_CLAUSE_END = re.compile(r"[;:]|\bbut\b|\bwhile\b|\bwhereas\b|\bexcept\b|\balthough\b", re.I)
_ENROLMENT = re.compile(r"enrol+ed|treated|infused|included|recruited|received|underwent|dosed", re.I)
_COHORT = (
    re.compile(rf"\b(?P<n>{NUM})\s+(?:(?:[\w-]+\s+){{0,4}}?{PEOPLE}\s+)?(?:\([^)]*\)\s+)?(?:(?:[\w-]+\s+){{0,5}}?)"
               rf"(?:were|was|have been|had been)?\s*(?:enrol+ed|treated|infused|included|recruited|dosed)", re.I),
    re.compile(rf"(?:enrol+ed|treated|infused|included|recruited|dosed)\s+(?P<n>{NUM})\s+(?:[\w-]+\s+){{0,4}}?"
               rf"{PEOPLE}", re.I),
    re.compile(rf"\b(?P<n>{NUM})\s+(?:[\w-]+\s+){{0,4}}?{PEOPLE}\s+(?:\([^)]*\)\s+)?received", re.I),
    re.compile(rf"{PEOPLE}\s*\(\s*n\s*=\s*(?P<n>\d{{1,4}})\s*\)", re.I),
)
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\.\.\.)\s+(?=[A-Z(\d])")  # an ellipsis is not an end
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|vs|et al|approx|Fig|No)\.)$")


@dataclass(frozen=True)
class Candidate:
    """A count proposed from one sentence; ``events`` is None when only a percentage was found."""

    events: int | None
    patients: int | None
    outcome: str | None  # vocab.Outcome code the sentence names, nearest to the number
    sentence: str
    matched: str  # the words the count was read from
    start: int  # position of ``matched`` in ``sentence``
    basis: str  # of | slash | all | both | all-people | none-of | zero | bare | n-equals | percent
    note: str = ""

    @property
    def complete(self) -> bool:
        return self.events is not None and self.patients is not None


def number(text: str) -> int:
    """'12' → 12, 'Twenty-one' → 21."""
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def sentences(text: str) -> list[str]:
    """Split an abstract into sentences (keeping 'e.g.' and 'vs.' inside theirs)."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def stated_cohort_size(text: str) -> int | None:
    """The number of patients an abstract says were treated or enrolled (the first statement), if any."""
    found = [(m.start(), number(m.group("n"))) for rx in _COHORT for m in rx.finditer(text)]
    found = [(pos, n) for pos, n in found if n > 0]
    return min(found)[1] if found else None


def guess_outcome(sentence: str, start: int, end: int) -> str | None:
    """The outcome the sentence names nearest to ``sentence[start:end]`` (grade ≥3 when qualified so)."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for rank, (pattern, code) in enumerate(OUTCOME_TERMS):
        for m in pattern.finditer(sentence):
            if any(a <= m.start() < b for a, b in taken):
                continue  # inside a more specific term ("DORIS" of "LLDAS and DORIS")
            taken.append((m.start(), m.end()))
            distance = max(m.start() - end, start - m.end(), 0)
            found.append((distance, rank, _severity(sentence, m.start(), m.end(), code)))
    specific = [f for f in found if f[2] not in GENERIC_OUTCOMES and f[0] <= 60]
    return min(specific or found)[2] if found else None


def _severity(sentence: str, start: int, end: int, code: str) -> str:
    if code not in _SEVERE_CODE:
        return code
    before = re.split(r"[,;]", sentence[max(0, start - 25):start])[-1]
    after = re.split(r"[,;]", sentence[end:end + 30])[0]
    severe = SEVERE_BEFORE.search(before) or SEVERE_AFTER.search(after)
    return _SEVERE_CODE[code] if severe else code


def _percent_count(percent: str, denominator: int) -> int | None:
    """The one count k ≤ denominator whose share rounds to ``percent`` at its stated precision."""
    decimals = len(percent.partition(".")[2])
    value = float(percent)
    half = 0.5 * 10 ** -decimals + 1e-9
    fits = [k for k in range(denominator + 1) if abs(100 * k / denominator - value) <= half]
    return fits[0] if len(fits) == 1 else None


class _Reader:
    """Reads one sentence; spans already read are not read again by a looser rule."""

    def __init__(self, sentence: str, cohort: int | None):
        self.s = sentence
        self.cohort = cohort
        self.taken: list[tuple[int, int]] = []
        self.found: list[Candidate] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.taken)

    def add(self, m: re.Match, events: int | None, patients: int | None, basis: str, note: str = "",
            outcome: str | None = None) -> None:
        self.taken.append((m.start(), m.end()))
        if outcome is None:
            outcome = guess_outcome(self.s, m.start(), m.end())
        self.found.append(Candidate(events, patients, outcome, self.s, m.group(0), m.start(), basis, note))

    def cohort_note(self) -> str:
        return f"denominator: the stated cohort size ({self.cohort})"

    def read(self) -> list[Candidate]:
        self._explicit()
        self._alls()
        self._percentages()
        self._zeros()
        self._bare()
        return sorted(self.found, key=lambda c: c.start)

    def _explicit(self) -> None:
        for m in _OF.finditer(self.s):
            e, n = number(m.group("e")), number(m.group("n"))
            if 0 < n and e <= n and self.free(m.start(), m.end()):
                self.add(m, e, n, "of")
        for m in _SLASH.finditer(self.s):
            e, n = int(m.group("e")), int(m.group("n"))
            if 0 < n and e <= n and self.free(m.start(), m.end()) and not _SLASH_NOT.search(self.s[:m.start()]):
                self.add(m, e, n, "slash")

    def _alls(self) -> None:
        for m in _NONE_OF.finditer(self.s):
            if self.free(m.start(), m.end()):
                n = number(m.group("n"))
                self.add(m, 0, n, "none-of")
        for m in _ALL_N.finditer(self.s):
            n = number(m.group("n"))
            if n > 0 and self.free(m.start(), m.end()):
                self.add(m, n, n, "all")
        for m in _BOTH.finditer(self.s):
            if self.free(m.start(), m.end()):
                self.add(m, 2, 2, "both")
        for m in _ALL_PEOPLE.finditer(self.s):
            if self.free(m.start(), m.end()):
                if self.cohort:
                    self.add(m, self.cohort, self.cohort, "all-people", self.cohort_note())
                else:
                    self.add(m, None, None, "all-people", "'all patients': no cohort size stated")

    def _percentages(self) -> None:
        for m in _PERCENT.finditer(self.s):
            if not self.free(m.start(), m.end()) or not self._near_free(m):
                self.taken.append((m.start(), m.end()))  # a share of a count already read: "(80%)"
                continue
            after = _N_EQ.match(self.s, m.end() + (1 if self.s[m.end():m.end() + 1] == " " else 0))
            if after:
                self._percent_with_n(m, after)
                continue
            denominator = self.cohort
            count = _percent_count(m.group("p"), denominator) if denominator else None
            if count is not None:
                self.add(m, count, denominator, "percent",
                         f"{m.group('p')}% of {denominator} = {count}/{denominator}, the only whole count "
                         f"that gives {m.group('p')}%")
            elif denominator:
                self.add(m, None, None, "percent",
                         f"{m.group('p')}%: no whole count of {denominator} gives it exactly; not converted")
            else:
                self.add(m, None, None, "percent", f"{m.group('p')}%: no denominator stated; not converted")

    def _near_free(self, m: re.Match) -> bool:
        """False when the percentage is the share of a count already read: '12 of 15 patients (80%)', '83% (10/12)'."""
        for a, b in self.taken:
            between = self.s[b:m.start()]
            if 0 <= m.start() - b <= 16 and not re.search(r"\d", between) or 0 <= a - m.end() <= 3:
                return False
        return True

    def _percent_with_n(self, m: re.Match, n_eq: re.Match) -> None:
        events = int(n_eq.group("e"))
        self.taken.append((m.start(), n_eq.end()))
        note = f"(n={events}) after {m.group('p')}% read as the number of patients with the event"
        patients = None
        if self.cohort and events <= self.cohort:
            if _percent_count(m.group("p"), self.cohort) == events:
                patients = self.cohort
                note += f"; {events}/{self.cohort} gives {m.group('p')}%"
            else:
                note += f"; {events}/{self.cohort} does not give {m.group('p')}%, denominator left open"
        outcome = guess_outcome(self.s, m.start(), n_eq.end())
        self.found.append(Candidate(events, patients, outcome, self.s, self.s[m.start():n_eq.end()], m.start(),
                                    "n-equals", note))

    def _zeros(self) -> None:
        for m in _NEGATION.finditer(self.s):
            if not self.free(m.start(), m.end()):
                continue
            end = _CLAUSE_END.search(self.s, m.end())
            clause_end = min(end.start() if end else len(self.s), m.end() + 90)
            terms = sorted((t.start(), t.end(), code) for pattern, code in OUTCOME_TERMS
                           for t in pattern.finditer(self.s, m.end(), clause_end))
            # "No grade ≥3 CRS, ICANS or death": the grade covers the whole list (the weaker claim).
            graded = bool(terms) and bool(SEVERE_BEFORE.search(self.s[m.end():terms[0][0]]))
            seen: set[str] = set()
            for start, end, code in terms:
                code_here = _SEVERE_CODE.get(code, code) if graded else _severity(self.s, start, end, code)
                if code_here in seen or code == Outcome.RELAPSE_FREE.value:
                    continue
                seen.add(code_here)
                self.found.append(Candidate(
                    0, self.cohort, code_here, self.s, self.s[m.start():end], m.start(), "zero",
                    "no event stated" + (f"; {self.cohort_note()}" if self.cohort else "; denominator not stated")))
            if seen:
                self.taken.append((m.start(), clause_end))

    def _bare(self) -> None:
        if guess_outcome(self.s, 0, len(self.s)) is None:
            return  # a count of patients in a sentence naming no outcome is a cohort size, not an event
        for m in _BARE.finditer(self.s):
            if not self.free(m.start(), m.end()):
                continue
            events = number(m.group("e"))
            if re.search(r"\bof\s+(?:the\s+|these\s+)?$", self.s[:m.start()], re.I):
                continue  # "of the 11 patients": a denominator, read with its numerator or not at all
            after = self.s[m.end():m.end() + 40]
            if _ENROLMENT.match(after.strip().removeprefix("were ").removeprefix("was ")) or \
                    _ENROLMENT.search(self.s[max(0, m.start() - 12):m.start()]):
                continue  # "15 patients were treated": the cohort, not an event count
            patients = self.cohort if self.cohort and events <= self.cohort else None
            note = self.cohort_note() if patients else "denominator not stated"
            self.add(m, events, patients, "bare", note)
        for m in _N_EQ.finditer(self.s):
            if self.free(m.start(), m.end()):
                events = int(m.group("e"))
                patients = self.cohort if self.cohort and events <= self.cohort else None
                self.add(m, events, patients, "n-equals",
                         self.cohort_note() if patients else "denominator not stated")


def find_candidates(text: str, cohort_size: int | None = None) -> list[Candidate]:
    """Counts proposed from ``text``, sentence by sentence, in reading order.

    ``cohort_size`` (e.g. the report's number treated) is the denominator of
    "all patients", "in six patients" and bare percentages; without it, the
    cohort size the text itself states is used, if any.
    """
    cohort = cohort_size or stated_cohort_size(text)
    out: list[Candidate] = []
    for sentence in sentences(text):
        out.extend(_Reader(sentence, cohort).read())
    return out


__all__ = ["Candidate", "find_candidates", "guess_outcome", "number", "sentences", "stated_cohort_size"]
