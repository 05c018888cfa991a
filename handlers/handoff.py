"""Work the bot hands to the admin because Webex has no public API for it.

With ``DEVICE_SERVICE=controlhub`` a new activation code, Lost/Stolen and adding a
Webex Go device are done in Control Hub (shared/reference/webex-platform.md,
sections 7.3 and 7.4). The device service raises ``ControlHubHandOff``; its key
(``controlhub.<action>``) names a text that walks the admin through the Control
Hub path and asks them to paste what Control Hub shows (see
``handlers.activation_input``), so the bot can deliver it.
"""

from __future__ import annotations

from handlers.errors import CommandError

GENERATE_CODE = "generate_code"
LOST_STOLEN = "lost_stolen"
ADD_DEVICE = "add_device"
ACTIONS = (GENERATE_CODE, LOST_STOLEN, ADD_DEVICE)


class ControlHubHandOff(CommandError):
    """Do this in Control Hub, then give the bot the new activation data.

    Args:
        action: one of ``ACTIONS``; a handler may offer the matching card.
        email: whose line it is.
    """

    def __init__(self, action: str, *, email: str) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown Control Hub action {action!r}")
        super().__init__(f"controlhub.{action}", email=email)
        self.action = action
        self.email = email
