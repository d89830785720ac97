"""The member card as a PNG image (Pillow): the file a shop prints or sends over
WhatsApp, which shows images inline (not SVG)."""

import functools
import io

import segno
from PIL import Image, ImageDraw, ImageFont

# A bank-card shape (85.6 × 54 mm) at 300 dpi, so it prints sharp at real size.
WIDTH, HEIGHT = 1011, 638
BRAND = (15, 118, 110)  # --brand in setia.css
WHITE = (255, 255, 255)
MARGIN = 56
QR_BOX = 330


# DejaVu (Debian's fonts-dejavu-core, present wherever chromium is) covers
# every Latin letter and the typographic dashes; Pillow's bundled font is the
# fallback so a server without system fonts still draws a card.
SYSTEM_FONTS = {
    False: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    True: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
# Characters Pillow's bundled font lacks, written the way a keyboard would.
PLAIN = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})


@functools.lru_cache(maxsize=64)
def _font(size: int, bold: bool = False):
    try:
        return ImageFont.truetype(SYSTEM_FONTS[bold], size)
    except OSError:
        return ImageFont.load_default(size=size)


def _plain(text: str, font) -> str:
    text = " ".join((text or "").split())
    if isinstance(font, ImageFont.FreeTypeFont) and "DejaVu" in (font.path or ""):
        return text
    return text.translate(PLAIN)


def _fit_lines(draw, text: str, size: int, width: int, bold: bool, max_lines: int):
    """Lines of `text` that fit `width`: the font shrinks to 3/4 of `size` at
    most, then words wrap onto up to `max_lines` lines, the last one cut with …."""
    text = _plain(text, _font(size, bold))
    smallest = size * 3 // 4
    while (
        size - 2 >= smallest and draw.textlength(text, font=_font(size, bold)) > width
    ):
        size -= 2
    font = _font(size, bold)
    lines: list[str] = []
    words = text.split(" ")
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words or (lines and draw.textlength(lines[-1], font=font) > width):
        last = " ".join([lines[-1], *words]) if lines else ""
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines[-1:] = [last.rstrip() + "…"]
    return lines, font


def render_card_png(
    *, shop_name: str, member_name: str, tier_name: str, code: str, display_code: str
) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN - QR_BOX - 32
    # (text, size, bold, top, most lines)
    blocks = [
        (shop_name, 46, True, MARGIN, 2),
        (member_name, 44, False, 210, 2),
        (tier_name, 38, True, 340, 1),
        (display_code, 40, True, HEIGHT - MARGIN - 48, 1),
    ]
    for text, size, bold, top, max_lines in blocks:
        lines, font = _fit_lines(draw, text, size, text_width, bold, max_lines)
        for i, line in enumerate(lines):
            draw.text(
                (MARGIN, top + i * int(font.size * 1.2)), line, font=font, fill=WHITE
            )
    left, top = WIDTH - MARGIN - QR_BOX, (HEIGHT - QR_BOX) // 2
    draw.rounded_rectangle(
        (left, top, left + QR_BOX, top + QR_BOX), radius=24, fill=WHITE
    )
    qr = segno.make_qr(code, error="m")
    buffer = io.BytesIO()
    scale = max(1, (QR_BOX - 24) // qr.symbol_size(scale=1, border=2)[0])
    qr.save(buffer, kind="png", scale=scale, border=2)
    qr_image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    image.paste(
        qr_image,
        (left + (QR_BOX - qr_image.width) // 2, top + (QR_BOX - qr_image.height) // 2),
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
