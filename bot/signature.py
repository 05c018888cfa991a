"""The ``X-Spark-Signature`` check.

Webex signs each webhook body with HMAC-SHA1, keyed with the webhook's secret,
over the raw bytes it sent (shared/reference/webex-platform.md, section 1.4).
"""

from __future__ import annotations

import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha1).hexdigest()


def verify_signature(body: bytes, signature: str | None, secret: str) -> bool:
    """True if ``signature`` is the body's HMAC-SHA1; compared in constant time."""
    if not secret:
        raise ValueError("no webhook secret configured")
    if not signature:
        return False
    given = signature.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(sign(body, secret).encode("ascii"), given)
