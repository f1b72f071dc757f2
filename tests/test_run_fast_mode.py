"""Every chapter and solutions notebook runs in fast mode and its story assertions hold."""

import pytest
from notebook_runs import CHAPTERS_AND_SOLUTIONS, FAST, NOTEBOOK_TIMEOUT_S, ids, run


@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
@pytest.mark.parametrize("notebook", CHAPTERS_AND_SOLUTIONS, ids=ids(CHAPTERS_AND_SOLUTIONS))
def test_runs_in_fast_mode(notebook, tmp_path, monkeypatch):
    run(notebook, FAST, tmp_path, monkeypatch)
