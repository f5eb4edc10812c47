"""The page's frame: header (mode switch, Copy link), keyboard shortcuts, and the
page of the chosen mode; the URL follows every change.

Each mode's page is built the first time it is shown and kept, so switching
back and forth keeps both experiments as they were (the hidden one paused).
The address bar always holds the current configuration as a query string, so
copying it (or pressing *Copy link*) shares the exact setup, seed included.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urlencode

import panel as pn
import param
from panel.io.resources import _env as PANEL_TEMPLATES
from panel.reactive import ReactiveHTML

from playground.data import MAX_BYTES
from playground.experiment import KNOBS, Config, make_plan
from playground.experiment.lessons import LESSONS, merge_query
from playground.ui.options import IDLE_MINUTES, PageOptions, split_query
from playground.ui.pages import DEFAULT_MODE, MODES, hide_warnings, mode_of
from playground.ui.theme import THEMES, presenter
from playground.ui.transport import TrainingPage


@dataclass(frozen=True)
class Shortcut:
    """One key the page answers to (ignored while typing in a field)."""

    keys: tuple[str, ...]  # KeyboardEvent.key values
    shown: str  # how the help writes the key
    does: str  # what it does, for the help and the tooltip
    action: str  # the Shell method it calls


#: Every keyboard shortcut, once: the help, the tooltip, the browser's key list and
#: what each press does are all read from here.
SHORTCUTS = (
    Shortcut((" ",), "space", "play / pause", "_toggle"),
    Shortcut(("ArrowRight",), "→", "one epoch", "_step"),
    Shortcut(("r", "R"), "r", "reset", "_reset"),
    Shortcut(("?",), "?", "this help", "_toggle_help"),
)
_BY_KEY = {key: shortcut for shortcut in SHORTCUTS for key in shortcut.keys}
HELP = "<b>Keyboard shortcuts</b><br>" + " &nbsp; ".join(
    f"<kbd>{html.escape(s.shown)}</kbd> {s.does}" for s in SHORTCUTS
)
SHORTCUTS_TIP = "Keyboard: " + ", ".join(f"{s.shown} {s.does}" for s in SHORTCUTS)
PRESENTER_CSS = ":host { font-size: 125%; }"
#: A widget's label kept for screen readers but not drawn (the header stays one line).
VISUALLY_HIDDEN_LABEL = (
    "label { position: absolute; width: 1px; height: 1px; overflow: hidden; "
    "clip-path: inset(50%); white-space: nowrap; }"
)


#: The page's HTML: Panel's own plus the line a phone needs to lay the page out at
#: its own width (without it a phone draws a 980 px desktop page, shrunk).
PAGE_TEMPLATE = PANEL_TEMPLATES.from_string(
    "{% extends 'base.html' %}{% block postamble %}"
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "{% endblock %}"
)

#: Copy link: the address to the clipboard and a word that it is there; where the
#: page has no clipboard (plain http on a classroom LAN is not a secure context)
#: the link in a box, selected, to copy by hand.
COPY_LINK_JS = """
const url = window.location.href;
const old = document.getElementById('pg-link-box');
if (old) old.remove();
const box = document.createElement('div');
box.id = 'pg-link-box';
box.style.cssText = 'position:fixed;top:52px;right:16px;z-index:10000;background:#fff;'
  + 'color:#212121;border:1px solid #888;border-radius:6px;padding:10px 12px;'
  + 'box-shadow:0 2px 10px rgba(0,0,0,.3);font:14px sans-serif;max-width:min(92vw,560px)';
