import json

from pocmvp.toolkit import rulefile
from pocmvp.toolkit.rule import Rule


def test_a_scoped_rule_round_trips_with_its_scope_column(tmp_path):
    rule = Rule.of(
        ("temp [°C]", ">", 71.5),
        ("temp [°C]", ">", 75.0, ("Nacht",), "Schicht"),
        ("melt_temp_c", ">", 718.3, ("night",), "shift"),
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


def test_every_rule_file_the_project_ships_follows_the_schema():
    from pocmvp.case import iteration
    from pocmvp.toolkit import report

    shipped = [*sorted(iteration.RULES_DIR.glob("*.json")), report.EXAMPLE_RULE]
    for path in shipped:
        assert rulefile.schema_problem(json.loads(path.read_text())) is None, path
        rulefile.load(path)


def test_a_hand_edited_rule_file_is_refused_naming_the_field(tmp_path):
    rule = Rule.of(("temp", ">", 71.5))
    saved = rulefile.RuleFile(rule=rule, capacity=0.05, target="bad").save(tmp_path / "rule.json")
    data = json.loads(saved.read_text())
    data["conditions"][0]["operator"] = "=>"
    saved.write_text(json.dumps(data))
    try:
        rulefile.load(saved)
    except rulefile.RuleFileError as error:
        message = str(error)
    else:
        raise AssertionError("a rule file with a bad operator was read")
    assert "\n" not in message and "conditions[0].operator" in message, message
    assert "'=>' must be one of" in message
    data["conditions"][0]["operator"] = ">"
    assert rulefile.schema_problem(data) is None
    assert "live_from" in rulefile.schema_problem({**data, "live_from": "1 September"})


def test_the_schema_is_published_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "src/pocmvp/toolkit/schemas/rule.schema.json" in readme
    for name in rulefile.schema()["properties"]:
        assert f"`{name}`" in readme, f"the README's rule.json section names {name!r}"


def test_older_rule_files_read_as_before_and_a_scope_must_name_its_column(tmp_path):
    from pocmvp.case import iteration

    # Every rule.json pocmvp has written names its scope column (v2: the plant's shift), and
    # an unscoped rule (v1) needs none: both read, and write back the same conditions.
    for name, columns in (("v1", []), ("v2", ["shift", "shift"])):
        path = iteration.RULES_DIR / f"{name}.json"
        loaded = rulefile.load(path)
        assert [c.scope_column for c in loaded.rule.conditions if c.scoped] == columns
        stored = json.loads(path.read_text(encoding="utf-8"))
        assert loaded.to_dict()["conditions"] == stored["conditions"]
    # A hand-written scope without its column is refused, naming the field: the toolkit
    # knows no table's columns, so it never guesses one (the plant's shift was one).
    data = json.loads((iteration.RULES_DIR / "v2.json").read_text(encoding="utf-8"))
    scoped = next(i for i, c in enumerate(data["conditions"]) if "scope" in c)
    del data["conditions"][scoped]["scope"]["column"]
    written = tmp_path / "rule.json"
    written.write_text(json.dumps(data), encoding="utf-8")
    try:
        rulefile.load(written)
    except rulefile.RuleFileError as error:
        message = str(error)
    else:
        raise AssertionError("a scope without its column was read")
    assert f"conditions[{scoped}].scope" in message and "column" in message, message
