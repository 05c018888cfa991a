"""A phone simulator: it scans Webex Go QR codes and reports what its owner does.

It talks to the embedded device service's callback endpoints, ``/esim/activate``
and ``/esim/events``, exactly as a provisioning system would, sending the string
it decoded from the QR image rather than anything the bot stored.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import requests
import zxingcpp
from PIL import Image

EVENTS = {"remove": "line_removed", "off": "service_off", "on": "service_on"}


@dataclass(frozen=True)
class PhoneResult:
    status_code: int
    body: dict

    @property
    def ok(self) -> bool:
        return self.status_code == 200


class PhoneSimulator:
    def __init__(
        self, bot_url: str, callback_token: str, timeout: float = 10.0
    ) -> None:
        self._bot_url = bot_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {callback_token}"}
        self._timeout = timeout

    def scan(self, png: bytes) -> PhoneResult:
        """Scan a QR image and try to install the eSIM it describes."""
        with Image.open(io.BytesIO(png)) as image:
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if not found:
            return PhoneResult(
                0, {"error": "no_qr_code", "reason": "no QR code in the image"}
            )
        return self._post("/esim/activate", {"activation_code": found[0].text})

    def report(self, email: str, action: str) -> PhoneResult:
        """``remove`` the line from the phone, switch the service ``off`` or ``on``."""
        return self._post(
            "/esim/events", {"email": email, "event": EVENTS.get(action, action)}
        )

    def _post(self, path: str, payload: dict) -> PhoneResult:
        response = requests.post(
            self._bot_url + path,
            json=payload,
            headers=self._headers,
            timeout=self._timeout,
        )
        try:
            body = response.json()
        except ValueError:
            body = {"error": "not_json", "reason": response.text[:200]}
        return PhoneResult(response.status_code, body)
