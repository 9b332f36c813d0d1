"""Hand-run: derive Rendering's built-in ASCII fallback font (BitmapFont.swift, 5 columns × 9 rows:
7 rows from cap height to the baseline, 2 descender rows) from DejaVu Sans Mono: each glyph is
rasterised at 60 px with PIL, cut into 5 × 9 cells spanning the advance width and the cap height,
and a cell is ink when at least 35 % of it is covered. Prints the Swift array literal (one UInt8 per
row, bit 4 = leftmost column).

    /root/.venvs/micse-bench/bin/python Tests/RenderingTests/Fixtures/make_bitmap_font.py
"""
from PIL import Image, ImageDraw, ImageFont

SIZE = 60
font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", SIZE)
ascent, descent = font.getmetrics()
cap = font.getbbox("H", anchor="ls")  # (l, t, r, b) relative to the baseline
cap_height = -cap[1]
advance = font.getlength("M")
row_h = cap_height / 7.0
col_w = advance / 5.0
print("    static let rows: [UInt8] = [")
for code in range(32, 127):
    ch = chr(code)
    w, h = int(advance) + 4, int(ascent + descent) + 8
    img = Image.new("L", (w, h), 0)
    baseline = ascent + 2
    ImageDraw.Draw(img).text((0, baseline), ch, font=font, fill=255, anchor="ls")
    cell = []
    for r in range(9):
        y0 = baseline - cap_height + r * row_h
        bits = 0
        for c in range(5):
            x0 = c * col_w
            total = n = 0
            for yy in range(int(y0), int(y0 + row_h)):
                for xx in range(int(x0), int(x0 + col_w)):
                    if 0 <= yy < h and 0 <= xx < w:
                        total += img.getpixel((xx, yy)); n += 1
            if n and total / (255.0 * n) >= 0.35:
                bits |= 1 << (4 - c)
        cell.append(bits)
    name = {92: "backslash"}.get(code, ch)
    print("        " + ", ".join(f"0x{b:02X}" for b in cell) + f",  // {code} {name}")
print("    ]")
