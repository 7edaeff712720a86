"""Check an HTML report in headless Chromium: it renders, charts are there, no console errors.

Used by the tests (and by anyone who wants to check a report by hand). Chromium runs
isolated: a fresh profile, no network services, no sandbox (we run as root in CI).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from immex.domain.errors import ImmexError

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--enable-logging=stderr",
    "--v=0",
)
#: Chromium logs page console messages to stderr as ``[…:INFO:CONSOLE:12] "text", source: url``
#: (older builds: ``INFO:CONSOLE(12)]``); the level shown is the logger's, not the console's,
#: so uncaught exceptions ("Uncaught …") and failed loads are recognised by their text
_CONSOLE = re.compile(
    r"(INFO|WARNING|ERROR|FATAL|VERBOSE\d*):CONSOLE[:(](\d+)\)?\] \"(.*)\", source: (.*)"
)
_ERROR_TEXT = re.compile(r"^(Uncaught|Failed to load resource|Refused to|Error\b)", re.I)


class BrowserMissing(ImmexError):
    """No Chromium binary found."""


@dataclass
class BrowserCheck:
    dom: str
    console: list[tuple[str, str]] = field(default_factory=list)  # (level, message)
    stderr: str = ""
    returncode: int = 0

    @property
    def console_errors(self) -> list[str]:
        """Errors by level or by their text (uncaught exceptions, failed loads)."""
        return [
            msg
            for level, msg in self.console
            if level in ("ERROR", "FATAL") or _ERROR_TEXT.match(msg)
        ]

    def svg_charts(self) -> list[str]:
        return re.findall(r'data-chart="([a-z_]+)"', self.dom)


def find_chromium() -> str | None:
    env = os.environ.get("IMMEX_CHROMIUM")
    if env and Path(env).exists():
        return env
    for c in CANDIDATES:
        if Path(c).exists():
            return c
    return shutil.which("chromium")


def dump_dom(html_path: Path, chromium: str | None = None, timeout: float = 60.0) -> BrowserCheck:
    """Load ``html_path`` in headless Chromium, return the rendered DOM and console messages."""
    binary = chromium or find_chromium()
    if binary is None:
        raise BrowserMissing("Chromium not found (install it with `apt-get install -y chromium`)")
    with tempfile.TemporaryDirectory(prefix="immex-chromium-") as profile:
        cmd = [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            Path(html_path).resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    console = [(m.group(1), m.group(3)) for m in _CONSOLE.finditer(proc.stderr)]
    return BrowserCheck(proc.stdout, console, proc.stderr, proc.returncode)


def screenshot(
    html_path: Path,
    png_path: Path,
    chromium: str | None = None,
    width: int = 1280,
    height: int = 2400,
) -> Path:
    binary = chromium or find_chromium()
    if binary is None:
        raise BrowserMissing("Chromium not found (install it with `apt-get install -y chromium`)")
    with tempfile.TemporaryDirectory(prefix="immex-chromium-") as profile:
        cmd = [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={Path(png_path).resolve()}",
            Path(html_path).resolve().as_uri(),
        ]
        subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    return png_path
