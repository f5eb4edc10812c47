"""Many pages on one process: each gets an equal share, none is starved."""

from __future__ import annotations

import gc
import time

from page_driver import Browser, play

from playground.ui.app import Playground
from playground.ui.transport import SHARE, FairShare


class _Page:
    pass


def test_the_interval_is_every_playing_pages_cost_over_the_share():
    share = FairShare(share=0.5)
    a, b = _Page(), _Page()
    share.join(a)
    share.join(b)
    share.record(a, 0.010)
    share.record(b, 0.030)
    assert share.playing == 2
    assert abs(share.interval() - 0.080) < 1e-12  # (10 + 30 ms) / 0.5
    share.record(a, 0.020)  # a moving average, not the last tick alone
    assert 0.010 < share._costs[a] < 0.020
    share.leave(b)
    assert share.playing == 1 and share.interval() < 0.040
    share.record(b, 1.0)  # a page that left is not counted again
    assert share.playing == 1
    del a
    gc.collect()  # a page that was closed without pausing is forgotten
    assert share.playing == 0 and share.interval() == 0.0


def test_every_playing_page_trains_and_a_paused_one_leaves_the_share():
    pages = [Playground(dataset="xor", n_samples=100, hidden=[3], seed=i) for i in range(6)]
    browsers = [Browser(page) for page in pages]
    for page in pages:
        play(page)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and min(p.session.epoch for p in pages) < 3:
            for page, browser in zip(pages, browsers):
                if not browser.ack():  # the browsers keep up
                    page._pump()  # a turn the io loop would have scheduled
        assert min(p.session.epoch for p in pages) >= 3  # nobody starved
        assert SHARE.playing >= len(pages)
    finally:
        for page in pages:
            page.set_playing(False)  # Pause leaves the share
    assert all(page not in SHARE._costs for page in pages)
