"""Standards codes: every accepted variant normalizes to one code; invalid ones say why."""

from __future__ import annotations

import pytest

from workspace.content import InvalidStandard, describe, is_valid_standard, normalize_standard

# (normalized code, display form, framework, variants that must normalize to it)
VALID = [
    ("HS-PS1-2", "HS-PS1-2", "NGSS", ["HS-PS1-2", "hs-ps1-2", " HS PS1-2 ", "HS\u2013PS1\u20132",
                                      "hs_ps1_2", "HSPS1-2", "NGSS HS-PS1-2", "HS-PS1-02"]),
    ("K-2-ETS1-1", "K-2-ETS1-1", "NGSS", ["K-2-ETS1-1", "k\u20132\u2013ets1\u20131", "K-2 ETS1-1"]),
    ("MS-LS1-6", "MS-LS1-6", "NGSS", ["MS-LS1-6", "ms-ls1-6", "MS LS1 6"]),
    ("3-5-ETS1-2", "3-5-ETS1-2", "NGSS", ["3-5-ETS1-2", "3\u20135-ETS1-2"]),
    ("4-PS3-2", "4-PS3-2", "NGSS", ["4-PS3-2", "4-ps3-2"]),
    ("K-ESS2-1", "K-ESS2-1", "NGSS", ["K-ESS2-1", "k-ess2-1"]),
    ("HS-ETS1-4", "HS-ETS1-4", "NGSS", ["HS-ETS1-4"]),
    ("CCSS.MATH.CONTENT.7.RP.A.2", "7.RP.A.2", "CCSS-M",
     ["CCSS.MATH.CONTENT.7.RP.A.2", "7.RP.A.2", "7.rp.a.2", "ccss.math.content.7.rp.a.2",
      "CCSS.Math.Content.7.RP.A.2", " 7. RP. A. 2 "]),
    ("CCSS.MATH.CONTENT.7.RP.A.2.A", "7.RP.A.2a", "CCSS-M",
     ["7.RP.A.2.a", "7.RP.A.2a", "CCSS.Math.Content.7.RP.A.2.a", "CCSS.MATH.CONTENT.7.RP.A.2.A"]),
    ("CCSS.MATH.CONTENT.K.CC.A.1", "K.CC.A.1", "CCSS-M", ["K.CC.A.1", "k.cc.a.1"]),
    ("CCSS.MATH.CONTENT.8.F.B.4", "8.F.B.4", "CCSS-M", ["8.F.B.4"]),
    ("CCSS.MATH.CONTENT.HSA.SSE.A.1", "HSA-SSE.A.1", "CCSS-M",
     ["HSA-SSE.A.1", "hsa-sse.a.1", "CCSS.MATH.CONTENT.HSA.SSE.A.1", "HSA.SSE.A.1", "A-SSE.A.1",
      "HSA\u2013SSE.A.1"]),
    ("CCSS.MATH.CONTENT.HSF.IF.C.7.B", "HSF-IF.C.7b", "CCSS-M", ["HSF-IF.C.7b", "HSF-IF.C.7.b"]),
    ("CCSS.MATH.CONTENT.HSG.CO.A.1", "HSG-CO.A.1", "CCSS-M", ["HSG-CO.A.1"]),
    ("CCSS.MATH.CONTENT.HSS.ID.A.1", "HSS-ID.A.1", "CCSS-M", ["HSS-ID.A.1"]),
    ("CCSS.MATH.CONTENT.HSN.RN.A.1", "HSN-RN.A.1", "CCSS-M", ["HSN-RN.A.1"]),
    ("CCSS.MATH.PRACTICE.MP1", "MP1", "CCSS-M",
     ["MP1", "mp1", "MP.1", "MP 1", "CCSS.MATH.PRACTICE.MP1", "ccss.math.practice.mp1"]),
    ("CCSS.MATH.PRACTICE.MP8", "MP8", "CCSS-M", ["MP8", "MP.8"]),
]  # fmt: skip

