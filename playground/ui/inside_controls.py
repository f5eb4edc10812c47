"""The controls of the views inside the network (:mod:`inside`) on the 2-D page:
which views are open, which hidden layer the hidden space shows, and the
decision threshold the metrics view and the heatmap use. Controls stay Panel
widgets; what they choose goes to the page's FrameBuilder (``views``)."""

from __future__ import annotations

from collections.abc import Callable

import panel as pn

from playground.experiment import Session
from playground.ui.inside import VIEWS, Views
from playground.ui.theme import Theme, with_tip

LABEL = "Inside the network"


class InsideControls(pn.viewable.Viewer):
    """A toggle per view, the hidden layer to look through, the threshold."""

    def __init__(self, views: Views, theme: Theme, changed: Callable[[], None]):
        super().__init__()
        self._views = views
        self._changed = changed
        self.toggle = pn.widgets.CheckButtonGroup(
            name=LABEL,
            options={v.label: name for name, v in VIEWS.items()},
            value=[],
            button_type=theme.quiet_button,
            description="Open views of what happens inside the network while it trains: "
            + " ".join(f"{v.label}: {v.doc}" for v in VIEWS.values()),
        )
        self.layer = pn.widgets.Select(
            name="Hidden layer",
            options={"layer 1 (2 units)": 0},
            width=150,
            visible=False,
            description="The hidden layer whose space the hidden-space view shows.",
        )
        self.threshold = pn.widgets.FloatSlider(
            name="Decision threshold",
            start=-0.95,
            end=0.95,
            step=0.05,
            value=0.0,
            width=170,
        )
        self.toggle.param.watch(lambda e: self._set(shown=frozenset(e.new)), "value")
        self._syncing = False  # (the page sets the layer list: not a person's choice)
        self.layer.param.watch(lambda e: self._syncing or self._set(layer=e.new), "value")
        self.threshold.param.watch(lambda e: self._set(threshold=e.new), "value")
        # (a slider has no tooltip of its own: an icon beside it, shown with it)
        self._threshold = with_tip(
            self.threshold,
            "Where the two classes are split, on the output's colour scale (0 is the "
            "network's own decision): the heatmap, the confusion matrix and the point "
            "on the ROC curve follow it.",
        )
        self._threshold.visible = False
        self._layout = pn.FlexBox(
            pn.pane.Markdown(f"**{LABEL}:**", margin=(8, 5)),
            self.toggle,
            self.layer,
            self._threshold,
            align_items="center",
            sizing_mode="stretch_width",
        )

    def show(self, names) -> None:
        """Open exactly these views (an embedded page's ``show=``)."""
        self.toggle.value = [n for n in VIEWS if n in names]

    def open(self, names) -> None:
        """Open these views too (a lesson's); the open ones stay open."""
        self.toggle.value = [n for n in VIEWS if n in names or n in self.toggle.value]

    def sync(self, session: Session) -> None:
        """The choices that depend on the network: its hidden layers, two classes."""
        hidden = session.model.sizes[1:-1]
        options = {f"layer {i + 1} ({u} units)": i for i, u in enumerate(hidden)}
        if options and self.layer.options != options:
            self._syncing = True
            try:
                self.layer.options = options
                self.layer.value = self._views.layer_of(session)
            finally:
                self._syncing = False
        shown = self._views.shown
        self.layer.visible = "hidden_space" in shown and len(hidden) > 1
        self._threshold.visible = "metrics" in shown and session.plan.kind == "binary"

    def _set(self, **choice) -> None:
        for name, value in choice.items():
            setattr(self._views, name, value)
        self._views.changed()
        self._changed()

    def __panel__(self):
        return self._layout
