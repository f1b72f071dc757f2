"""Debian's Chromium, driven by Playwright (from PyPI; never `playwright install`)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_or_skip() -> None:
    """Skip without Chromium, naming it; in CI (which installs it) fail instead."""
    if shutil.which(CHROMIUM):
        return
    message = f"Debian's chromium is not at {CHROMIUM} (.ci/run installs it with apt-get)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; the browser test must run in CI")
    pytest.skip(message)
