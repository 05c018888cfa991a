"""Every message key this part raises has an English text its parameters fill.

The texts are read from manifest/messages/en.toml once the lead has moved them
there, and from proposed_en.toml beside this file until then.
"""

import tomllib
from pathlib import Path

import pytest

from handlers.texts import Texts

PROPOSED = Path(__file__).with_name("proposed_en.toml")

# key -> the parameters the code passes
KEYS = {
    "activation.empty_input": {},
    "activation.not_activation_string": {},
    "activation.too_long": {"limit": 1000},
    "activation.wrong_format": {"format": "2"},
    "activation.too_many_fields": {"count": 6},
    "activation.smdp_address_empty": {},
    "activation.smdp_address_scheme": {"host": "https://smdp.example.com"},
    "activation.smdp_address_path": {"host": "smdp.example.com/x"},
    "activation.smdp_address_spaces": {},
    "activation.smdp_address_invalid": {"host": "localhost"},
    "activation.smdp_address_dollar": {},
    "activation.matching_id_empty": {},
    "activation.matching_id_lowercase": {},
    "activation.matching_id_invalid": {"characters": ". _"},
    "activation.matching_id_dollar": {},
    "activation.oid_invalid": {"oid": "1.x"},
    "activation.confirmation_flag_invalid": {"flag": "2"},
    "activation.image_unreadable": {},
    "activation.image_no_qr": {},
    "activation.image_not_activation": {},
    "activation.image_several_codes": {"count": 2},
    "activation.confirmation_code_notice": {},
    "controlhub.generate_code": {"email": "alice@example.com"},
    "controlhub.lost_stolen": {"email": "alice@example.com"},
    "controlhub.add_device": {"email": "alice@example.com"},
    "controlhub.token_refused": {"status": 403},
    "controlhub.phone_not_applicable": {"operation": "activate"},
    "controlhub.raw_status": {"raw": "connectionStatus=unknown"},
    "status.unknown.name": {},
}


def _text(key: str) -> str:
    try:
        return str(Texts("en").get(key))
    except KeyError:
        value = tomllib.loads(PROPOSED.read_text(encoding="utf-8"))
        for part in key.split("."):
            value = value[part]
        return str(value)


@pytest.mark.parametrize(("key", "params"), KEYS.items(), ids=list(KEYS))
def test_each_text_renders_with_its_parameters(key, params):
    text = _text(key).format(**params).strip()

    assert text
    for value in params.values():
        assert str(value) in text


def test_the_hand_offs_name_the_control_hub_path():
    assert "Generate new activation code" in _text("controlhub.generate_code")
    assert "Lost/Stolen" in _text("controlhub.lost_stolen")
    assert "Add device" in _text("controlhub.add_device")