const show = (copied) => {
  if (copied) {
    box.setAttribute('role', 'status');
    box.textContent = 'Link copied ✓ (it holds every setting, seed included)';
    setTimeout(() => box.remove(), 2500);
    document.body.appendChild(box);
    return;
  }
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-label', 'Link to this page');
  const say = document.createElement('div');
  say.textContent = 'This page cannot reach the clipboard here: copy the link (Ctrl+C).';
  const input = document.createElement('input');
  input.value = url;
  input.readOnly = true;
  input.setAttribute('aria-label', 'Link to this page');
  input.style.cssText = 'display:block;width:100%;margin:6px 0;font:13px monospace';
  const close = document.createElement('button');
  close.textContent = 'Close';
  close.onclick = () => box.remove();
  box.append(say, input, close);
  document.body.appendChild(box);
  input.focus();
  input.select();
};
if (navigator.clipboard && window.isSecureContext) {
  navigator.clipboard.writeText(url).then(() => show(true), () => show(false));
} else {
  show(false);
}
"""

#: Shown when the page loses the server (restarted, network gone, laptop slept).
DISCONNECTED = (
    "Lost the connection to the playground server: reload the page to carry on "
    "(the link keeps your settings)."
)


class PageEvents(ReactiveHTML):
    """Reports what the browser knows and the server does not: key presses,
    whether the tab is hidden, and whether anybody has used the page lately
    (``idle`` turns on after ``idle_after`` seconds without a pointer, key,
    wheel or touch event, and off at the next one; 0 never); and tells the
    reader when the page has lost its server.

    ``press`` holds the last presses as ``"N:KEY|N:KEY|..."`` (N counts them):
    two quick presses may reach the server as one update, and the log keeps
    both, so neither is lost or read twice.
    """

    press = param.String(default="")
    hidden = param.Boolean(default=False)
    idle = param.Boolean(default=False)
    idle_after = param.Number(default=0.0, bounds=(0, None))
    #: Files over ``max_upload`` bytes are not sent (a websocket message over
    #: Bokeh's 20 MB limit would end the session); ``refused`` says which:
    #: ``"N|BYTES|NAME"``, N counting the refusals.
    max_upload = param.Integer(default=MAX_BYTES, bounds=(1, None))
    refused = param.String(default="")
    #: Shown across the top of the page when it loses the server (restarted,
    #: network gone, laptop slept): the session is gone, so only a reload helps.
    lost_message = param.String(default=DISCONNECTED)
    #: The keys to report (SHORTCUTS).
    keys = param.List(default=sorted(_BY_KEY), item_type=str)

    _template = "<div id='page-events' style='display:none'></div>"
    _scripts = {
        "render": """
        const keys = data.keys;
        let presses = 0;
        const recent = [];
        document.addEventListener('keydown', (e) => {
          const target = e.composedPath()[0];
          const tag = target && target.tagName ? target.tagName.toUpperCase() : '';
          if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || target.isContentEditable) return;
          if (!keys.includes(e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
          e.preventDefault();
          presses += 1;
          recent.push(presses + ':' + e.key);
          if (recent.length > 20) recent.shift();
          data.press = recent.join('|');
        });
        let last = Date.now();
        const active = () => {
          last = Date.now();
          if (data.idle) data.idle = false;
        };
        for (const name of ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart']) {
          document.addEventListener(name, active, {capture: true, passive: true});
        }
        document.addEventListener('visibilitychange', () => {
          data.hidden = document.visibilityState === 'hidden';
          if (!data.hidden) active();
        });
        let refusals = 0;
        document.addEventListener('input', (e) => {
          const el = e.composedPath()[0];
          if (!el || el.type !== 'file' || !el.files) return;
          const big = Array.from(el.files).find((f) => f.size > data.max_upload);
          if (!big) return;
          // The widget reads the file on 'change': stop it there, before it is sent.
          const stop = (ev) => ev.stopImmediatePropagation();
          el.addEventListener('change', stop, {capture: true, once: true});
          setTimeout(() => el.removeEventListener('change', stop, {capture: true}), 0);
          el.value = '';
          refusals += 1;
          data.refused = refusals + '|' + big.size + '|' + big.name;
        }, {capture: true});
        data.document.on_event('connection_lost', () => {
          if (document.getElementById('connection-lost')) return;
          const note = document.createElement('div');
          note.id = 'connection-lost';
          note.setAttribute('role', 'alert');
          note.textContent = data.lost_message;
          note.style.cssText = 'position:fixed;top:0;left:0;right:0;z-index:10000;'
            + 'padding:12px 20px;background:#b3261e;color:#fff;font:600 18px sans-serif;'
            + 'text-align:center;box-shadow:0 2px 8px rgba(0,0,0,.3)';
          document.body.appendChild(note);
        });
        setInterval(() => {
          if (data.idle_after > 0 && !data.idle && Date.now() - last > data.idle_after * 1000) {
            data.idle = true;
          }
        }, 1000);
        """
    }


class Shell(pn.viewable.Viewer):
    """Header + the page of the chosen mode."""

    def __init__(
        self,
        options: PageOptions,
        config: Config,
        warnings: list[str],
        idle_minutes: float = IDLE_MINUTES,
        live_socket: bool = False,
    ):
        super().__init__()
        self.options = options
        self._live_socket = live_socket
        self.theme = THEMES[options.theme]
        if options.presenter:
            self.theme = presenter(self.theme)
        self._configs = {options.mode: config}
        self._warnings = warnings
        self.pages: dict[str, TrainingPage] = {}
        self.switch = pn.widgets.RadioButtonGroup(
            options={mode.label: key for key, mode in MODES.items()},
            value=options.mode,
            button_type="primary",
            button_style="outline",
            margin=(6, 10),
            description="The 2-D playground, training on real handwritten digits (MNIST), "
            "or experiments: many trainings at once, to search for good knobs.",
        )
        self.copy_link = pn.widgets.Button(
            label="Copy link",
            width=100,
            margin=(6, 10),
            description="Copy this page's address: it holds every setting, seed included, "
            "so whoever opens it sees the same network and data.",
        )
        self.copy_link.js_on_click(code=COPY_LINK_JS)
        self.help = pn.pane.HTML(
            HELP,
            visible=False,
            css_classes=["pg-help"],
            styles={
                "background": self.theme.panel,
                "padding": "6px 12px",
                "border": f"1px solid {self.theme.grid}",
            },
        )
        self.lesson = pn.widgets.Select(
            name="Lesson",  # read by screen readers (and tests); not shown: see the CSS
            stylesheets=[VISUALLY_HIDDEN_LABEL],
            options={
                "Lesson: none (free play)": "",
                **{
                    f"{i}. {lesson.title}": name
                    for i, (name, lesson) in enumerate(LESSONS.items(), start=1)
                },
            },
            value=options.lesson if options.lesson in LESSONS else "",
            width=280,
            margin=(8, 4),
        )
        self.lesson_help = pn.widgets.TooltipIcon(
            value="Guided lessons: each sets up the page to show one idea and says "
            "what to try and what to watch for.",
            margin=(12, 8, 0, 0),
        )
        # A lesson's text sits in the page's side column where it has one, so the
        # picture the class must see stays where it is; above the page otherwise.
        self.lesson_card = pn.Card(
            title="Lesson",
            collapsed=False,
            visible=False,
            sizing_mode="stretch_width",
            margin=(5, 5),
        )
        self._lesson_slot = pn.Column(sizing_mode="stretch_width", margin=0)
        self.lesson.param.watch(lambda e: self.open_lesson(e.new), "value")
        self.shortcuts = PageEvents(idle_after=max(0.0, idle_minutes) * 60)
        self.shortcuts.param.watch(self._key, "press")
        self.shortcuts.param.watch(lambda e: self._pause_while("hidden", e.new), "hidden")
        self.shortcuts.param.watch(lambda e: self._pause_while("idle", e.new), "idle")
        self.shortcuts.param.watch(self._refused, "refused")
        self._idle_minutes = idle_minutes
        self._paused_for: set[str] = set()
        self.paused_note = pn.pane.Alert("", alert_type="info", visible=False, margin=(5, 10))
        self._presses_done = 0
        self._address = pn.widgets.TextInput(value="", visible=False)
        self._address.jscallback(
            value="if (cb_obj.value) { window.history.replaceState(null, '', "
            "window.location.pathname + (cb_obj.value === '?' ? '' : cb_obj.value)) }"
        )
        self.container = pn.Column(sizing_mode="stretch_width")
        self.switch.param.watch(lambda e: self.show(e.new), "value")
        self.show(options.mode)
        header = pn.FlexBox(
            pn.pane.HTML("<b style='font-size:18px'>NN Playground</b>", margin=(10, 10)),
            self.switch,
            self.lesson,
            self.lesson_help,
            self.copy_link,
            pn.widgets.TooltipIcon(value=SHORTCUTS_TIP, margin=(12, 4)),
            align_items="center",
            sizing_mode="stretch_width",
            visible=not options.embed,
        )
        self._show_lesson_card(options.lesson)
        self._stop_where_the_lesson_ends(options.lesson)
        self._open_the_lessons_views(options.lesson)
        self._layout = pn.Column(
            header,
            self.help,
            self._lesson_slot,
            self.paused_note,
            self.shortcuts,
            self._address,
            self.container,
            sizing_mode="stretch_width",
            styles={"background": self.theme.background, "color": self.theme.text},
            stylesheets=[PRESENTER_CSS] if options.presenter else [],
        )
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.curdoc.template = PAGE_TEMPLATE
            pn.state.on_session_destroyed(lambda context: self.close())
            if options.autoplay:
                pn.state.onload(lambda: self.page().set_playing(True))

    # -------------------------------------------------------------------- pages
    def page(self, mode: str | None = None) -> TrainingPage:
        """The page of ``mode`` (default: the one shown), built on first use."""
        mode = mode or self.options.mode
        if mode not in self.pages:
            row = MODES[mode]
            page = row.build(
                self._configs.get(mode) or row.default_config(),
                self.theme,
                warnings=self._warnings,
                live_socket=self._live_socket,
                queries=self._queries,
            )
            page.hide(self.options.hide)
            if self.options.embed:
                shown = self.options.show
                page.show_only(tuple(page.DECLARED.show) if shown is None else shown)
            page.config.param.watch(lambda *events: self._sync_url(), list(KNOBS), precedence=30)
            self.pages[mode] = page
        return self.pages[mode]

    def _queries(self) -> dict[str, str]:
        """Each page built so far (mode -> its knobs as a URL query), for a page
        that starts from another's settings (the Experiments page's base)."""
        return {key: page.config.to_query() for key, page in self.pages.items()}

    def show(self, mode: str) -> None:
        for key, page in self.pages.items():
            if key != mode:
                page.set_playing(False)
        self.options.mode = mode
        self.container.objects = [self.page(mode)]
        self._place_lesson_card()
        if self.switch.value != mode:
            self.switch.value = mode
        self._sync_url()

    def query(self) -> str:
        """The address bar's query: the shown page's knobs and the page options."""
        knobs = self.page().config.to_query()
        options = [(k, v) for k, v in self.options.to_pairs() if k != "mode"]
        if self.options.mode != DEFAULT_MODE:
            options.insert(0, ("mode", self.options.mode))
        return "&".join(q for q in (urlencode(options), knobs) if q)

    def _sync_url(self) -> None:
        # The browser replaces its address (no reload, no history entry) when
        # this hidden field changes: see the jscallback in __init__.
        self._address.value = "?" + self.query()

    # ------------------------------------------------------------------ lessons
    def open_lesson(self, name: str) -> None:
        """Set the page up as lesson ``name`` says (or leave lessons: "")."""
        self.options.lesson = name
        self._show_lesson_card(name)
        if name:
            config = LESSONS[name].config()
            mode = mode_of(config)
            page = self.page(mode)
            page.set_playing(False)
            values = config.values()
            # The data set and conv layers first: they move the knobs still at their
            # defaults, and only then do the lesson's own values land (in one update
            # a value equal to the old default, sgd on MNIST, would be moved too).
            page.config.param.update(dataset=values.pop("dataset"), conv=values.pop("conv"))
            page.config.param.update(**values)
            page.session.reset()
            page.redraw()
            self.show(mode)
        self._stop_where_the_lesson_ends(name)
        self._open_the_lessons_views(name)
        self._sync_url()

    def _stop_where_the_lesson_ends(self, name: str) -> None:
        """A lesson says how long to train ("press Play for 300 epochs"): its page
        pauses there, so a lecturer can talk instead of watching the counter.
        Leaving the lesson (or picking another) takes the stop away."""
        lesson = LESSONS.get(name)
        for page in self.pages.values():
            page.set_stop(None)
        if lesson is not None:
            self.page().set_stop(lesson.epochs, "as the lesson says")

    def _open_the_lessons_views(self, name: str) -> None:
        """Open the views inside the network a lesson is about (gradient flow for
        the vanishing gradient); others stay as the person left them."""
        lesson = LESSONS.get(name)
        if lesson is not None and lesson.views:
            self.page().open_views(lesson.views)

    def _place_lesson_card(self) -> None:
        """Put the lesson card in the shown page's side column, or above the page."""
        shown = self.pages.get(self.options.mode)
        sidebar = getattr(shown, "sidebar", None)
        for page in self.pages.values():
            if getattr(page, "sidebar", None) is not None and page is not shown:
                page.sidebar.objects = []
        if sidebar is not None:
            self._lesson_slot.objects = []
            sidebar.objects = [self.lesson_card]
        else:
            self._lesson_slot.objects = [self.lesson_card]

    def _show_lesson_card(self, name: str) -> None:
        lesson = LESSONS.get(name)
        self.lesson_card.visible = lesson is not None and not self.options.embed
        if lesson is None:
            return

        def bullets(items) -> str:
            return "".join(f"<li>{item}</li>" for item in items)

        self.lesson_card.title = f"Lesson: {lesson.title}"
        self.lesson_card.objects = [
            pn.pane.HTML(
                f"<p class='pg-lesson'>{lesson.explanation}</p>"
                f"<b>Try this</b><ul>{bullets(lesson.try_this)}</ul>"
                f"<b>Watch for</b><ul>{bullets(lesson.watch_for)}</ul>",
                sizing_mode="stretch_width",
                styles={"font-size": "14px"},
            )
        ]

    # ----------------------------------------------------------------- keyboard
    def _key(self, event) -> None:
        """Act on every press not handled yet, in order."""
        for entry in event.new.split("|"):
            number, _, key = entry.partition(":")
            if number.isdigit() and int(number) > self._presses_done:
                self._presses_done = int(number)
                self._act(key)

    def _act(self, key: str) -> None:
        shortcut = _BY_KEY.get(key)
        if shortcut is not None:
            getattr(self, shortcut.action)()

    def _toggle(self) -> None:
        self.page().toggle()

    def _step(self) -> None:
        self.page().step()

    def _reset(self) -> None:
        self.page().reset()

    def _toggle_help(self) -> None:
        self.help.visible = not self.help.visible

    def _refused(self, event) -> None:
        _, size, name = (event.new.split("|", 2) + ["", ""])[:3]
        page = self.page()
        if size.isdigit():
            page.refuse_upload(name, int(size))

    def _pause_while(self, reason: str, on: bool) -> None:
        """A hidden tab (laptop asleep, another tab in front) or a page nobody has
        touched for a while stops training, so a forgotten page does not use
        the server for nobody; it resumes when the reason goes away."""
        page = self.page()
        if on and page.playing:
            page.set_playing(False)
            self._paused_for.add(reason)
            if reason == "idle":
                self.paused_note.object = (
                    f"Paused: nobody has used this page for {self._idle_minutes:g} minutes. "
                    "Move the mouse or press a key to carry on."
                )
                self.paused_note.visible = True
        elif not on and reason in self._paused_for:
            self._paused_for.discard(reason)
            if not self._paused_for:
                self.paused_note.visible = False
                page.resume()

    def close(self) -> None:
        """Stop every page's training loop (the browser tab was closed)."""
        for page in self.pages.values():
            page.close()

    def __panel__(self):
        return self._layout


