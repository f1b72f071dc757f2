import io

from pocmvp import display


def test_numbers_are_formatted_for_prose():
    assert display.eur(-12345.6) == "-€12,346"
    assert display.pct(0.0234) == "2.3 %"
    assert display.num(1234567) == "1,234,567"
    assert display.measured(1.234, "s").endswith("(measured)")


def test_progress_prints_counts_only(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(display.sys, "stdout", out)
    for _ in display.progress(range(3), desc="fits"):
        pass
    text = out.getvalue()
    assert "fits: 3/3" in text
    assert "it/s" not in text and "00:0" not in text


def test_progress_can_be_silent(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(display.sys, "stdout", out)
    assert list(display.progress(range(2), desc="quiet", disable=True)) == [0, 1]
    assert out.getvalue() == ""
