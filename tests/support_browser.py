"""What the browser tests share: Debian's Chromium through Playwright (required under CI,
IMMEX_REQUIRE_BROWSER=1; skipped elsewhere when missing) and a free loopback port."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from immex.reports.browser import find_chromium


def required(what: str) -> None:
    if os.environ.get("IMMEX_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} is required (IMMEX_REQUIRE_BROWSER=1)")
    pytest.skip(f"{what} not available")


def launch_chromium() -> Iterator[Any]:
    """A headless Chromium (the Debian binary; never a downloaded browser)."""
    binary = find_chromium()
    if binary is None:
        required("Chromium (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        required("Playwright (pip install playwright)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=binary, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
