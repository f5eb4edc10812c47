"""What both pages share: a Session, the Play/Pause, Step and Reset buttons, and
the periodic loop they drive. Each page says what one tick, one step and one
redraw are."""

from __future__ import annotations

import html
import time
import weakref

import panel as pn
from panel.io.callbacks import PeriodicCallback

from playground.experiment import Config, Session
from playground.ui.stage import FrameFlow
from playground.ui.theme import THEMES, Theme

#: Of each second of the server process, at most this share goes to the frames
#: of the sessions that are playing; the rest keeps clicks, page loads and the
#: browsers' frame confirmations prompt.
FRAME_SHARE = 0.8


class FairShare:
    """Shares one server process fairly among the sessions that are playing.

    Each playing page reports what its ticks cost (a moving average). With
    ``n`` pages costing ``c`` seconds a tick, every page may tick at most once
    every ``n * c / FRAME_SHARE`` seconds: alone, a page runs at its full
    rate; thirty pages on one process each get an equal, lower frame rate.
    Under overload every session gets fewer frames, none stalls and the
    server still answers clicks.
    """

    def __init__(self, share: float = FRAME_SHARE):
        self.share = share
        self._costs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def join(self, page) -> None:
        self._costs.setdefault(page, 0.0)

    def leave(self, page) -> None:
        self._costs.pop(page, None)

    def record(self, page, seconds: float) -> None:
        if page in self._costs:
            old = self._costs[page]
            self._costs[page] = seconds if old == 0.0 else 0.8 * old + 0.2 * seconds

    @property
    def playing(self) -> int:
        return len(self._costs)

    def interval(self) -> float:
        """Seconds each playing page waits between two ticks that do work."""
        return sum(self._costs.values()) / self.share


def next_turn(due: float, now: float, tick_s: float, share: FairShare) -> float:
    """When a page whose ticks come every ``tick_s`` seconds is due again, after
    a turn that was due at ``due`` and ran at ``now``: one fair interval after it
    was due, not after it ran. A turn waits for the next tick, so counting from
    ``now`` would lose that wait every turn: with a 45 ms turn every 56 ms, the
    turns would come every 100 ms, and a lone page would train 45 % of the time
    instead of its 80 %. A page that was not due (it had paused, or others'
    turns were long) counts from at most one tick ago, so it saves up no turns."""
    return max(due, now - tick_s) + share.interval()


#: Seconds after an automatic resume in which Play/space does not pause again.
RESUME_GRACE_S = 0.8

#: One per server process (pages of every session share it).
SHARE = FairShare()


