"""Another seed tells the same story: every notebook's assertions hold with seed 7 too."""

import pytest
from notebook_runs import (
    CHAPTERS_AND_SOLUTIONS,
    FAST,
    NOTEBOOK_TIMEOUT_S,
    SECOND_SEED,
    ids,
    run,
)


@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
@pytest.mark.parametrize("notebook", CHAPTERS_AND_SOLUTIONS, ids=ids(CHAPTERS_AND_SOLUTIONS))
def test_runs_with_a_second_seed(notebook, tmp_path, monkeypatch):
    run(notebook, {**FAST, "seed": SECOND_SEED}, tmp_path, monkeypatch)
