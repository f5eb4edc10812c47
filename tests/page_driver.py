"""A stand-in for the browser of a 2-D page: it records the scenes and frames the
page sends and confirms them as the stage module does, with no server."""

from __future__ import annotations

from playground.ui.frame import READOUT_COLUMNS, Section, unpack


class Browser:
    """Says hello to ``page``'s stage and keeps what it is sent."""

    def __init__(self, page):
        self.page = page
        self.scenes: list[dict] = []
        self.frames: list[tuple[dict, dict]] = []
        self._confirmed = 0
        page.stage.send_scene = self.scenes.append
        page.stage.send_frame = lambda data: self.frames.append(unpack(data))
        page._from_browser({"t": "hello"})

    @property
    def last(self) -> tuple[dict, dict]:
        return self.frames[-1]

    def ack(self) -> bool:
        """Confirm the newest frame, if it is new (the browser kept up); the page
        then sends the next. False if there was nothing new to confirm."""
        if not self.frames or self.frames[-1][0]["frame"] == self._confirmed:
            return False
        self._confirmed = self.frames[-1][0]["frame"]
        self.page._from_browser({"t": "ack", "f": self._confirmed})
        return True

    def readout(self) -> dict:
        values = dict(zip(READOUT_COLUMNS, self.last[1][Section.READOUT], strict=True))
        return {k: values[k] for k in ("test_loss", "train_loss", "test_accuracy")}


def play(page) -> None:
    """What Play does, without a server's periodic loop."""
    page.playing = True
    page.share.join(page)
