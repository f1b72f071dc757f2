"""A formula answer evaluated by what it does: the probes, the `formulas` engine, and
LibreOffice agreeing with it where LibreOffice is installed."""

import pytest

from pocmvp.machinery import formula_check
from pocmvp.toolkit import spreadsheet_engine
from pocmvp.toolkit.rule import Rule

RULE = Rule.of(("score", ">", 35), ("age", "<", 2.5))
COLUMNS = ("name", "score", "age")
BASE = {"name": "row one", "score": 10, "age": 9}
FORMULAS = {
    "=OR(AND(ISNUMBER(B2),B2>35),AND(ISNUMBER(C2),C2<2.5))": True,
    '=OR(AND(B2<>"",B2>35),AND(C2<>"",C2<2.5))': True,
    "=OR(B2>35,C2<2.5)": False,  # an empty age is 0 to a spreadsheet: below 2.5
    "=OR(A2>35,C2<2.5)": False,  # text compares above any number
}


def cases():
    probes = formula_check.probes(RULE, BASE)
    return probes, [formula_check.as_cells(p.values, COLUMNS) for p in probes]


def test_probes_cover_blanks_thresholds_and_either_side():
    probes, _ = cases()
    kinds = {(p.kind, p.column) for p in probes}
    for column in ("score", "age"):
        for kind in ("blank", "at", "past", "short", "blank other"):
            assert (kind, column) in kinds
    verdict = {(p.kind, p.column): p.flagged for p in probes}
    assert verdict[("at", "score")] is False and verdict[("past", "age")] is True
    assert verdict[("blank", "age")] is False and verdict[("blank other", "score")] is True


@pytest.mark.parametrize(("formula", "agrees"), FORMULAS.items())
def test_formulas_engine_judges_by_behaviour(formula, agrees):
    probes, rows = cases()
    wrong = formula_check.disagreements(
        formula, rows, [p.flagged for p in probes], 2, engine="formulas"
    )
    assert (not wrong) is agrees


def test_a_formula_for_another_row_or_not_a_formula_is_refused():
    _, rows = cases()
    with pytest.raises(formula_check.FormulaError, match="row 3"):
        formula_check.evaluate("=B3>35", rows, 2, engine="formulas")
    with pytest.raises(formula_check.FormulaError, match="starts with '='"):
        formula_check.evaluate("B2>35", rows, 2, engine="formulas")


def test_libreoffice_agrees_with_the_formulas_engine():
    if not spreadsheet_engine.libreoffice_available():
        pytest.skip("LibreOffice (soffice) is not installed; Debian's libreoffice-calc has it")
    _, rows = cases()
    by_libreoffice = formula_check.evaluate_many(list(FORMULAS), rows, 2, engine="libreoffice")
    assert len(by_libreoffice) == len(FORMULAS)  # all in one LibreOffice run
    for formula, computed in zip(FORMULAS, by_libreoffice, strict=True):
        assert computed == formula_check.evaluate(formula, rows, 2, engine="formulas"), formula
