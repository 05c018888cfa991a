"""Webex Go activation data in the GSMA SGP.22 form an eSIM phone reads.

An activation code is ``1$<SM-DP+ address>$<matching ID>``; in a QR code it is
prefixed with ``LPA:`` (SGP.22 section 4.1; see shared/reference, section 8).
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from urllib.parse import quote

# A-Z and 0-9 as SGP.22 allows, less 0/O and 1/I, which people mistype on manual entry:
# 32 symbols, so 20 of them carry 100 random bits.
MATCHING_ID_ALPHABET = "".join(
    c for c in string.ascii_uppercase + string.digits if c not in "0O1I"
)
MATCHING_ID_GROUPS = 4
MATCHING_ID_GROUP_LENGTH = 5

IOS_INSTALL_URL = "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata="
ANDROID_INSTALL_URL = "https://esimsetup.android.com/esim_qrcode_provisioning?carddata="


@dataclass(frozen=True)
class ActivationData:
    """The SM-DP+ address and matching ID of one activation code (a secret)."""

    smdp_address: str
    matching_id: str
    smdp_oid: str = ""
    confirmation_required: bool = False  # the phone asks for a confirmation code

    def __repr__(self) -> str:
        return f"ActivationData({self.smdp_address!r}, {self.masked!r})"

    @property
    def activation_code(self) -> str:
        """The SGP.22 activation code, as Android's manual entry takes it.

        It never carries a confirmation code: the flag only makes the phone ask.
        """
        code = f"1${self.smdp_address}${self.matching_id}"
        if self.confirmation_required:
            return f"{code}${self.smdp_oid}$1"
        return f"{code}${self.smdp_oid}" if self.smdp_oid else code

    @property
    def activation_string(self) -> str:
        """What the QR code encodes: ``LPA:1$<SM-DP+>$<matching ID>``."""
        return f"LPA:{self.activation_code}"

    @property
    def masked(self) -> str:
        """The matching ID with all but its last four characters hidden."""
        return mask(self.matching_id)

    @property
    def ios_install_link(self) -> str:
        """Opens the eSIM installer on iOS 17.4 and later."""
        return IOS_INSTALL_URL + quote(self.activation_string, safe="")

    @property
    def android_install_link(self) -> str:
        """Opens the eSIM installer on Android phones that support it."""
        return ANDROID_INSTALL_URL + quote(self.activation_string, safe="")


def mask(secret: str) -> str:
    """Keep only the last four characters of a secret, e.g. ``••••5678``."""
    return "••••" + secret[-4:]


def new_matching_id() -> str:
    """A cryptographically random matching ID such as ``K7Q2M-9XD4A-PL0ZC-4TR8N``."""
    groups = (
        "".join(
            secrets.choice(MATCHING_ID_ALPHABET)
            for _ in range(MATCHING_ID_GROUP_LENGTH)
        )
        for _ in range(MATCHING_ID_GROUPS)
    )
    return "-".join(groups)


MATCHING_ID = re.compile(r"^[A-Z0-9-]{1,64}$")


def activation_fields(activation_string: str) -> list[str] | None:
    """The ``$``-separated fields of ``LPA:1$host$id[...]`` or ``1$host$id[...]``.

    None unless it has format 1, an SM-DP+ address and a well-formed matching ID.
    """
    text = activation_string.strip()
    if text[:4].upper() == "LPA:":
        text = text[4:]
    fields = text.split("$")
    if len(fields) < 3 or fields[0] != "1" or not fields[1]:
        return None
    return fields if MATCHING_ID.match(fields[2]) else None


def matching_id_of(activation_string: str) -> str | None:
    """The matching ID of an activation string, or None if it is malformed."""
    fields = activation_fields(activation_string)
    return None if fields is None else fields[2]
