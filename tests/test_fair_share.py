"""Many pages on one process: each gets an equal share, none is starved."""

from __future__ import annotations

import gc
import time

from page_driver import Browser, play

from playground.ui.app import Playground
from playground.ui.transport import SHARE, FairShare, next_turn


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


def _turns(cost: float, seconds: float, tick: float = 0.05) -> int:
    """Turns a lone page gets in ``seconds`` of a periodic callback every ``tick``
    when each turn costs ``cost``: a tick that comes while a turn is still running
    is skipped (as Tornado's PeriodicCallback does) and one before the page is due
    does nothing."""
    share, page = FairShare(), _Page()
    share.join(page)
    due, busy_until, turns = 0.0, 0.0, 0
    for k in range(int(seconds / tick)):
        now = k * tick
        if now < busy_until or now < due:
            continue
        share.record(page, cost)
        due = next_turn(due, now, tick, share)
        busy_until, turns = now + cost, turns + 1
    return turns


def test_a_lone_page_whose_turns_outlast_a_tick_still_gets_its_share():
    # A 45 ms turn is due every 45 / 0.8 = 56 ms. Counted from when each turn ran,
    # every turn would wait for the second tick after it: one turn per 100 ms.
    turns = _turns(cost=0.045, seconds=10.0)
    assert abs(turns * 0.045 / 10.0 - SHARE.share) < 0.02
    # cheap turns (the 2-D page's) still come at most once a tick
    assert _turns(cost=0.002, seconds=10.0) == 200


def test_a_page_that_was_not_due_saves_up_no_turns():
    share, page = FairShare(), _Page()
    share.join(page)
    share.record(page, 0.040)  # due every 50 ms
    # its last turn was due 10 s ago (it paused): the next is due about one interval
    # from now (less at most a tick), not at once for 200 turns in a row
    assert 10.0 - 0.05 < next_turn(due=0.0, now=10.0, tick_s=0.05, share=share) <= 10.05
