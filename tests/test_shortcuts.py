"""Keyboard shortcuts are declared once: the help, the tooltip, the browser's key
list and what a press does all come from SHORTCUTS."""

from __future__ import annotations

import html

from playground.ui.shell import HELP, SHORTCUTS, SHORTCUTS_TIP, PageEvents, Shell


def test_every_shortcut_is_in_the_help_the_tooltip_and_the_key_list():
    keys = PageEvents().keys
    for s in SHORTCUTS:
        assert f"<kbd>{html.escape(s.shown)}</kbd> {s.does}" in HELP
        assert f"{s.shown} {s.does}" in SHORTCUTS_TIP
        assert set(s.keys) <= set(keys)
        assert callable(getattr(Shell, s.action))
    assert len(keys) == sum(len(s.keys) for s in SHORTCUTS)  # no key the table lacks


def test_no_key_does_two_things():
    keys = [k for s in SHORTCUTS for k in s.keys]
    assert len(keys) == len(set(keys))
