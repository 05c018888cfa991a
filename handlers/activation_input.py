"""Activation data pasted or photographed by an admin, checked against GSMA SGP.22.

With ``DEVICE_SERVICE=controlhub`` codes are made in Control Hub, and the admin
hands the bot what Control Hub showed: the whole activation string, the two fields
iPhone's manual entry asks for, or a screenshot of the QR code. SGP.22 section 4.1
(shared/reference/webex-platform.md, section 8) defines the string::

    [LPA:]1$<SM-DP+ address>$<matching ID>[$<SM-DP+ OID>[$<confirmation flag 1>]]

The OID may be empty when the flag follows (``1$host$ID$$1``). A confirmation
*code* is never part of the string: the flag only tells the phone to ask for one,
so ``ActivationData.activation_string`` (and a QR made from it) never carries a
confirmation code. When ``needs_confirmation_code_notice`` is true, tell the person
that the phone will ask for a code that reaches them another way.

``ActivationData`` holds only the SM-DP+ address and matching ID, so its strings
drop an OID and the flag; ``ParsedActivation.activation_string`` keeps both, and
is what a QR code must encode when either is present (a phone not told about the
flag never asks for the confirmation code, and the download fails).

Strings with more than five fields (SGP.22 v3 adds optional ones) are refused:
Webex Go codes are not known to use them.

Every malformed input raises ``CommandError`` with an ``activation.*`` key naming
what is wrong. Error parameters never hold the matching ID: it is a secret.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from handlers.activation import ActivationData
from handlers.errors import CommandError
from handlers.qr import read_qr_codes

FORMAT = "1"
CONFIRMATION_FLAG = "1"
MAX_FIELDS = 5
# No SGP.22 limit was found (reference section 8); this only stops pasted novels.
MAX_INPUT_LENGTH = 1000
# Shorter IDs would show whole in their mask; longer ones no SM-DP+ issues.
MIN_MATCHING_ID, MAX_MATCHING_ID = 8, 64
MAX_HOST_LENGTH = 253

_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_MATCHING_ID = re.compile(r"^[A-Z0-9-]+$")
_OID = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class ParsedActivation:
    """A checked activation code; ``activation`` (a secret) keeps its OID and flag."""

    activation: ActivationData

    def __repr__(self) -> str:
        return f"ParsedActivation({self.activation!r})"

    @property
    def confirmation_required(self) -> bool:
        return self.activation.confirmation_required

    @property
    def smdp_oid(self) -> str | None:
        return self.activation.smdp_oid or None

    @property
    def activation_code(self) -> str:
        """The SGP.22 code with its OID and flag kept, never a confirmation code."""
        return self.activation.activation_code

    @property
    def activation_string(self) -> str:
        """What a QR code of this code encodes: ``LPA:`` and ``activation_code``."""
        return self.activation.activation_string


def parse_activation_input(text: str) -> ParsedActivation:
    """Check a pasted activation string (``LPA:`` in any case, or none)."""
    body = _strip_prefix(text.strip())
    if not body:
        raise CommandError("activation.empty_input")
    if len(body) > MAX_INPUT_LENGTH:
        raise CommandError("activation.too_long", limit=MAX_INPUT_LENGTH)
    if "$" not in body:
        raise CommandError("activation.not_activation_string")

    fields = body.split("$")
    _check_format(fields[0])
    if len(fields) > MAX_FIELDS:
        raise CommandError("activation.too_many_fields", count=len(fields))
    smdp_address, matching_id, oid, flag = (fields[1:] + ["", "", ""])[:4]
    _check_host(smdp_address)
    _check_matching_id(matching_id)
    activation = ActivationData(
        smdp_address,
        matching_id,
        smdp_oid=_check_oid(oid) or "",
        confirmation_required=_check_flag(flag),
    )
    return ParsedActivation(activation)


def parse_activation_fields(
    smdp_address: str, activation_code: str
) -> ParsedActivation:
    """Check the two fields iPhone's manual entry takes (SM-DP+ and code)."""
    smdp_address, matching_id = smdp_address.strip(), activation_code.strip()
    if "$" in smdp_address:
        raise CommandError("activation.smdp_address_dollar")
    if "$" in matching_id:
        raise CommandError("activation.matching_id_dollar")
    _check_host(smdp_address)
    _check_matching_id(matching_id)
    return ParsedActivation(ActivationData(smdp_address, matching_id))


