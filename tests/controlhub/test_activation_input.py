"""Pasted and photographed activation data, checked against GSMA SGP.22."""

import io

import pytest
import segno
from PIL import Image

from handlers.activation import ActivationData
from handlers.activation_input import (
    ParsedActivation,
    decode_activation_image,
    needs_confirmation_code_notice,
    parse_activation_fields,
    parse_activation_input,
)
from handlers.errors import CommandError
from handlers.qr import make_qr_png

SMDP = "smdp.example.com"
CODE = "ABCD-1234"


@pytest.mark.parametrize(
    "text",
    [
        "LPA:1$smdp.example.com$ABCD-1234",
        "lpa:1$smdp.example.com$ABCD-1234",
        "Lpa:1$smdp.example.com$ABCD-1234",
        "1$smdp.example.com$ABCD-1234",
        "  LPA:1$smdp.example.com$ABCD-1234\n",
    ],
)
def test_a_plain_activation_string_is_accepted(text):
    parsed = parse_activation_input(text)

    assert parsed.activation == ActivationData(SMDP, CODE)
    assert parsed.confirmation_required is False
    assert parsed.smdp_oid is None
    assert parsed.activation_string == "LPA:1$smdp.example.com$ABCD-1234"


def test_an_smdp_oid_is_kept():
    text = "LPA:1$SMDP.GSMA.COM$04386-AGYFT-A74Y8-3F815$1.3.6.1.4.1.31746"

    parsed = parse_activation_input(text)

    assert parsed.activation == ActivationData(
        "SMDP.GSMA.COM", "04386-AGYFT-A74Y8-3F815", smdp_oid="1.3.6.1.4.1.31746"
    )
    assert parsed.smdp_oid == "1.3.6.1.4.1.31746"
    assert parsed.confirmation_required is False
    assert parsed.activation_string == text


def test_the_confirmation_flag_may_follow_an_empty_oid():
    parsed = parse_activation_input("1$smdp.example.com$ABCD-1234$$1")

    assert parsed.confirmation_required is True
    assert parsed.smdp_oid is None
    assert parsed.activation_code == "1$smdp.example.com$ABCD-1234$$1"
    assert needs_confirmation_code_notice(parsed) is True


def test_oid_and_flag_together():
    parsed = parse_activation_input("1$smdp.example.com$ABCD-1234$1.3.6.1$1")

    assert parsed.smdp_oid == "1.3.6.1"
    assert parsed.confirmation_required is True
    assert parsed.activation_string == "LPA:1$smdp.example.com$ABCD-1234$1.3.6.1$1"


def test_no_confirmation_code_ever_reaches_the_qr_string():
    parsed = parse_activation_input("1$smdp.example.com$ABCD-1234$$1")

    # The flag tells the phone to ask; the code itself is in no string.
    assert parsed.activation.activation_string == "LPA:1$smdp.example.com$ABCD-1234$$1"
    assert parsed.activation_string == "LPA:1$smdp.example.com$ABCD-1234$$1"
    assert needs_confirmation_code_notice(parse_activation_input(CODE_STRING)) is False


CODE_STRING = "LPA:1$smdp.example.com$ABCD-1234"


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("", "activation.empty_input", {}),
        ("   ", "activation.empty_input", {}),
        ("LPA:", "activation.empty_input", {}),
        ("hello world", "activation.not_activation_string", {}),
        ("https://example.com/esim", "activation.not_activation_string", {}),
        ("ABCD-1234", "activation.not_activation_string", {}),
        ("abc$def$GHI", "activation.not_activation_string", {}),
        ("2$smdp.example.com$ABCD-1234", "activation.wrong_format", {"format": "2"}),
        (
            "LPA:0$smdp.example.com$ABCD-1234",
            "activation.wrong_format",
            {"format": "0"},
        ),
        ("LPA:1$$ABCD-1234", "activation.smdp_address_empty", {}),
        ("1$smdp.example.com$", "activation.matching_id_empty", {}),
        ("1$smdp.example.com", "activation.matching_id_empty", {}),
        (
            "1$https://smdp.example.com$ABCD-1234",
            "activation.smdp_address_scheme",
            {"host": "https://smdp.example.com"},
        ),
        (
            "1$http:smdp.example.com$ABCD-1234",
            "activation.smdp_address_scheme",
            {"host": "http:smdp.example.com"},
        ),
        (
            "1$smdp.example.com/es2plus$ABCD-1234",
            "activation.smdp_address_path",
            {"host": "smdp.example.com/es2plus"},
        ),
        ("1$smdp example.com$ABCD-1234", "activation.smdp_address_spaces", {}),
        ("1$smdp.example.com$abcd-1234", "activation.matching_id_lowercase", {}),
        ("1$smdp.example.com$ABC-12x", "activation.matching_id_lowercase", {}),
        (
            "1$smdp.example.com$ABC 123",
            "activation.matching_id_invalid",
            {"characters": "space"},
        ),
        (
            "1$smdp.example.com$ABC_1.23",
            "activation.matching_id_invalid",
            {"characters": ". _"},
        ),
        (
            "1$smdp.example.com$ABCD-1234$1.3.x",
            "activation.oid_invalid",
            {"oid": "1.3.x"},
        ),
        (
            "1$smdp.example.com$ABCD-1234$$2",
            "activation.confirmation_flag_invalid",
            {"flag": "2"},
        ),
        (
            "1$smdp.example.com$ABCD-1234$1.3$1$extra",
            "activation.too_many_fields",
            {"count": 6},
        ),
        ("1$" + "A" * 1000, "activation.too_long", {"limit": 1000}),
    ],
)
def test_each_malformed_string_names_what_is_wrong(text, key, params):
    with pytest.raises(CommandError) as caught:
        parse_activation_input(text)

    assert caught.value.key == key
    assert caught.value.params == params


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "smdp_example.com",
        "-smdp.example.com",
        "smdp-.example.com",
        "smdp..example.com",
        "smdp.example.com.",
        "smdp.example.com:443",
        "10.0.0.1",
        "a" * 64 + ".example.com",
        ("a" * 60 + ".") * 5 + "com",
    ],
)
def test_an_smdp_address_must_be_a_host_name(host):
    with pytest.raises(CommandError) as caught:
        parse_activation_input(f"1${host}$ABCD-1234")

    assert caught.value.key == "activation.smdp_address_invalid"


