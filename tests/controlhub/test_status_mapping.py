"""The documented table from Webex's two device states to the bot's line status."""

import pytest

from bot.controlhub import ControlHubLineInfo, line_status
from handlers.ports import LineInfo
from storage.models import LineStatus

PENDING, ONLINE, OFFLINE = (
    LineStatus.PENDING_ACTIVATION,
    LineStatus.ONLINE,
    LineStatus.OFFLINE,
)


@pytest.mark.parametrize(
    ("connection_status", "activation_state", "expected"),
    [
        # activationState ACTIVATED, or no telephony device: connectionStatus decides
        ("activating", None, PENDING),
        ("connected", "ACTIVATED", ONLINE),
        ("connected", None, ONLINE),
        ("connected_with_issues", "ACTIVATED", ONLINE),
        ("disconnected", "ACTIVATED", OFFLINE),
        ("offline_expired", "ACTIVATED", OFFLINE),
        ("offline_deep_sleep", None, OFFLINE),
        # activationState ACTIVATING: pending unless the device says connected
        ("activating", "ACTIVATING", PENDING),
        (None, "ACTIVATING", PENDING),
        ("disconnected", "ACTIVATING", PENDING),
        ("offline_expired", "ACTIVATING", PENDING),
        ("offline_deep_sleep", "ACTIVATING", PENDING),
        # the specs disagree on case: both are read
        ("CONNECTED", "activated", ONLINE),
        ("Activating", "activating", PENDING),
        (" disconnected ", "Activated", OFFLINE),
    ],
)
def test_mapped_values(connection_status, activation_state, expected):
    assert line_status(connection_status, activation_state) == (expected, None)


@pytest.mark.parametrize(
    ("connection_status", "activation_state", "raw"),
    [
        ("unknown", "ACTIVATED", "activationState=ACTIVATED, connectionStatus=unknown"),
        ("unknown", None, "connectionStatus=unknown"),
        ("pending", None, "connectionStatus=pending"),
        ("offline_temporarily", None, "connectionStatus=offline_temporarily"),
        (None, "ACTIVATED", "activationState=ACTIVATED"),
        (None, None, "no status reported"),
        ("", "", "no status reported"),
        (
            "connected",
            "DEACTIVATED",
            "activationState=DEACTIVATED, connectionStatus=connected",
        ),
        (None, "deactivated", "activationState=deactivated"),
        (
            "connected",
            "SUSPENDED",
            "activationState=SUSPENDED, connectionStatus=connected",
        ),
        # the two APIs contradict each other
        (
            "activating",
            "ACTIVATED",
            "activationState=ACTIVATED, connectionStatus=activating",
        ),
        (
            "connected",
            "ACTIVATING",
            "activationState=ACTIVATING, connectionStatus=connected",
        ),
        (
            "connected_with_issues",
            "ACTIVATING",
            "activationState=ACTIVATING, connectionStatus=connected_with_issues",
        ),
    ],
)
def test_values_without_a_mapping_are_unknown_with_the_raw_values(
    connection_status, activation_state, raw
):
    assert line_status(connection_status, activation_state) == (LineStatus.UNKNOWN, raw)


def test_a_controlhub_line_is_a_line_info_that_can_be_unknown():
    line = ControlHubLineInfo(
        email="alice@example.com",
        status=LineStatus.UNKNOWN,
        raw_status="connectionStatus=unknown",
        connection_status="unknown",
    )

    assert isinstance(line, LineInfo)
    assert line.status is LineStatus.UNKNOWN and line.code is None
    assert line.raw_status == "connectionStatus=unknown"
