"""Standards codes: NGSS performance expectations and Common Core math.

One normalized code is stored per standard:

- NGSS: uppercase with hyphens, `HS-PS1-2`, `K-2-ETS1-1`, `4-PS3-2`.
- Common Core math: the full identifier, `CCSS.MATH.CONTENT.7.RP.A.2` (sub-part
  `CCSS.MATH.CONTENT.7.RP.A.2.A`), `CCSS.MATH.CONTENT.HSA.SSE.A.1`, `CCSS.MATH.PRACTICE.MP1`;
  shown in the short form teachers write: `7.RP.A.2`, `7.RP.A.2a`, `HSA-SSE.A.1`, `MP1`.

Input may be lowercase, spaced, or use en dashes or underscores; anything else gets an
`InvalidStandard` saying which code is wrong and why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .errors import InvalidStandard
from .standards_data import (
    CCSS_CLUSTERS,
    CCSS_DOMAINS,
    CCSS_GRADE_DOMAINS,
    CCSS_HS_CATEGORIES,
    CCSS_HS_DOMAINS,
    CCSS_PRACTICES,
    NGSS_DCIS,
    NGSS_DISCIPLINES,
    NGSS_GRADES,
    NGSS_PE_COUNTS,
)

Framework = Literal["NGSS", "CCSS-M"]

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_NGSS_DCI_HINT = re.compile(r"(?:PS|LS|ESS|ETS)\s*\d")
_NGSS_START = re.compile(r"NGSS|K|MS|HS|\d")
_NGSS = re.compile(r"(K-2|3-5|K|MS|HS|\d{1,2})-?([A-Z]+)(\d*)(?:[-.](\d+))?")
_CCSS_PREFIX = re.compile(r"^(?:CCSS\.)?(?:MATH\.)?(?:CONTENT\.|PRACTICE\.)?")
_PRACTICE = re.compile(r"MP\.?-?(\d+)")
_GRADE_LEVEL = re.compile(r"(K|\d{1,2})\.([A-Z]+)\.(.+)")
_HIGH_SCHOOL = re.compile(r"(?:HS\.?)?([NAFGS])[-.]([A-Z]+)\.(.+)")
_STANDARD = re.compile(r"(?:([A-Z])\.)?(\d+)(?:\.?([A-Z]))?")


@dataclass(frozen=True)
class Standard:
    """One standard: the normalized `code` to store and the short form to show."""

    code: str
    framework: Framework
    display: str


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).translate(_DASHES).strip().upper()


def normalize_standard(code: str) -> Standard:
    """Return the standard for an NGSS or Common Core math code; raise InvalidStandard if none."""
    if not isinstance(code, str):
        raise InvalidStandard(str(code), "a standards code must be text, like HS-PS1-2")
    text = _clean(code)
    if not text:
        raise InvalidStandard(code, "the code is empty")
    if text.startswith(("CCSS", "MATH")) or _PRACTICE.fullmatch(re.sub(r"\s+", "", text)):
        return _common_core(code, text)
    if _NGSS_DCI_HINT.search(text):
        return _ngss(code, text)
    if "." in text:
        return _common_core(code, text)
    if _NGSS_START.match(text):
        return _ngss(code, text)
    raise InvalidStandard(
        code, "it looks neither like an NGSS code (HS-PS1-2) nor a Common Core one (7.RP.A.2, MP1)"
    )


def is_valid_standard(code: str) -> bool:
    """Return True when `code` is an NGSS or Common Core math code in any accepted form."""
    try:
        normalize_standard(code)
    except InvalidStandard:
        return False
    return True


# NGSS ---------------------------------------------------------------------------------------


def _ngss(raw: str, text: str) -> Standard:
    def fail(reason: str) -> InvalidStandard:
        return InvalidStandard(raw, reason, "NGSS")

    text = re.sub(r"^NGSS[\s:.\-]*", "", text)
    text = re.sub(r"-+", "-", re.sub(r"[\s_]+", "-", text)).strip("-")
    match = _NGSS.fullmatch(text)
    if match is None:
        raise fail("NGSS codes look like HS-PS1-2: grade band, core idea, number")
    grade, letters, digits, number = match.groups()
    if grade.isdigit() and grade not in NGSS_GRADES:
        band = "MS" if 6 <= int(grade) <= 8 else "HS" if 9 <= int(grade) <= 12 else None
        hint = f"; grades 6\u201312 are coded MS or HS (use {band})" if band else ""
        raise fail(f"there are no NGSS codes for grade {int(grade)}{hint}")
    grade = str(int(grade)) if grade.isdigit() else grade
    if letters not in NGSS_DISCIPLINES:
        raise fail(f"disciplinary core idea {letters}{digits} does not exist")
    if not digits:
        raise fail(f"the core idea needs its number, like {letters}1")
    dci = f"{letters}{int(digits)}"
    if dci not in NGSS_DCIS:
        raise fail(f"disciplinary core idea {dci} does not exist")
    if dci == "ETS2":
        raise fail("ETS2 has no performance expectations; engineering design ones use ETS1")
    if number is None:
        raise fail(f"the performance expectation number is missing, as in {grade}-{dci}-1")
    counts = NGSS_PE_COUNTS[grade]
    if dci not in counts:
        raise fail(_missing_dci_reason(grade, dci))
    n, most = int(number), counts[dci]
    if not 1 <= n <= most:
        have = (
            "only performance expectation 1"
            if most == 1
            else f"performance expectations 1 to {most}"
        )
        raise fail(f"{grade}-{dci} has {have}, not {n}")
    canonical = f"{grade}-{dci}-{n}"
    return Standard(code=canonical, framework="NGSS", display=canonical)


def _missing_dci_reason(grade: str, dci: str) -> str:
    if dci == "ETS1" and grade in ("K", "1", "2"):
        return "engineering design for kindergarten to grade 2 is coded K-2-ETS1"
    if dci == "ETS1" and grade in ("3", "4", "5"):
        return "engineering design for grades 3 to 5 is coded 3-5-ETS1"
    if grade in ("K-2", "3-5"):
        return f"the {grade} band is only used for engineering design (ETS1)"
    return f"{NGSS_GRADES[grade].lower()} has no performance expectations in {dci}"


# Common Core math ---------------------------------------------------------------------------


def _common_core(raw: str, text: str) -> Standard:
    def fail(reason: str) -> InvalidStandard:
        return InvalidStandard(raw, reason, "Common Core math")

    text = re.sub(r"\s*([.\-])\s*", r"\1", text)
    text = re.sub(r"[\s_]+", ".", text)
    text = _CCSS_PREFIX.sub("", text)
    if practice := _PRACTICE.fullmatch(text):
        n = int(practice.group(1))
        if n not in CCSS_PRACTICES:
            raise fail("the mathematical practices are MP1 to MP8")
        return Standard(f"CCSS.MATH.PRACTICE.MP{n}", "CCSS-M", f"MP{n}")
    if grade_level := _GRADE_LEVEL.fullmatch(text):
        grade, domain, rest = grade_level.groups()
        grade = grade if grade == "K" else str(int(grade))
        if grade not in CCSS_GRADE_DOMAINS:
            raise fail(f"grade {grade} has no grade-level standards; high school codes look "
                       "like HSA-SSE.A.1")  # fmt: skip
        domains = CCSS_GRADE_DOMAINS[grade]
        if domain not in domains:
            label = "kindergarten" if grade == "K" else f"grade {grade}"
            raise fail(f"{label} has no {domain} domain (its domains are {', '.join(domains)})")
        cluster, n, sub = _standard_number(rest, f"{grade}.{domain}", fail)
        code = f"CCSS.MATH.CONTENT.{grade}.{domain}.{cluster}.{n}"
        display = f"{grade}.{domain}.{cluster}.{n}"
    elif high_school := _HIGH_SCHOOL.fullmatch(text):
        category, domain, rest = high_school.groups()
        domains = CCSS_HS_DOMAINS[category]
        if domain not in domains:
            name = CCSS_HS_CATEGORIES[category]
            raise fail(f"high school {name} has no {domain} domain "
                       f"(its domains are {', '.join(domains)})")  # fmt: skip
        cluster, n, sub = _standard_number(rest, f"HS{category}-{domain}", fail)
        code = f"CCSS.MATH.CONTENT.HS{category}.{domain}.{cluster}.{n}"
        display = f"HS{category}-{domain}.{cluster}.{n}"
    else:
        raise fail("Common Core math codes look like 7.RP.A.2, HSA-SSE.A.1 or MP1")
    if sub:
        return Standard(f"{code}.{sub}", "CCSS-M", f"{display}{sub.lower()}")
    return Standard(code, "CCSS-M", display)


def _standard_number(
    rest: str, prefix: str, fail: Callable[[str], InvalidStandard]
) -> tuple[str, int, str | None]:
    """Return (cluster letter, standard number, sub-part letter) from e.g. `A.2.a`."""
    match = _STANDARD.fullmatch(rest)
    if match is None:
        raise fail(f"after {prefix} comes the cluster letter and number, as in {prefix}.A.1")
    cluster, number, sub = match.groups()
    if cluster is None:
        raise fail(
            f"the cluster letter is missing (write it before the number, as in {prefix}.A.1)"
        )
    if cluster not in CCSS_CLUSTERS:
        raise fail(f"cluster {cluster} does not exist (clusters are lettered A to D)")
    if int(number) < 1:
        raise fail("standards are numbered from 1")
    return cluster, int(number), sub


# Descriptions -------------------------------------------------------------------------------


def describe(code: str) -> str:
    """Return where a standard sits, e.g. "NGSS · Physical Sciences · Matter and its interactions".

    Raises InvalidStandard for codes that are not valid.
    """
    standard = normalize_standard(code)
    if standard.framework == "NGSS":
        dci = standard.code.split("-")[-2]
        discipline = NGSS_DISCIPLINES[dci.rstrip("0123456789")]
        return f"NGSS \u00b7 {discipline} \u00b7 {NGSS_DCIS[dci]}"
    parts = standard.code.split(".")
    if parts[2] == "PRACTICE":
        practice = CCSS_PRACTICES[int(parts[3][2:])]
        return f"Common Core Math \u00b7 Mathematical Practice \u00b7 {practice}"
    grade, domain = parts[3], parts[4]
    if grade.startswith("HS"):
        category = grade[2:]
        return (
            f"Common Core Math \u00b7 High School: {CCSS_HS_CATEGORIES[category]} \u00b7 "
            f"{CCSS_HS_DOMAINS[category][domain]}"
        )
    label = "Kindergarten" if grade == "K" else f"Grade {grade}"
    return f"Common Core Math \u00b7 {label} \u00b7 {CCSS_DOMAINS[domain]}"
