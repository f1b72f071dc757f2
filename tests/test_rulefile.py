import json

from pocmvp.toolkit import rulefile
from pocmvp.toolkit.rule import Rule


def test_a_scoped_rule_round_trips_with_its_scope_column(tmp_path):
    rule = Rule.of(
        ("temp [°C]", ">", 71.5),
        ("temp [°C]", ">", 75.0, ("Nacht",), "Schicht"),
        ("melt_temp_c", ">", 718.3, ("night",)),
    )
    saved = rulefile.RuleFile(rule=rule, capacity=0.05, target="Ausschuss?").save(
        tmp_path / "rule.json"
    )
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["conditions"][1]["scope"] == {"column": "Schicht", "values": ["Nacht"]}
    assert data["conditions"][2]["scope"] == {"column": "shift", "values": ["night"]}
    loaded = rulefile.load(saved)
    assert loaded.rule == rule
    assert [c.scope_column for c in loaded.rule.conditions if c.scoped] == ["Schicht", "shift"]
