import io

import pytest
import zxingcpp
from PIL import Image

from handlers.activation import ActivationData, new_matching_id
from handlers.qr import make_qr_png


def _decode(png: bytes):
    image = Image.open(io.BytesIO(png))
    return image, zxingcpp.read_barcodes(image)


@pytest.mark.parametrize(
    "smdp",
    ["smdp.example.com", "a.b", "SMDP.EXAMPLE.COM", "sm-v4-123.prod.example.co.uk"],
)
def test_qr_decodes_to_exactly_the_activation_string(smdp):
    activation = ActivationData(smdp, new_matching_id())

    image, found = _decode(make_qr_png(activation.activation_string))

    assert len(found) == 1
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert found[0].text == activation.activation_string


def test_qr_is_a_regular_code_at_least_300_px_with_a_quiet_zone():
    image, _ = _decode(make_qr_png("LPA:1$a.b$C"))  # short enough for a Micro QR

    assert image.width >= 300 and image.width == image.height
    grey = image.convert("L")
    border = [grey.getpixel((x, y)) for x in range(image.width) for y in range(40)]
    assert min(border) == 255  # 4 modules of 10 px stay white
    assert zxingcpp.read_barcodes(image)[0].format == zxingcpp.BarcodeFormat.QRCode


def test_install_links_carry_the_whole_string_encoded():
    activation = ActivationData("smdp.example.com", "ABCD-1234")
    assert activation.ios_install_link.endswith(
        "carddata=LPA%3A1%24smdp.example.com%24ABCD-1234"
    )
    assert "carddata=LPA%3A1%24" in activation.android_install_link
    assert "ABCD-1234" not in repr(activation)
