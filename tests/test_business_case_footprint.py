from pocmvp.case import business_case as bc


def test_lines_of_code_skip_blank_comments_and_docstrings(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        '"""Doc\nstring."""\n\n# comment\nimport numpy\n\n\n'
        'def f():\n    """Doc."""\n    return 1\n'
    )
    assert bc.lines_of_code(module) == 3


def test_third_party_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import os\nimport numpy as np\nfrom sklearn.ensemble import X\n"
        "from pocmvp import y\nfrom . import z\n"
    )
    assert bc.third_party_imports(module) == ["numpy", "sklearn"]


def test_systems_changed_are_distinct():
    tasks = (bc.Task("a", 1, "MES"), bc.Task("b", 1, "MES"), bc.Task("c", 1, "station"))
    assert bc.systems_changed(tasks) == ["MES", "station"]


def test_lines_of_code_of_functions():
    def sample():
        """Doc."""
        # comment
        return 1

    assert bc.lines_of_code_of([sample]) == 2
