"""Servers the tests start and stop themselves, on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

LAB_TOKEN = "workbook-test"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message and refuses one address."""

    refused = "nobody@plant.example"

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.load(response)


def lab_environment(home: Path) -> dict[str, str]:
    """A learner's first start: no runtime files, settings or workspaces of their own yet.

    The one setting written here is for the test itself: no autosave, so that the answer
    typed in the browser never reaches the exercise notebook on disk.
    """
    settings = home / "settings"
    docmanager = settings / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    return {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }


@contextmanager
def running_lab(command: list[str], cwd: Path, env: dict[str, str]):
    """Run ``command`` (a `pocmvp lab`) on a free port until the block ends; yield its address."""
    port = free_port()
    server_options = [
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={LAB_TOKEN}",
    ]
    base = f"http://127.0.0.1:{port}"
    # JupyterLab logs to stderr; into a file, since an unread pipe could fill up and block it.
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [*command, *server_options], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            for _ in range(150):
                try:
                    get_json(f"{base}/api/status?token={LAB_TOKEN}")
                    break
                except OSError:
                    if server.poll() is not None:
                        log.seek(0)
                        pytest.fail(f"pocmvp lab exited: {log.read().decode()[-2000:]}")
                    time.sleep(0.2)
            else:
                pytest.fail("pocmvp lab did not answer /api/status within 30 s")
            yield base
        finally:
            server.terminate()  # JupyterLab shuts its kernels down on SIGTERM
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