class TrainingPage(pn.viewable.Viewer):
    """Base of the 2-D playground and the MNIST page (one per browser session)."""

    #: Milliseconds between ticks while playing.
    TICK_MS = 50
    PLAY_HELP = "Start or pause training."
    STEP_HELP = "Train exactly one epoch, then stop."
    RESET_HELP = "Start again from fresh initial weights (same seed, same data)."

    #: The server process's fair share of frame time (one for every page).
    share: FairShare = SHARE

    def __init__(
        self,
        config: Config | None,
        theme: str | Theme,
        warnings: list[str] | None = None,
        **overrides,
    ):
        super().__init__()
        if not isinstance(theme, Theme):  # a name (the URL's theme=): light if unknown
            theme = THEMES.get(theme, THEMES["light"])
        self.session = Session(config, **overrides)
        self.config = self.session.config
        self.theme = theme
        self.playing = False
        self._loop = None
        self._next_work = 0.0
        self._resumed_at = -1.0
        self._stopped = False  # the message shows the stop notice
        #: Frames sent to the page's stage (``self.stage``, made by each page)
        #: and the ones its browser confirmed painted.
        self.flow = FrameFlow()
        doc = pn.state.curdoc
        self._doc = doc if doc is not None and doc.session_context is not None else None
        # One tooltip icon beside the three buttons, not a tooltip on each: a
        # button's tooltip stays up while the mouse rests on it after a click
        # (or after a tap on a phone) and covers its neighbours.
        self.play = pn.widgets.Button(label="▶ Play", button_type="primary", width=100)
        self.step_button = pn.widgets.Button(label="Step", width=70)
        self.reset_button = pn.widgets.Button(label="Reset", width=70)
        self.transport_help = pn.widgets.TooltipIcon(
            value=f"Play: {self.PLAY_HELP} Step: {self.STEP_HELP} Reset: {self.RESET_HELP} "
            "Keys: space, → and r.",
            margin=(12, 4),
        )
        self.message = pn.pane.Alert("", alert_type="danger", visible=False)
        #: What the page has to tell: what was wrong with the URL, a refused file.
        self.notice = pn.pane.Alert(
            _escaped(warnings or []), alert_type="warning", visible=bool(warnings)
        )
        #: The epoch training pauses at when it gets there while playing (a
        #: lesson's length, so a lecturer can talk instead of watching), or None.
        #: Only an epoch ahead stops training: Play at or after it carries on,
        #: and after Reset the same epoch stops it again.
        self.stop_at: int | None = None
        self.stop_reason = ""
        self.play.on_click(lambda e: self.toggle())
        self.step_button.on_click(lambda e: self.step())
        self.reset_button.on_click(lambda e: self.reset())

    # -------------------------------------------------------- what pages define
    def train_tick(self) -> bool | None:
        """One tick of training and drawing while playing; False if it did
        nothing (the browser is still drawing the last frame)."""
        raise NotImplementedError

    def step_epoch(self) -> None:
        """Train exactly one epoch (the loop is paused)."""
        raise NotImplementedError

    def redraw(self) -> None:
        """Draw everything from the session's current state."""
        raise NotImplementedError

    def after_reset(self) -> None:
        """Forget what the page drew of the old run (curves, selections)."""

    # ------------------------------------------------------------ shared logic
    #: ``hide=`` names -> the components they hide; ``show=`` parts (set by pages).
    hideable: dict[str, tuple] = {}
    parts: dict[str, pn.viewable.Viewable] = {}

    def hide(self, names) -> None:
        """Hide the named controls (a lecturer keeps only today's knobs)."""
        for name in names:
            for part in self.hideable.get(name, ()):
                _layout_of(part).visible = False

    def show_only(self, parts) -> None:
        """Show only these parts of the page (embedding in slides)."""
        for name, part in self.parts.items():
            _layout_of(part).visible = name in parts

    def set_playing(self, playing: bool) -> None:
        """Start or pause the loop; a diverged run cannot start until Reset."""
        if playing and self.session.diverged:
            self._show_divergence()
            return
        if playing and self._stopped:
            self.message.visible = False
            self._stopped = False
        self.playing = playing
        self.play.label = "❚❚ Pause" if playing else "▶ Play"
        if playing:
            self.share.join(self)
        else:
            self.share.leave(self)
        if playing and self._loop is None:
            self._loop = _periodic(self._tick, self.TICK_MS)
        elif playing:
            if not self._loop.running:  # (Play again while it runs does nothing)
                self._loop.start()
        elif self._loop is not None:
            self._loop.stop()

    def set_stop(self, epoch: int | None, reason: str = "") -> None:
        """Pause at ``epoch`` whenever playing reaches it; ``reason`` ends the
        notice's first sentence ("Stopped at epoch 300, as the lesson says")."""
        self.stop_at = epoch
        self.stop_reason = reason

    def epochs_to_train(self, wanted: int) -> int:
        """``wanted`` epochs, or fewer so that training stops at ``stop_at`` if
        that is still ahead. A page that trains several epochs a turn asks
        first, so no frame goes past it; one that trains a slice of an epoch a
        turn (MNIST) never crosses an epoch's end, and :meth:`_tick` stops it."""
        epoch = self.session.epoch
        if self.stop_at is None or epoch >= self.stop_at:
            return wanted
        return min(wanted, self.stop_at - epoch)

    def stop_if_reached(self, before: int) -> bool:
        """Pause and say why if training that started at epoch ``before`` has just
        reached ``stop_at``; the pages call this after they train. Training
        stops at once; the button and the notice change in the document's
        turn (:meth:`_in_doc`), as a page may be training outside it."""
        stop = self.stop_at
        if not (self.playing and stop is not None and before < stop <= self.session.epoch):
            return False
        self._in_doc(lambda: self._show_stop(stop))
        self.playing = False  # (if that was deferred) no more training meanwhile
        return True

    def _show_stop(self, epoch: int) -> None:
        self.set_playing(False)
        reason = f", {self.stop_reason}" if self.stop_reason else ""
        self.message.alert_type = "info"
        self.message.object = f"Stopped at epoch {epoch:,}{reason}: press Play to carry on."
        self.message.visible = True
        self._stopped = True

    def _in_doc(self, callback) -> None:
        """Run ``callback``, which changes widgets, where that is safe: in the
        document's next turn when the page has a served document (its stage's
        messages may arrive on the page's own websocket, outside Bokeh's
        callbacks), else now."""
        if self._doc is None:
            callback()
        else:
            self._doc.add_next_tick_callback(callback)

    def _notify(self, text: str, kind: str = "warning") -> None:
        self.notice.alert_type = kind
        self.notice.object = _escaped([text])
        self.notice.visible = True

    def _render(self) -> None:
        """Send the browser a frame of the session as it is now (and first a new
        scene if what is drawn where changed; ``self.frames`` builds both).
        Before the browser has said hello there is nobody to send to: its hello
        asks for everything."""
        if not self.flow.ready:
            return
        scene = self.frames.scene(self.session)
        if scene is not None:
            self.stage.send_scene(scene)
            self.scene_sent()
        self.stage.send_frame(self.frames.frame(self.session, self.flow.next()))

    def scene_sent(self) -> None:
        """A new scene went to the browser (a page resends what it keeps)."""

    def pin_run(self) -> None:
        """Keep the current run's curves on the chart while the next one trains."""
        try:
            self.frames.losses.pins.pin(self.session)
        except ValueError as err:
            self._notify(str(err))
            return
        self._render()

    def clear_pins(self) -> None:
        """Take every pinned run off the chart."""
        self.frames.losses.pins.clear()
        self._render()

    def pin_message(self, kind: str) -> bool:
        """Handle a stage's ``pin``/``unpin`` message (in the document); whether it was one."""
        action = {"pin": self.pin_run, "unpin": self.clear_pins}.get(kind)
        if action is not None:
            self._in_doc(action)
        return action is not None

    def open_views(self, names) -> None:
        """Open these views inside the network, if the page has them (a lesson asks)."""

    def resume(self) -> None:
        """Play again after an automatic pause (tab hidden, nobody there)."""
        self._resumed_at = time.monotonic()
        self.set_playing(True)

    def toggle(self) -> None:
        """Play or pause (the button, the space bar). The click or key press
        that brings someone back to an automatically paused page has already
        resumed it, so it does not pause it again straight away."""
        if self.playing and time.monotonic() - self._resumed_at < RESUME_GRACE_S:
            return
        self.set_playing(not self.playing)

    def _tick(self) -> None:
        if not self.playing:
            # Panel may defer a start() to the next tick, so a stop() in between
            # can leave the loop running: a paused page simply does nothing.
            if self._loop is not None and self._loop.running:
                self._loop.stop()
            return
        now = time.monotonic()
        if now < self._next_work:
            return  # the server is shared: other sessions' turn
        if self.session.diverged:
            self._show_divergence()
            return
        t0 = time.perf_counter()
        before = self.session.epoch
        if self.train_tick() is not False:
            self.share.record(self, time.perf_counter() - t0)
            self._next_work = next_turn(self._next_work, now, self.TICK_MS / 1000, self.share)
        self.stop_if_reached(before)

    def refuse_upload(self, filename: str, size: int) -> None:
        """The browser kept a file over the size cap from being sent (a page
        that takes uploads says why)."""

    def close(self) -> None:
        """The browser tab has gone: forget its live websocket first, so nothing
        more is sent to it, then stop training. (Through this class's pause, not
        the page's own: the MNIST page redraws everything when paused, for a
        document that is being destroyed.)"""
        self.flow.ready = False
        self.stage.close()
        TrainingPage.set_playing(self, False)

    def step(self) -> None:
        """Pause and train exactly one epoch (the Step button, the → key)."""
        self.set_playing(False)
        self.step_epoch()
        if self.session.diverged:
            self._show_divergence()

    def reset(self) -> None:
        """Fresh weights from the seed (the Reset button, the r key)."""
        self.session.reset()
        self.message.visible = False
        self._stopped = False
        self.after_reset()
        self.redraw()

    def _show_divergence(self) -> None:
        self.set_playing(False)
        self.message.alert_type = "danger"
        self.message.object = self.session.message
        self._stopped = False
        self.message.visible = True
        self.redraw()


def _escaped(lines: list[str]) -> str:
    """Messages for the notice box, with any user text (from a URL or a CSV file)
    shown as text: the box renders Markdown, which would pass HTML through."""
    return "<br>".join(html.escape(line) for line in lines)


def _periodic(callback, period_ms: int) -> PeriodicCallback:
    """``pn.state.add_periodic_callback`` without Panel's busy indicator.

    Panel marks every run of a periodic callback as "busy" in one list shared
    by all sessions, which costs more than a tick that has nothing to do once
    thirty sessions play (profiled under benchmarks/bench_load.py). The loop
    is registered with the session as Panel's own is, so closing the tab stops it.
    """
    cb = PeriodicCallback(callback=callback, period=period_ms, background=True)
    cb.start()
    doc = pn.state.curdoc
    if doc is not None:
        pn.state._periodic.setdefault(doc, []).append(cb)
    return cb


def _layout_of(part):
    """The component that is drawn for ``part`` (a Viewer draws its __panel__)."""
    return part.__panel__() if isinstance(part, pn.viewable.Viewer) else part
