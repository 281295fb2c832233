"""Each request parameter is declared once (`desktop.api.params.PARAMS`); this walks the
declaration and checks that the settings dialog, the per-conversation panel, the request
body and `parley ask`'s flags and --help all carry every parameter the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop import cli
from desktop.api.params import PARAMS, Param, flag_help
from desktop.api.request import RequestOptions, Turn, build_request
from desktop.config.connection import request_options
from desktop.config.schema import SETTINGS, setting
from desktop.config.secrets import SessionSecrets
from desktop.config.settings import Settings
from desktop.ui.widgets.settings_dialog import ConversationSettingsPanel
from tests.ui.test_settings_dialog import fields, open_dialog, set_through_widget

pytestmark = pytest.mark.gui


def changed_value(p: Param) -> Any:
    """A valid value other than the default, chosen from the declaration alone."""
    if p.type is bool:
        return False if p.default is None else not p.default
    if p.choices is not None:
        return next(c for c in reversed(p.choices) if c != p.default)
    if p.type is str:
        return "Answer in French."
    assert p.maximum is not None, p.key
    return p.type(p.maximum)


def in_body(p: Param, body: dict[str, Any]) -> Any:
    """What the body carries for `p` (None when it is left out)."""
    if p.tool is not None:
        return any(tool == {"type": p.tool} for tool in body.get("tools", ()))
    if p.field is None:
        return None
    value: Any = body
    for part in p.field.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def body_of(options: RequestOptions) -> dict[str, Any]:
    turns = [Turn("user", "a"), Turn("assistant", "b"), Turn("user", "c")]
    return build_request(turns, options, previous_response_id="resp_1")


def expected_in_body(p: Param, value: Any) -> Any:
    if p.tool is not None:
        return bool(value)
    if p.field is None or (value is False and not p.send_false):
        return None
    return value


def test_every_parameter_is_a_setting_of_the_same_shape() -> None:
    derived = [s for s in SETTINGS if s.param is not None]
    assert [s.param for s in derived] == list(PARAMS)
    for p in PARAMS:
        s = setting(p.key)
        assert (s.type, s.default, s.label, s.help, s.choices) == (
            p.type,
            p.default,
            p.label,
            p.help,
            p.choices,
        )
        assert (s.minimum, s.maximum, s.optional, s.per_conversation) == (
            p.minimum,
            p.maximum,
            p.optional,
            p.per_conversation,
        )


def test_dialog_fields_reach_the_request_body(
    qtbot,
    isolated_dirs: dict[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    settings = Settings()
    dialog = open_dialog(qtbot, settings, SessionSecrets())
    generated = fields(dialog)
    assert {p.key for p in PARAMS} <= set(generated)
    for p in PARAMS:
        assert generated[p.key].setting.param == p
        set_through_widget(generated[p.key], changed_value(p))
    with qtbot.waitSignal(dialog.applied):
        dialog.ok_button.click()
    body = body_of(RequestOptions(**request_options(settings, {})))
    for p in PARAMS:
        assert settings.get(p.key) == changed_value(p), p.key
        assert in_body(p, body) == expected_in_body(p, changed_value(p)), p.key


def test_conversation_panel_overrides_reach_the_request_body(
    qtbot,
    isolated_dirs: dict[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    settings = Settings()
    panel = ConversationSettingsPanel(settings)
    qtbot.addWidget(panel)
    shown = {p.key for p in PARAMS if p.per_conversation}
    assert shown <= set(panel.fields)
    assert not {p.key for p in PARAMS if not p.per_conversation} & set(panel.fields)
    panel.set_overrides({key: changed_value(setting(key).param) for key in shown})  # type: ignore[arg-type]
    body = body_of(RequestOptions(**request_options(settings, panel.overrides())))
    for p in PARAMS:
        if p.per_conversation:
            assert in_body(p, body) == expected_in_body(p, changed_value(p)), p.key


def test_cli_flags_and_help_reach_the_request_body() -> None:
    parser = cli._parser()
    help_text = " ".join(parser.format_help().split())
    offered = {flag for action in parser._actions for flag in action.option_strings}
    printing = {"-h", "--help", "--show-reasoning", "--no-sources", "-v", "--verbose"}
    # How the client runs the request (kept running on the server), not a parameter.
    running = {"--background"}
    assert offered - printing - running == {p.flag for p in PARAMS if p.flag}
    for p in PARAMS:
        if p.flag is None:
            continue
        assert f"{p.flag} {p.metavar}".strip() in help_text, p.key
        assert flag_help(p) in help_text, p.key
        value = changed_value(p)
        argv = [p.flag] if p.type is bool else [p.flag, str(value)]
        options = cli._options(parser.parse_args([*argv, "question"]))
        assert getattr(options, p.key) == value, p.key
        assert in_body(p, body_of(options)) == expected_in_body(p, value), p.key
