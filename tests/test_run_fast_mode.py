"""Every chapter and solutions notebook runs in fast mode, with a second seed, and its story
assertions hold.

One run checks two things: the smaller plant and another seed tell the same story. The
default size at the default seed is checked by nbval's run of the stored notebooks, so every
notebook runs twice in the suite, once per parameter set. Seeds 1 to 20 at both sizes are
`make robustness`'s. The runs share one kernel (notebook_runs.SharedKernel): each starts from
an empty namespace, in its notebook's folder, as a fresh kernel would.
"""

import pytest
from notebook_runs import CHAPTERS_AND_SOLUTIONS, FAST, NOTEBOOK_TIMEOUT_S, SECOND_SEED, ids


@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
@pytest.mark.parametrize("notebook", CHAPTERS_AND_SOLUTIONS, ids=ids(CHAPTERS_AND_SOLUTIONS))
def test_runs_in_fast_mode_with_a_second_seed(notebook, tmp_path, shared_kernel):
    shared_kernel.run(notebook, {**FAST, "seed": SECOND_SEED}, tmp_path)
