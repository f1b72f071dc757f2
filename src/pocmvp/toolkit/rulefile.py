"""``rule.json``: the approved rule as a file, the one thing every later step reads.

``pocmvp rule`` writes it; ``pocmvp report`` reads it and never fits a rule again. The file
holds the rule's conditions (column, operator, threshold, and for a scoped condition the
text column and the values it applies to), the inspection capacity it was chosen for, the
table's target, id and time columns, the data it was chosen on (file name, rows, the last
month of history, when), and the day it went live (``live_from``, or null until someone
says). It is plain JSON, sorted and indented, so a change to the rule is a readable diff. Its format
is declared once, as a JSON Schema (``toolkit/schemas/rule.schema.json``, :data:`SCHEMA_PATH`),
and every file read is checked against it (the ``fastjsonschema`` package: it compiles the
schema once, and imports in milliseconds where ``jsonschema`` takes seconds, its formats).

Example::

    {
      "capacity": 0.05,
      "chosen_on": {"data": "orders.csv", "history_until": "2025-08", "rows": 80000},
      "conditions": [
        {"column": "amount", "operator": ">", "threshold": 312.5},
        {"column": "items", "operator": ">", "threshold": 14,
         "scope": {"column": "channel", "values": ["web"]}}
      ],
      "format": "pocmvp-rule/1",
      "id": "order_id",
      "live_from": "2025-09-01",
      "sticky_note": "Flag a row if ...",
      "target": "fraud",
      "time": "created"
    }
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from pocmvp.toolkit.rule import Condition, Rule

FORMAT = "pocmvp-rule/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "rule.schema.json"
"""The JSON Schema of ``rule.json``: the format, documented field by field."""


@functools.cache
def schema() -> dict:
    """The JSON Schema of ``rule.json`` (:data:`SCHEMA_PATH`)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_problem(data: object) -> str | None:
    """What is wrong with parsed ``rule.json`` by its schema, in one line (None: nothing)."""
    import fastjsonschema

    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaValueException as error:
        where = error.name.removeprefix("data").lstrip(".") or "the file"
        what = error.message.removeprefix(error.name).strip()
        if isinstance(error.value, str | int | float):  # the value itself, where it is short
            what = f"{error.value!r} {what}"
        described = error.definition.get("description") if error.definition else None
        return f"{where}: {what}" + (f" ({described})" if described else "")
    return None


@functools.cache
def _validator():
    import fastjsonschema

    return fastjsonschema.compile(schema())


class RuleFileError(ValueError):
    """A ``rule.json`` that cannot be read as a rule: the message names the file and why."""


@dataclass(frozen=True)
class RuleFile:
    """A rule with what it was chosen for and on, and when it went live."""

    rule: Rule
    capacity: float
    target: str
    id: str | None = None
    time: str | None = None
    chosen_on: dict = field(default_factory=dict)
    live_from: dt.date | None = None

    def to_dict(self) -> dict:
        conditions = []
        for c in self.rule.conditions:
            item = {"column": c.column, "operator": c.operator, "threshold": c.threshold}
            if c.scoped:
                item["scope"] = {"column": c.scope_column, "values": list(c.shifts)}
            conditions.append(item)
        return {
            "format": FORMAT,
            "sticky_note": self.rule.describe(),
            "conditions": conditions,
            "capacity": self.capacity,
            "target": self.target,
            "id": self.id,
            "time": self.time,
            "chosen_on": self.chosen_on,
            "live_from": None if self.live_from is None else self.live_from.isoformat(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path


def from_dict(data: object, source: str = "rule.json") -> RuleFile:
    """A :class:`RuleFile` from parsed JSON; :class:`RuleFileError` names what is wrong."""
    if not isinstance(data, dict):
        raise RuleFileError(f"{source}: expected a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise RuleFileError(f"{source}: 'format' must be {FORMAT!r}, got {data.get('format')!r}")
    for key in ("conditions", "capacity", "target"):
        if key not in data:
            raise RuleFileError(f"{source}: the key {key!r} is missing")
    capacity = data["capacity"]
    if isinstance(capacity, bool) or not isinstance(capacity, int | float) or not 0 < capacity < 1:
        raise RuleFileError(
            f"{source}: 'capacity' must be a share between 0 and 1, got {capacity!r}"
        )
    problem = schema_problem(data)
    if problem:
        raise RuleFileError(f"{source}: {problem}")
    try:
        conditions = []
        for item in data["conditions"]:
            scope = item.get("scope") or {}
            values = tuple(scope["values"]) if scope else None
            conditions.append(
                Condition(
                    item["column"], item["operator"], item["threshold"], values, scope.get("column")
                )
            )
        rule = Rule(tuple(conditions))
    except (KeyError, TypeError, ValueError) as error:
        raise RuleFileError(f"{source}: a condition cannot be read: {error}") from None
    live_from = data.get("live_from")
    try:
        live = None if live_from is None else dt.date.fromisoformat(live_from)
    except (TypeError, ValueError):
        raise RuleFileError(
            f"{source}: 'live_from' must be a date like 2025-09-01, got {live_from!r}"
        ) from None
    return RuleFile(
        rule=rule,
        capacity=float(capacity),
        target=str(data["target"]),
        id=data.get("id"),
        time=data.get("time"),
        chosen_on=dict(data.get("chosen_on") or {}),
        live_from=live,
    )


def load(path: str | Path) -> RuleFile:
    """Read a ``rule.json``; an unreadable or malformed file raises :class:`RuleFileError`."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RuleFileError(f"cannot read the rule file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise RuleFileError(f"{path} is not JSON: {error.msg} at line {error.lineno}") from None
    return from_dict(data, str(path))
