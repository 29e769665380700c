"""TeX in field text made readable for plain-text readers (the feed)."""

from __future__ import annotations

import pytest

from readinglist.plaintext import readable

from .expected import csv_rows


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("MERGE$^3$: Efficient", "MERGE³: Efficient"),
        ("PanGu-$\\alpha$: Large-scale", "PanGu-α: Large-scale"),
        ("up to $\\sim 7.7\\times$ memory", "up to ∼7.7× memory"),
        ("speedup of $>1.3\\times$ over FP8", "speedup of >1.3× over FP8"),
        ("approximately $\\sqrt{3}$ times", "approximately √3 times"),
        ("a rate of $10^{-3}$ and x$_2$", "a rate of 10⁻³ and x₂"),
        ("$\\mathcal{O}(n)$ memory, pass@$k$", "O(n) memory, pass@k"),
        ("ablation in $\\S 5$", "ablation in §5"),
        ("policy $\\pi_\\theta(a \\mid s)$", "policy \\pi_\\theta(a \\mid s)"),  # no Unicode form: TeX, no dollars
        ("$\\frac{a}{b}$", "\\frac{a}{b}"),
        ("22\\% up to 43\\% of \\emph{model collapse}", "22% up to 43% of model collapse"),
        ("available at: \\url{this https URL}", "available at: this https URL"),
        ("costs $5 and $10", "costs $5 and $10"),  # not math (pandoc's rule)
        ("Para one.\n\nPara two.", "Para one.\n\nPara two."),
    ],
)
def test_readable(text, shown):
    assert readable(text) == shown


def test_no_dollar_math_is_left_in_the_shipped_titles_and_abstracts():
    for row in csv_rows():
        for column in ("title", "abstract", "notes"):
            assert "$" not in readable(row[column]), (row["id"], column)
