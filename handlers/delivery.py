"""Sending activation data to the line's owner, 1:1."""

from __future__ import annotations

from handlers.context import Services
from handlers.ports import FileUpload, IssuedCode
from handlers.qr import make_qr_png


def build_activation_markdown(services: Services, issued: IssuedCode) -> str:
    activation = issued.activation
    return services.texts.render(
        "dm.code",
        expires=issued.expires_at,
        smdp_address=activation.smdp_address,
        matching_id=activation.matching_id,
        activation_string=activation.activation_string,
        ios_link=activation.ios_install_link,
        android_link=activation.android_install_link,
    )


def send_activation(services: Services, issued: IssuedCode) -> str:
    """DM the owner the QR code, the manual-entry steps and the expiry date."""
    png = make_qr_png(issued.activation.activation_string)
    return services.chat.send(
        to_person_email=issued.email,
        markdown=build_activation_markdown(services, issued),
        file=FileUpload(
            filename="webex-go-activation.png", content_type="image/png", content=png
        ),
    )
