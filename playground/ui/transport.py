"""What both pages share: a Session, the Play/Pause, Step and Reset buttons, and
the periodic loop they drive. Each page says what one tick, one step and one
redraw are."""

from __future__ import annotations

import panel as pn

from playground.experiment import Config, Session
from playground.ui.theme import Theme


class TrainingPage(pn.viewable.Viewer):
    """Base of the 2-D playground and the MNIST page (one per browser session)."""

    #: Milliseconds between ticks while playing.
    TICK_MS = 50
    PLAY_HELP = "Start or pause training."
    STEP_HELP = "Train exactly one epoch, then stop."
    RESET_HELP = "Start again from fresh initial weights (same seed, same data)."

    def __init__(self, config: Config | None, theme: Theme, **overrides):
        super().__init__()
        self.session = Session(config, **overrides)
        self.config = self.session.config
        self.theme = theme
        self.playing = False
        self._loop = None
        self.play = pn.widgets.Button(
            label="▶ Play", button_type="primary", width=100, description=self.PLAY_HELP
        )
        self.step_button = pn.widgets.Button(label="Step", width=70, description=self.STEP_HELP)
        self.reset_button = pn.widgets.Button(label="Reset", width=70, description=self.RESET_HELP)
        self.message = pn.pane.Alert("", alert_type="danger", visible=False)
        self.play.on_click(lambda e: self.set_playing(not self.playing))
        self.step_button.on_click(lambda e: self._step())
        self.reset_button.on_click(lambda e: self._reset())

    # -------------------------------------------------------- what pages define
    def train_tick(self) -> None:
        """One tick of training and drawing while playing."""
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
        self.playing = playing
        self.play.label = "❚❚ Pause" if playing else "▶ Play"
        if playing and self._loop is None:
            self._loop = pn.state.add_periodic_callback(self._tick, period=self.TICK_MS)
        elif playing:
            self._loop.start()
        elif self._loop is not None:
            self._loop.stop()

    def _tick(self) -> None:
        if not self.playing:
            # Panel may defer a start() to the next tick, so a stop() in between
            # can leave the loop running: a paused page simply does nothing.
            if self._loop is not None and self._loop.running:
                self._loop.stop()
            return
        if self.session.diverged:
            self._show_divergence()
        else:
            self.train_tick()

    def _step(self) -> None:
        self.set_playing(False)
        self.step_epoch()
        if self.session.diverged:
            self._show_divergence()

    def _reset(self) -> None:
        self.session.reset()
        self.message.visible = False
        self.after_reset()
        self.redraw()

    def _show_divergence(self) -> None:
        self.set_playing(False)
        self.message.object = self.session.message
        self.message.visible = True
        self.redraw()


def _layout_of(part):
    """The component that is drawn for ``part`` (a Viewer draws its __panel__)."""
    return part.__panel__() if isinstance(part, pn.viewable.Viewer) else part