def create_app(
    idle_minutes: float | None = None, *, live_socket: bool = False, query: str | None = None
) -> pn.viewable.Viewable:
    """A new page for the current browser session, configured by its URL query
    (``query``, default the browser's): any knob of the Config plus the page
    options (mode, theme, presenter, embed, show, autoplay, hide, lesson).
    Training pauses after ``idle_minutes`` without anybody using the page
    (default ``IDLE_MINUTES``; 0 never). ``live_socket``: the server serves the
    stages' own websocket (channel.py)."""
    if query is None:
        query = pn.state.location.search.lstrip("?") if pn.state.location else ""
    options, knobs, warnings = split_query(query)
    if options.lesson:
        if options.lesson in LESSONS:  # the lesson's preset, under the link's own knobs
            knobs = merge_query(LESSONS[options.lesson].query, knobs)
        else:
            warnings.append(f"no lesson {options.lesson[:40]!r}; see the Lesson menu")
            options.lesson = ""
    if MODES[options.mode].query:  # the mode's own start, under the link's knobs
        knobs = merge_query(MODES[options.mode].query, knobs)
    config, more = Config.from_query(knobs)
    warnings += more
    pn.config.theme = "dark" if options.theme == "dark" else "default"  # this session's widgets
    # A data set that belongs to one mode opens it; a mode that owns a data set trains on it.
    owner = mode_of(config)
    if MODES[owner].dataset is not None:
        options.mode = owner
    elif MODES[options.mode].dataset is not None:
        # The parser's notes were about the data set the mode replaces ("conv layers
        # need images" for ?mode=mnist&conv=8): say those of the one it trains on.
        stale = set(make_plan(config).notes)
        config.dataset = MODES[options.mode].dataset
        warnings = [w for w in warnings if w not in stale]
        warnings += [n for n in make_plan(config).notes if n not in warnings]
    warnings += hide_warnings(options.mode, options.hide)
    idle = IDLE_MINUTES if idle_minutes is None else idle_minutes
    return Shell(options, config, warnings, idle_minutes=idle, live_socket=live_socket)
