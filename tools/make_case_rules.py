"""Write the case's approved rules, ``src/pocmvp/case/rules/v1.json`` and ``v2.json``.

Run once (``.venv/bin/python tools/make_case_rules.py``) when the plant or the rule search
changes: it fits v1 and v2 on the history of the generated plant at the default seed and size
(:func:`pocmvp.case.iteration.rule_versions`, what chapters 4 and 6 derive) and stores each
with its ``live_from`` from the calendar (:data:`pocmvp.case.iteration.RELEASES`).
``tests/test_iteration.py`` checks that the files still equal what the chapters derive.
"""

from __future__ import annotations

from pocmvp.case import factory, iteration


def main() -> None:
    plant = factory.generate_plant(factory.parts_for(False), seed=factory.DEFAULT_SEED)
    for version, stored in iteration.derived_rule_files(plant.shift_log).items():
        path = iteration.RULES_DIR / f"{version}.json"
        stored.save(path)
        print(f"wrote {path}: {stored.rule.describe()}")


if __name__ == "__main__":
    main()
