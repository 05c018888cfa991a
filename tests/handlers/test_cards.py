"""Every card against its golden file, and every template within Adaptive Cards 1.3.

Regenerate the goldens on purpose, then review the diff:
``UPDATE_GOLDEN=1 pytest tests/handlers/test_cards.py``.
"""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from handlers.actions import build_actions_card
from handlers.cards import render_card, template_names
from handlers.clock import Clock
from handlers.confirm_cards import build_confirm_card
from handlers.context import Options, Services
from handlers.ports import CodeInfo, LicencePool, LineInfo
from handlers.status import build_line_card, build_overview_card
from handlers.texts import Texts
from storage.models import CodeState, LineStatus

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "cards"
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

# Adaptive Cards 1.3 (the version Webex renders): elements, inputs and actions.
ELEMENTS_1_3 = {
    "AdaptiveCard",
    "TextBlock",
    "Image",
    "Media",
    "RichTextBlock",
    "TextRun",
    "Container",
    "ColumnSet",
    "Column",
    "FactSet",
    "ImageSet",
    "ActionSet",
    "Input.Text",
    "Input.Number",
    "Input.Date",
    "Input.Time",
    "Input.Toggle",
    "Input.ChoiceSet",
}
ACTIONS_1_3 = {
    "Action.OpenUrl",
    "Action.Submit",
    "Action.ShowCard",
    "Action.ToggleVisibility",
}


class _Lines:
    """A device service that only lists fixed lines."""

    def list_lines(self):
        code = CodeInfo("••••6K42", CodeState.ACTIVE, NOW, NOW + timedelta(days=9))
        later = CodeInfo("••••AB12", CodeState.ACTIVE, NOW, NOW + timedelta(days=60))
        return [
            LineInfo("alice@example.com", LineStatus.PENDING_ACTIVATION, code),
            LineInfo("bob@example.com", LineStatus.ONLINE),
            LineInfo("carol@example.com", LineStatus.OFFLINE),
            LineInfo("dan@example.com", LineStatus.PENDING_ACTIVATION, later),
        ]

    def licence_pool(self):
        return LicencePool(size=25, used=4)


def _services():
    clock = Clock()
    clock.offset = NOW - clock.now()
    return Services(
        chat=None,
        devices=_Lines(),
        texts=Texts(),
        clock=clock,
        commands=(),
        audit=None,
        limits=None,
        confirmations=None,
        options=Options(),
    )


def _line(status, code=None):
    return LineInfo("alice@example.com", status, code)


def _cards():
    services = _services()
    code = CodeInfo("••••6K42", CodeState.ACTIVE, NOW, NOW + timedelta(days=90))
    return {
        "confirm_lost": build_confirm_card(
            services,
            "lost",
            "alice@example.com",
            "TOKEN",
            "online",
            "admin@example.com",
        ),
        "confirm_delete": build_confirm_card(
            services,
            "delete",
            "bob@example.com",
            "TOKEN",
            "pending_activation",
            "admin@example.com",
        ),
        "actions": build_actions_card(services.texts),
        "line_pending": build_line_card(
            services, _line(LineStatus.PENDING_ACTIVATION, code)
        ),
        "line_online": build_line_card(services, _line(LineStatus.ONLINE)),
        "line_offline": build_line_card(services, _line(LineStatus.OFFLINE)),
        "overview": build_overview_card(services)[0],
    }


@pytest.mark.parametrize("name", sorted(_cards()))
def test_card_matches_its_golden_file(name):
    card = _cards()[name]
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(
            json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert card == json.loads(path.read_text(encoding="utf-8"))


def _types(node):
    if isinstance(node, dict):
        if "type" in node and isinstance(node["type"], str):
            yield node["type"]
        for value in node.values():
            yield from _types(value)
    elif isinstance(node, list):
        for item in node:
            yield from _types(item)


@pytest.mark.parametrize("name", template_names())
def test_every_template_is_adaptive_card_1_3(name):
    template = json.loads(
        (GOLDEN.parents[2] / "manifest" / "cards" / f"{name}.json").read_text()
    )
    assert template["version"] == "1.3"
    assert set(_types(template)) <= ELEMENTS_1_3 | ACTIONS_1_3
    assert len(template.get("actions", [])) <= 5  # Webex shows at most five buttons


@pytest.mark.parametrize("name", sorted(_cards()))
def test_every_rendered_card_is_adaptive_card_1_3_with_no_unbound_value(name):
    card = _cards()[name]
    assert set(_types(card)) <= ELEMENTS_1_3 | ACTIONS_1_3
    assert "${" not in json.dumps(card)


def test_templating_repeats_and_drops_elements():
    card = render_card(
        "overview",
        {
            "title": "T",
            "pool": "P",
            "groups": [],
            "has_expiring": False,
            "expiring_title": "E",
            "expiring": [],
        },
    )
    assert [element["text"] for element in card["body"]] == ["T", "P"]


def test_the_overview_groups_by_state_and_lists_codes_expiring_soon():
    card, fallback = build_overview_card(_services())
    text = json.dumps(card, ensure_ascii=False)
    assert "Licences: 4 used, 21 free of 25." in text
    assert text.index("Pending Activation (grey): 2") < text.index("Online (green): 1")
    assert '"color": "Good"' in text and '"color": "Attention"' in text
    expiring = card["body"][-1]
    assert [fact["title"] for fact in expiring["items"][1]["facts"]] == [
        "alice@example.com"
    ]
    assert "2 Pending Activation (grey), 1 Online (green), 1 Offline (red)" in fallback
