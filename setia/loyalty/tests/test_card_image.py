"""The member card image: drawn with system fonts or, without them, Pillow's own."""

import io

from PIL import Image

from setia.loyalty import card_image

CARD = {
    "shop_name": "Butik Wanty — Pasar 8 KN-3",
    "member_name": "Ibu Siti Nurhaliza Kusumawardhani Binti Abdullah Al-Katiri",
    "tier_name": "Platinum",
    "code": "ABCD1234EFGH",
    "display_code": "ABCD-1234-EFGH",
}


def test_long_names_wrap_and_are_cut_inside_the_text_column():
    image = Image.new("RGB", (10, 10))
    draw = card_image.ImageDraw.Draw(image)
    width = 400
    lines, font = card_image._fit_lines(draw, CARD["member_name"], 44, width, False, 2)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(draw.textlength(line, font=font) <= width for line in lines)
    assert font.size >= 33


def test_without_system_fonts_the_bundled_font_draws_the_card(monkeypatch):
    monkeypatch.setattr(
        card_image, "SYSTEM_FONTS", {False: "/nonexistent.ttf", True: "/no.ttf"}
    )
    card_image._font.cache_clear()
    try:
        png = card_image.render_card_png(**CARD)
        assert card_image._plain(CARD["shop_name"], card_image._font(40)) == (
            "Butik Wanty - Pasar 8 KN-3"
        )
    finally:
        card_image._font.cache_clear()
    image = Image.open(io.BytesIO(png))
    assert image.size == (card_image.WIDTH, card_image.HEIGHT)
    # Some white text pixels in the text column (left of the QR box).
    column = image.crop((0, 0, 560, card_image.HEIGHT)).getcolors(1_000_000)
    assert any(colour == (255, 255, 255) for _count, colour in column)
