"""Reference tables for NGSS and Common Core math codes (names, domains, counts)."""

from __future__ import annotations

NGSS_DISCIPLINES = {
    "PS": "Physical Sciences",
    "LS": "Life Sciences",
    "ESS": "Earth and Space Sciences",
    "ETS": "Engineering, Technology, and Applications of Science",
}

NGSS_DCIS = {
    "PS1": "Matter and its interactions",
    "PS2": "Motion and stability: Forces and interactions",
    "PS3": "Energy",
    "PS4": "Waves and their applications in technologies for information transfer",
    "LS1": "From molecules to organisms: Structures and processes",
    "LS2": "Ecosystems: Interactions, energy, and dynamics",
    "LS3": "Heredity: Inheritance and variation of traits",
    "LS4": "Biological evolution: Unity and diversity",
    "ESS1": "Earth\u2019s place in the universe",
    "ESS2": "Earth\u2019s systems",
    "ESS3": "Earth and human activity",
    "ETS1": "Engineering design",
    "ETS2": "Links among engineering, technology, science, and society",
}

NGSS_GRADES = {
    "K": "Kindergarten",
    "1": "Grade 1",
    "2": "Grade 2",
    "3": "Grade 3",
    "4": "Grade 4",
    "5": "Grade 5",
    "K-2": "Grades K\u20132",
    "3-5": "Grades 3\u20135",
    "MS": "Middle school",
    "HS": "High school",
}

# How many performance expectations each grade has per core idea (they are numbered 1..n).
NGSS_PE_COUNTS: dict[str, dict[str, int]] = {
    "K": {"PS2": 2, "PS3": 2, "LS1": 1, "ESS2": 2, "ESS3": 3},
    "1": {"PS4": 4, "LS1": 2, "LS3": 1, "ESS1": 2},
    "2": {"PS1": 4, "LS2": 2, "LS4": 1, "ESS1": 1, "ESS2": 3},
    "3": {"PS2": 4, "LS1": 1, "LS2": 1, "LS3": 2, "LS4": 4, "ESS2": 2, "ESS3": 1},
    "4": {"PS3": 4, "PS4": 3, "LS1": 2, "ESS1": 1, "ESS2": 2, "ESS3": 2},
    "5": {"PS1": 4, "PS2": 1, "PS3": 1, "LS1": 1, "LS2": 1, "ESS1": 2, "ESS2": 2, "ESS3": 1},
    "K-2": {"ETS1": 3},
    "3-5": {"ETS1": 3},
    "MS": {
        "PS1": 6,
        "PS2": 5,
        "PS3": 5,
        "PS4": 3,
        "LS1": 8,
        "LS2": 5,
        "LS3": 2,
        "LS4": 6,
        "ESS1": 4,
        "ESS2": 6,
        "ESS3": 5,
        "ETS1": 4,
    },  # fmt: skip
    "HS": {
        "PS1": 8,
        "PS2": 6,
        "PS3": 5,
        "PS4": 5,
        "LS1": 7,
        "LS2": 8,
        "LS3": 3,
        "LS4": 6,
        "ESS1": 6,
        "ESS2": 7,
        "ESS3": 6,
        "ETS1": 4,
    },  # fmt: skip
}

CCSS_DOMAINS = {
    "CC": "Counting and Cardinality",
    "OA": "Operations and Algebraic Thinking",
    "NBT": "Number and Operations in Base Ten",
    "NF": "Number and Operations\u2014Fractions",
    "MD": "Measurement and Data",
    "G": "Geometry",
    "RP": "Ratios and Proportional Relationships",
    "NS": "The Number System",
    "EE": "Expressions and Equations",
    "F": "Functions",
    "SP": "Statistics and Probability",
}

CCSS_GRADE_DOMAINS: dict[str, tuple[str, ...]] = {
    "K": ("CC", "OA", "NBT", "MD", "G"),
    "1": ("OA", "NBT", "MD", "G"),
    "2": ("OA", "NBT", "MD", "G"),
    "3": ("OA", "NBT", "NF", "MD", "G"),
    "4": ("OA", "NBT", "NF", "MD", "G"),
    "5": ("OA", "NBT", "NF", "MD", "G"),
    "6": ("RP", "NS", "EE", "G", "SP"),
    "7": ("RP", "NS", "EE", "G", "SP"),
    "8": ("NS", "EE", "F", "G", "SP"),
}

CCSS_HS_CATEGORIES = {
    "N": "Number and Quantity",
    "A": "Algebra",
    "F": "Functions",
    "G": "Geometry",
    "S": "Statistics and Probability",
}

CCSS_HS_DOMAINS: dict[str, dict[str, str]] = {
    "N": {
        "RN": "The Real Number System",
        "Q": "Quantities",
        "CN": "The Complex Number System",
        "VM": "Vector and Matrix Quantities",
    },
    "A": {
        "SSE": "Seeing Structure in Expressions",
        "APR": "Arithmetic with Polynomials and Rational Expressions",
        "CED": "Creating Equations",
        "REI": "Reasoning with Equations and Inequalities",
    },
    "F": {
        "IF": "Interpreting Functions",
        "BF": "Building Functions",
        "LE": "Linear, Quadratic, and Exponential Models",
        "TF": "Trigonometric Functions",
    },
    "G": {
        "CO": "Congruence",
        "SRT": "Similarity, Right Triangles, and Trigonometry",
        "C": "Circles",
        "GPE": "Expressing Geometric Properties with Equations",
        "GMD": "Geometric Measurement and Dimension",
        "MG": "Modeling with Geometry",
    },
    "S": {
        "ID": "Interpreting Categorical and Quantitative Data",
        "IC": "Making Inferences and Justifying Conclusions",
        "CP": "Conditional Probability and the Rules of Probability",
        "MD": "Using Probability to Make Decisions",
    },
}

# Clusters are lettered A, B, ... within a domain; no domain has more than four.
CCSS_CLUSTERS = "ABCD"

CCSS_PRACTICES = {
    1: "Make sense of problems and persevere in solving them",
    2: "Reason abstractly and quantitatively",
    3: "Construct viable arguments and critique the reasoning of others",
    4: "Model with mathematics",
    5: "Use appropriate tools strategically",
    6: "Attend to precision",
    7: "Look for and make use of structure",
    8: "Look for and express regularity in repeated reasoning",
}