def decode_activation_image(image: bytes) -> ParsedActivation:
    """The activation code in a QR code photo or screenshot (PNG, JPEG, ...)."""
    _check_image(image)
    texts = read_qr_codes(image)
    if not texts:
        raise CommandError("activation.image_no_qr")

    found = []
    for text in texts:
        try:
            found.append(parse_activation_input(text))
        except CommandError:
            continue
    if not found:
        raise CommandError("activation.image_not_activation")
    if len({parsed.activation_code for parsed in found}) > 1:
        raise CommandError("activation.image_several_codes", count=len(found))
    return found[0]


def needs_confirmation_code_notice(parsed: ParsedActivation) -> bool:
    """True if the phone will ask for a confirmation code that is not in the QR.

    The bot then tells the person to expect that prompt and where the code comes
    from; it never puts the confirmation code into a QR code or the message.
    """
    return parsed.confirmation_required


def _strip_prefix(text: str) -> str:
    return text[4:] if text[:4].upper() == "LPA:" else text


def _check_format(value: str) -> None:
    if value == FORMAT:
        return
    if _DIGITS.match(value):
        raise CommandError("activation.wrong_format", format=value)
    raise CommandError("activation.not_activation_string")


def _check_host(host: str) -> None:
    if not host:
        raise CommandError("activation.smdp_address_empty")
    if "://" in host or host.lower().startswith(("http:", "https:")):
        raise CommandError("activation.smdp_address_scheme", host=host)
    if any(character.isspace() for character in host):
        raise CommandError("activation.smdp_address_spaces")
    if "/" in host:
        raise CommandError("activation.smdp_address_path", host=host)
    if not _is_host_name(host):
        raise CommandError("activation.smdp_address_invalid", host=host)


def _is_host_name(host: str) -> bool:
    labels = host.split(".")
    return (
        len(host) <= MAX_HOST_LENGTH
        and len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and not _DIGITS.match(labels[-1])
    )


def _check_matching_id(matching_id: str) -> None:
    if not matching_id:
        raise CommandError("activation.matching_id_empty")
    if _MATCHING_ID.match(matching_id):
        if not MIN_MATCHING_ID <= len(matching_id) <= MAX_MATCHING_ID:
            raise CommandError(
                "activation.matching_id_length",
                low=MIN_MATCHING_ID,
                high=MAX_MATCHING_ID,
            )
        return
    if _MATCHING_ID.match(matching_id.upper()):
        raise CommandError("activation.matching_id_lowercase")
    # Only the offending characters: the matching ID itself is a secret.
    wrong = sorted({c for c in matching_id if not _MATCHING_ID.match(c.upper())})
    shown = " ".join("space" if c.isspace() else c for c in wrong)
    raise CommandError("activation.matching_id_invalid", characters=shown)


def _check_oid(oid: str) -> str | None:
    if not oid:
        return None
    if not _OID.match(oid):
        raise CommandError("activation.oid_invalid", oid=oid)
    return oid


def _check_flag(flag: str) -> bool:
    if not flag:
        return False
    if flag != CONFIRMATION_FLAG:
        raise CommandError("activation.confirmation_flag_invalid", flag=flag)
    return True


def _check_image(image: bytes) -> None:
    try:
        with Image.open(io.BytesIO(image)) as picture:
            picture.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ):
        raise CommandError("activation.image_unreadable") from None
