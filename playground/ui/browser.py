"""How this project starts a headless browser (browser tests and bench_page).

Debian's ``chromium`` package, not Playwright's own download (which cannot be
fetched here), with the flags that keep it from reaching for the network.
"""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
