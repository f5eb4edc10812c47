"""One declaration per page control (the project's issue 12): each page class
declares what ``hide=`` and ``show=`` may name, each mode is one registry row,
and everything else (the URL parser, its warnings, the README) agrees with them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from playground.experiment import KNOBS, MNIST, Config
from playground.ui.app import Playground, create_app
from playground.ui.mnist_page import MnistPage
from playground.ui.options import PageOptions, split_query
from playground.ui.pages import (
    DEFAULT_MODE,
    MODES,
    OFF_PAGE_KNOBS,
    hide_aliases,
    hide_names,
    mode_of,
    show_parts,
)
from playground.ui.scene import STAGE_HIDEABLE, STAGE_PARTS
from playground.ui.shell import Shell
from playground.ui.theme import THEMES

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_knob_is_on_some_page_or_declared_off_page():
    on_pages = set(hide_names())
    assert set(KNOBS) - on_pages == set(OFF_PAGE_KNOBS)
    assert not set(OFF_PAGE_KNOBS) & on_pages  # off-page means on no page
    assert set(OFF_PAGE_KNOBS) <= set(KNOBS)


@pytest.mark.parametrize("mode", list(MODES))
def test_a_built_page_hides_exactly_the_names_its_class_declares(mode):
    config = MODES[mode].default_config()
    config.param.update(mnist_train=300, mnist_test=100)  # (a quick MNIST page)
    page = MODES[mode].build(config, THEMES["light"], warnings=[], live_socket=False)
    declared = type(page).DECLARED
    assert type(page) is MODES[mode].page
    assert list(page.hideable) == list(declared.hide_names)
    assert set(page.parts) <= set(declared.show)


def test_the_2d_page_declares_the_stages_own_parts_from_the_stage():
    declared = Playground.DECLARED
    assert set(STAGE_HIDEABLE) <= set(declared.parts)
    assert tuple(p for p in declared.show if p in STAGE_PARTS) == STAGE_PARTS


def test_hide_and_show_accept_what_the_pages_declare_and_warn_about_the_rest():
    query = "hide=" + ",".join(hide_names()) + ",bogus&show=" + ",".join(show_parts()) + ",x"
    options, _, warnings = split_query(query)
    assert options.hide == list(hide_names()) and options.show == list(show_parts())
    assert warnings == ["hide: ignored 'bogus'", "show: ignored 'x'"]


def test_hide_takes_the_words_of_a_label_and_keeps_the_knobs_name():
    assert Config.param["problem"].label == "Problem type"
    options, _, warnings = split_query("hide=problem_type,epochs_per_frame")
    assert options.hide == ["problem", "speed"] and warnings == []
    assert ("hide", "problem,speed") in options.to_pairs()  # the link says the name


def test_the_problem_type_control_is_hidden_by_its_label_words():
    options, _, _ = split_query("hide=problem_type")
    page = Playground()
    page.hide(options.hide)
    assert not page._top_controls["problem"].visible
    assert page._top_controls["activation"].visible


def test_a_hide_name_of_the_other_page_only_is_kept_for_it_and_warned_about_here():
    shell = create_app(query="hide=hidden,learning_rate")
    assert shell.options.hide == ["hidden", "learning_rate"]  # the MNIST page hides it
    notice = html.unescape(shell.page().notice.object)
    assert shell.page().notice.visible
    assert "'hidden' is a name on the MNIST digits page" in notice
    assert "hides nothing on the 2-D playground page, whose parts are" in notice
    assert "layers" in notice and "learning_rate" not in notice
    on_its_page = create_app(query="mode=mnist&hide=hidden&mnist_train=300&mnist_test=100")
    assert not on_its_page.page("playground").notice.visible


def test_an_alias_never_shadows_a_name():
    assert not set(hide_aliases()) & set(hide_names())


def test_every_hide_name_of_a_page_hides_a_component_or_is_hidden_by_the_page_itself():
    page = Playground()
    itself = (
        {*STAGE_HIDEABLE, *Playground.DECLARED.knobs}
        - set(page._top_controls)
        - set(page._data_controls)
    )
    for name, parts in page.hideable.items():
        assert parts or name in itself, name


def test_the_url_options_offer_exactly_the_registrys_modes():
    assert PageOptions.param["mode"].objects == list(MODES)
    assert PageOptions.param["mode"].default == DEFAULT_MODE


def test_a_data_set_that_belongs_to_a_mode_opens_that_mode():
    assert mode_of(Config(dataset=MNIST)) == "mnist"
    assert mode_of(Config(dataset="xor")) == DEFAULT_MODE
    for key, mode in MODES.items():  # (a mode with no data set of its own opens the default)
        assert mode_of(mode.default_config()) == (key if mode.dataset else DEFAULT_MODE)


def test_the_mode_switch_shows_the_registrys_labels():
    options, _, _ = split_query("")
    shell = Shell(options, Config(), [])
    assert shell.switch.options == {mode.label: key for key, mode in MODES.items()}
    assert isinstance(shell.page(), Playground)
    assert isinstance(shell.page("mnist"), MnistPage)


@pytest.mark.parametrize(
    ("query", "mode", "dataset"),
    [
        ("", "playground", "circle"),
        ("mode=mnist", "mnist", MNIST),
        ("dataset=mnist", "mnist", MNIST),
        ("mode=experiments", "experiments", "spiral"),  # the mode's own start
        ("mode=experiments&dataset=xor", "experiments", "xor"),  # under the link's knobs
    ],
)
def test_create_app_opens_the_mode_the_url_names(query, mode, dataset):
    shell = create_app(query=query + "&mnist_train=300&mnist_test=100")
    assert shell.options.mode == mode and shell.page().config.dataset == dataset


def _readme_hide_lists() -> dict[str, set[str]]:
    """The names README's *Hide controls* item lists for each page."""
    text = README.read_text()
    item = re.search(r"^- \*\*Hide controls\.\*\*(.*?)(?=^- \*\*|^\S)", text, re.S | re.M)
    assert item, "README lost its *Hide controls* item"
    _, two_d, digits = re.split(r"On the (?:2-D|MNIST) page", item.group(1))
    names = re.compile(r"`([a-z0-9_]+)`")
    return {"playground": set(names.findall(two_d)), "mnist": set(names.findall(digits))}


def test_the_readme_lists_every_hide_name_of_each_page():
    listed = _readme_hide_lists()
    for key, mode in MODES.items():
        assert listed.get(key, set()) == set(mode.page.DECLARED.hide_names), key


def test_the_readme_lists_every_show_part():
    item = re.search(r"`show=` picks the parts\s*\(([^)]*)\)", README.read_text())
    assert item and re.findall(r"`([a-z_]+)`", item.group(1)) == list(show_parts())


def test_the_mnist_page_shows_what_was_wrong_with_its_link_too():
    shell = create_app(query="mode=mnist&hide=layers&learning_rate=banana&mnist_train=300")
    notice = html.unescape(shell.page().notice.object)
    assert shell.page().notice.visible
    assert "'layers' is a name on the 2-D playground page" in notice
    assert "learning_rate" in notice
