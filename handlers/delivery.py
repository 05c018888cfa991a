"""Sending activation data 1:1: to the owner, and to the admin when e-mail is off."""

from __future__ import annotations

from handlers.context import Services
from handlers.ports import FileUpload, IssuedCode
from handlers.qr import make_qr_png

QR_FILENAME = "webex-go-activation.png"


def build_activation_markdown(services: Services, issued: IssuedCode) -> str:
    activation = issued.activation
    notice = ""
    if activation.confirmation_required:
        notice = "\n\n" + services.texts.render("activation.confirmation_code_notice")
    return (
        services.texts.render(
            "dm.code",
            expires=issued.expires_at,
            smdp_address=activation.smdp_address,
            matching_id=activation.matching_id,
            activation_string=activation.activation_string,
            ios_link=activation.ios_install_link,
            android_link=activation.android_install_link,
        )
        + notice
    )


def send_activation(
    services: Services,
    issued: IssuedCode,
    to: str | None = None,
    heading: str | None = None,
) -> str:
    """DM the QR code, the manual-entry steps and the expiry date.

    ``to`` is the owner by default; anyone else (an admin, when the organisation
    suppresses e-mail) gets the same data under a heading naming the owner.
    ``heading`` goes above the steps (a reminder says why it came).
    """
    markdown = build_activation_markdown(services, issued)
    if to is not None and to != issued.email:
        heading = services.texts.render("dm.for_admin", email=issued.email)
    if heading:
        markdown = heading + "\n\n" + markdown
    png = make_qr_png(issued.activation.activation_string)
    return services.chat.send(
        to_person_email=to or issued.email,
        markdown=markdown,
        file=FileUpload(filename=QR_FILENAME, content_type="image/png", content=png),
    )
