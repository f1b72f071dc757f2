"""Progress of a long step: tqdm's counting, one line in a notebook, a terminal or a log."""

import io

import pytest

from pocmvp.toolkit import progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_in_a_log_prints_one_final_line_of_counts():
    out = io.StringIO()
    assert list(progress.progress(range(3), desc="search", unit="fits", stream=out)) == [0, 1, 2]
    assert out.getvalue() == "search: 3 fits\n", "one line, no staircase, no time or rate"


def test_progress_in_a_terminal_rewrites_one_line():
    out = Terminal()
    for _ in progress.progress(range(2), desc="search", unit="fits", stream=out):
        pass
    text = out.getvalue()
    assert "\n" not in text[:-1] and text.endswith("\n"), "every update rewrites the same line"
    assert "search: 1/2 fits" in text and text.rstrip().endswith("search: 2 fits")
    assert "it/s" not in text and "00:0" not in text


def test_progress_can_be_silent():
    out = io.StringIO()
    assert list(progress.progress(range(2), desc="quiet", disable=True, stream=out)) == [0, 1]
    assert out.getvalue() == ""


def test_progress_needs_a_total_it_can_know():
    with pytest.raises(TypeError, match="'total'"):
        progress.progress(iter([1, 2]), desc="stories")
    bar = progress.progress(desc="stories", total=4, stream=io.StringIO())
    bar.update(3)
    assert bar.line() == "stories: 3/4 ███████████████·····"
    bar.close()
    bar.close()  # twice is harmless


class FakeHandle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, obj):
        self.shown.append(repr(obj))


def test_progress_in_a_notebook_updates_one_display_in_place(monkeypatch):
    """In a kernel: one display, updated; it ends on the text it began with (what nbval sees)."""
    shown: list[str] = []

    def fake_display(obj, display_id=False):
        assert display_id is True, "an updatable display"
        shown.append(repr(obj))
        return FakeHandle(shown)

    import IPython.display

    monkeypatch.setattr(progress, "_in_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", fake_display)
    for _ in progress.progress(range(2), desc="search", unit="fits"):
        pass
    assert shown == [
        "search: 2 fits",
        "search: 1/2 fits ██████████··········",
        "search: 2/2 fits ████████████████████",
        "search: 2 fits",
    ]
    assert shown[0] == shown[-1], "nbval records the first state, the notebook stores the last"
