"""MNIST with conv layers has defaults of its own (CONV_DEFAULTS), kept like the data
sets' defaults: they apply to knobs not given, move with the conv layers while
untouched, and a link or file says only what differs from them."""

from __future__ import annotations

from playground.experiment import CONV_DEFAULTS, Config, defaults_for
from playground.ui.shell import create_app


def test_a_conv_net_on_mnist_starts_at_the_conv_defaults_and_a_dense_one_does_not():
    conv, dense = Config(dataset="mnist", conv=[8, 16]), Config(dataset="mnist")
    for name, value in CONV_DEFAULTS.items():
        assert getattr(conv, name) == value != getattr(dense, name)
    assert defaults_for("mnist", [8])["batch_norm"] is True
    assert defaults_for("mnist")["batch_norm"] is False


def test_the_link_of_a_conv_net_omits_its_defaults_and_keeps_a_changed_one():
    assert Config(dataset="mnist", conv=[8, 16]).to_query() == "dataset=mnist&conv=8,16"
    mine = Config(dataset="mnist", conv=[8, 16], batch_norm=False)
    assert "batch_norm=false" in mine.to_query()
    assert Config.from_query(mine.to_query())[0].batch_norm is False
    assert Config.from_json(mine.to_json())[0].batch_norm is False


def test_adding_and_removing_conv_layers_moves_untouched_knobs_only():
    c = Config(dataset="mnist")
    c.conv = [8]
    assert c.batch_norm is True
    c.conv = []
    assert c.batch_norm is False
    mine = Config(dataset="mnist", conv=[8], batch_norm=False)
    mine.conv = [16, 32]  # still a conv net: the user's choice survives
    assert mine.batch_norm is False


def test_conv_layers_on_a_2d_set_change_no_default():
    c = Config(dataset="xor", conv=[8])
    assert c.batch_norm is False
    c.dataset = "mnist"  # now they count
    assert c.batch_norm is True
    c.dataset = "xor"
    assert c.batch_norm is False


def test_a_full_config_applied_at_once_keeps_its_own_values():
    """What a lesson does to the page: data set and conv first, then the rest."""
    page = Config()
    lesson = Config(dataset="mnist", conv=[8], batch_norm=False, optimizer="sgd")
    values = lesson.values()
    page.param.update(dataset=values.pop("dataset"), conv=values.pop("conv"))
    page.param.update(**values)
    assert page.values() == lesson.values()


def test_a_mnist_link_with_conv_layers_opens_a_conv_net_without_a_2d_note():
    shell = create_app(query="mode=mnist&conv=8,16&augment=shift&mnist_train=300&mnist_test=100")
    page = shell.page()
    assert page.config.dataset == "mnist" and page.config.batch_norm is True
    assert page.session.plan.conv == (8, 16) and page.session.plan.augment == ("shift",)
    assert not page.notice.visible, page.notice.object