VARIANTS = [
    pytest.param(variant, code, display, framework, id=variant)
    for code, display, framework, variants in VALID
    for variant in variants
]


@pytest.mark.parametrize(("variant", "code", "display", "framework"), VARIANTS)
def test_accepted_variants_normalize_to_one_code(variant, code, display, framework):
    standard = normalize_standard(variant)
    assert (standard.code, standard.display, standard.framework) == (code, display, framework)
    assert normalize_standard(standard.code) == standard
    assert normalize_standard(standard.display) == standard


# (input, words the message must contain after naming the code)
INVALID = [
    ("HS-PS9-2", "not a valid NGSS code: disciplinary core idea PS9 does not exist"),
    ("HS-XS1-2", "disciplinary core idea XS1 does not exist"),
    ("HS-ETS2-1", "ETS2 has no performance expectations"),
    ("HS-PS1-9", "HS-PS1 has performance expectations 1 to 8, not 9"),
    ("HS-PS1-0", "not 0"),
    ("5-PS2-2", "5-PS2 has only performance expectation 1, not 2"),
    ("HS-PS1", "performance expectation number is missing"),
    ("HS-PS-1", "needs its number"),
    ("K-PS1-1", "kindergarten has no performance expectations in PS1"),
    ("K-ETS1-1", "coded K-2-ETS1"),
    ("4-ETS1-1", "coded 3-5-ETS1"),
    ("K-2-PS1-1", "only used for engineering design"),
    ("7-PS1-1", "use MS"),
    ("10-PS1-1", "use HS"),
    ("7.RP.2", "not a valid Common Core math code: the cluster letter is missing"),
    ("HSA-SSE.1", "cluster letter is missing"),
    ("3.RP.A.1", "grade 3 has no RP domain (its domains are OA, NBT, NF, MD, G)"),
    ("K.NF.A.1", "kindergarten has no NF domain"),
    ("9.A.A.1", "grade 9 has no grade-level standards"),
    ("7.RP.F.1", "cluster F does not exist"),
    ("7.RP.A.0", "numbered from 1"),
    ("HSA-XYZ.A.1", "high school Algebra has no XYZ domain"),
    ("MP9", "MP1 to MP8"),
    ("MP0", "MP1 to MP8"),
    ("CCSS.MATH.CONTENT.7", "look like 7.RP.A.2"),
    ("hello world", "looks neither like an NGSS code"),
    ("javascript:alert(1)", "looks neither like an NGSS code"),
    ("", "the code is empty"),
]


@pytest.mark.parametrize(("code", "words"), INVALID, ids=[code or "empty" for code, _ in INVALID])
def test_invalid_codes_say_which_code_and_why(code, words):
    with pytest.raises(InvalidStandard) as caught:
        normalize_standard(code)
    message = caught.value.message
    assert message.startswith(f"\u201c{code.strip()}\u201d is not a valid")
    assert words in message
    assert not is_valid_standard(code)


def test_non_text_code_is_invalid():
    with pytest.raises(InvalidStandard, match="must be text"):
        normalize_standard(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "description"),
    [
        ("HS-PS1-2", "NGSS · Physical Sciences · Matter and its interactions"),
        ("ms-ls2-3", "NGSS · Life Sciences · Ecosystems: Interactions, energy, and dynamics"),
        ("K-2-ETS1-1", "NGSS · Engineering, Technology, and Applications of Science · "
                       "Engineering design"),
        ("7.RP.A.2", "Common Core Math · Grade 7 · Ratios and Proportional Relationships"),
        ("K.CC.A.1", "Common Core Math · Kindergarten · Counting and Cardinality"),
        ("HSA-SSE.A.1", "Common Core Math · High School: Algebra · "
                        "Seeing Structure in Expressions"),
        ("MP4", "Common Core Math · Mathematical Practice · Model with mathematics"),
    ],
)  # fmt: skip
def test_describe_names_framework_and_domain(code, description):
    assert describe(code) == description


def test_describe_refuses_invalid_codes():
    with pytest.raises(InvalidStandard):
        describe("HS-PS9-1")
