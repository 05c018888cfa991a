import hashlib
import hmac

import pytest

from bot.signature import sign, verify_signature

BODY = b'{"resource":"messages","event":"created","data":{"id":"x"}}'


def test_sign_is_hmac_sha1_hex_of_the_raw_body():
    expected = hmac.new(b"s3cret", BODY, hashlib.sha1).hexdigest()
    assert sign(BODY, "s3cret") == expected


def test_verify_accepts_the_right_signature_in_any_case():
    assert verify_signature(BODY, sign(BODY, "s3cret"), "s3cret")
    assert verify_signature(BODY, sign(BODY, "s3cret").upper(), "s3cret")


@pytest.mark.parametrize("signature", [None, "", "00" * 20, sign(BODY, "other")])
def test_verify_refuses_missing_or_wrong_signatures(signature):
    assert not verify_signature(BODY, signature, "s3cret")


def test_verify_refuses_a_changed_body():
    assert not verify_signature(BODY + b" ", sign(BODY, "s3cret"), "s3cret")


def test_verify_needs_a_secret():
    with pytest.raises(ValueError):
        verify_signature(BODY, sign(BODY, ""), "")