@pytest.mark.parametrize(
    "host", ["a.b", "SMDP.EXAMPLE.COM", "sm-v4-123.prod.example.co.uk", "x1.e164.io"]
)
def test_host_names_in_any_case_are_accepted_as_given(host):
    assert parse_activation_input(f"1${host}$ABCD-1234").activation.smdp_address == host


def test_errors_never_carry_the_matching_id():
    secret = "k7q2m-9xd4a"
    for text in (f"1$smdp.example.com${secret}", f"1$smdp.example.com${secret} x"):
        with pytest.raises(CommandError) as caught:
            parse_activation_input(text)
        assert secret.upper() not in str(caught.value.params).upper()


def test_the_parsed_repr_masks_the_matching_id():
    parsed = parse_activation_input("1$smdp.example.com$K7Q2M-9XD4A-PL0ZC-4TR8N")

    assert "K7Q2M" not in repr(parsed)
    assert "••••TR8N" in repr(parsed)


# The two fields iPhone's manual entry asks for


def test_the_two_card_fields_are_accepted():
    parsed = parse_activation_fields(" smdp.example.com ", " ABCD-1234\n")

    assert parsed == ParsedActivation(ActivationData(SMDP, CODE))
    assert parsed.activation_string == CODE_STRING


@pytest.mark.parametrize(
    ("smdp", "code", "key"),
    [
        ("", CODE, "activation.smdp_address_empty"),
        ("  ", CODE, "activation.smdp_address_empty"),
        (SMDP, "", "activation.matching_id_empty"),
        ("https://smdp.example.com", CODE, "activation.smdp_address_scheme"),
        ("smdp.example.com/x", CODE, "activation.smdp_address_path"),
        ("smdp.example.com$", CODE, "activation.smdp_address_dollar"),
        (SMDP, "LPA:1$smdp.example.com$ABCD-1234", "activation.matching_id_dollar"),
        (SMDP, "ABC$123", "activation.matching_id_dollar"),
        (SMDP, "abcd-1234", "activation.matching_id_lowercase"),
        (SMDP, "ABC 123", "activation.matching_id_invalid"),
        ("smdp", CODE, "activation.smdp_address_invalid"),
    ],
)
def test_each_malformed_card_field_names_what_is_wrong(smdp, code, key):
    with pytest.raises(CommandError) as caught:
        parse_activation_fields(smdp, code)

    assert caught.value.key == key


# Images


def _png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=10)
    return buffer.getvalue()


def _convert(png: bytes, kind: str) -> bytes:
    buffer = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").save(buffer, format=kind)
    return buffer.getvalue()


def test_a_qr_of_an_activation_string_is_read():
    parsed = decode_activation_image(_png(CODE_STRING))

    assert parsed.activation == ActivationData(SMDP, CODE)


def test_the_bots_own_qr_png_and_a_jpeg_photo_are_read():
    png = make_qr_png("LPA:1$smdp.example.com$ABCD-1234$$1")

    for image in (png, _convert(png, "JPEG")):
        parsed = decode_activation_image(image)
        assert parsed.activation == ActivationData(
            SMDP, CODE, confirmation_required=True
        )
        assert needs_confirmation_code_notice(parsed) is True


def test_a_qr_of_a_url_is_refused():
    with pytest.raises(CommandError) as caught:
        decode_activation_image(_png("https://example.com/esim?code=ABC"))

    assert caught.value.key == "activation.image_not_activation"


@pytest.mark.parametrize(
    "data", [b"", bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64]
)
def test_bytes_that_are_no_image_are_refused(data):
    with pytest.raises(CommandError) as caught:
        decode_activation_image(data)

    assert caught.value.key == "activation.image_unreadable"


def test_an_image_without_a_qr_code_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buffer, format="PNG")

    with pytest.raises(CommandError) as caught:
        decode_activation_image(buffer.getvalue())

    assert caught.value.key == "activation.image_no_qr"


def _side_by_side(*pngs: bytes) -> bytes:
    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    width = sum(image.width for image in images)
    sheet = Image.new("RGB", (width, max(i.height for i in images)), "white")
    left = 0
    for image in images:
        sheet.paste(image, (left, 0))
        left += image.width
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_url_beside_an_activation_qr_is_ignored():
    image = _side_by_side(_png("https://example.com/"), _png(CODE_STRING))

    assert decode_activation_image(image).activation == ActivationData(SMDP, CODE)


def test_two_different_activation_codes_in_one_image_are_refused():
    image = _side_by_side(_png(CODE_STRING), _png("LPA:1$smdp.example.com$WXYZ-6789"))

    with pytest.raises(CommandError) as caught:
        decode_activation_image(image)

    assert caught.value.key == "activation.image_several_codes"
