"""The page's frame: a mode switch above the 2-D playground or the MNIST page.

Each mode's page is built the first time it is shown and kept, so switching
back and forth keeps both experiments as they were (the hidden one paused).
"""

from __future__ import annotations

import panel as pn

from playground.experiment import MNIST, Config
from playground.ui.app import Playground
from playground.ui.mnist_page import MnistPage
from playground.ui.theme import Theme

MODES = {"playground": "2-D playground", "mnist": "MNIST digits"}


class Shell(pn.viewable.Viewer):
    """Mode switch + the page of the chosen mode."""

    def __init__(self, mode: str, config: Config, theme: Theme, warnings: list[str]):
        super().__init__()
        self.theme = theme
        self._configs = {mode: config}
        self._warnings = warnings
        self.pages: dict[str, pn.viewable.Viewer] = {}
        self.switch = pn.widgets.RadioButtonGroup(
            options={label: key for key, label in MODES.items()},
            value=mode,
            button_type="primary",
            button_style="outline",
            margin=(6, 10),
            description="The 2-D playground, or training on real handwritten digits (MNIST).",
        )
        self.container = pn.Column(sizing_mode="stretch_width")
        self.switch.param.watch(lambda e: self.show(e.new), "value")
        self.show(mode)
        if pn.state.curdoc is not None:  # served: stop training when the tab goes away
            pn.state.on_session_destroyed(lambda context: self.close())
        self._layout = pn.Column(
            pn.Row(
                pn.pane.HTML("<b style='font-size:18px'>NN Playground</b>", margin=(10, 10)),
                self.switch,
            ),
            self.container,
            sizing_mode="stretch_width",
            styles={"background": theme.background, "color": theme.text},
        )

    def page(self, mode: str) -> pn.viewable.Viewer:
        if mode not in self.pages:
            if mode == "mnist":
                config = self._configs.get(mode) or Config(dataset=MNIST)
                self.pages[mode] = MnistPage(config, self.theme)
            else:
                config = self._configs.get(mode) or Config()
                self.pages[mode] = Playground(
                    config, theme=self.theme.name, warnings=self._warnings
                )
        return self.pages[mode]

    def show(self, mode: str) -> None:
        for key, page in self.pages.items():
            if key != mode:
                page.set_playing(False)
        self.container.objects = [self.page(mode)]
        if self.switch.value != mode:
            self.switch.value = mode
        if pn.state.location is not None:
            pn.state.location.update_query(mode=mode)

    def close(self) -> None:
        """Stop every page's training loop (the browser tab was closed)."""
        for page in self.pages.values():
            page.set_playing(False)

    def __panel__(self):
        return self._layout
