// Laying out and drawing a line of text: one glyph per Unicode scalar, left to right, no kerning
// or shaping (enough for labels, numbers, titles and emoji; complex scripts are drawn unshaped).
// Gray glyphs are composited with their coverage as opacity in linear light; colour emoji with
// their own alpha.
import Foundation

struct TextStyle {
    var size: Int
    var weight: FontWeight = .regular
    var color: RGBColor
}

enum TextRenderer {
    /// coverage byte → opacity, coverage^(1/1.45).
    static let coverageAlpha: [Float] = (0..<256).map { powf(Float($0) / 255, 1 / 1.45) }

    /// Width in pixels of `text` at `style`.
    static func width(_ text: String, size: Int, weight: FontWeight = .regular) -> Float {
        FontLibrary.shared.withLock { fonts in
            return text.unicodeScalars.reduce(0) { $0 + fonts.glyph($1, size: size, weight: weight).advance }
        }
    }

    /// Truncates `text` with "…" so that it fits in `maxWidth` pixels.
    static func truncated(_ text: String, size: Int, weight: FontWeight = .regular, maxWidth: Float) -> String {
        if width(text, size: size, weight: weight) <= maxWidth { return text }
        var characters = Array(text)
        while !characters.isEmpty {
            characters.removeLast()
            let candidate = String(characters) + "…"
            if width(candidate, size: size, weight: weight) <= maxWidth { return candidate }
        }
        return "…"
    }

    /// Truncates `text` in the middle ("sentiment_cat…prefix_anger") so that it fits in `maxWidth`
    /// pixels: for names that differ only in their ends.
    static func truncatedInMiddle(_ text: String, size: Int, weight: FontWeight = .regular, maxWidth: Float) -> String {
        if width(text, size: size, weight: weight) <= maxWidth { return text }
        let characters = Array(text)
        for kept in stride(from: characters.count - 1, through: 1, by: -1) {
            let tail = kept / 2, head = kept - tail
            let candidate = String(characters[..<head]) + "…" + String(characters[(characters.count - tail)...])
            if width(candidate, size: size, weight: weight) <= maxWidth { return candidate }
        }
        return "…"
    }

    /// Draws `text` with its baseline at `y`, starting at `x`; returns the pen position after it.
    @discardableResult
    static func draw(_ text: String, x: Float, baseline y: Float, style: TextStyle, on canvas: inout Canvas) -> Float {
        let color = style.color.linear
        return FontLibrary.shared.withLock { fonts in
            var pen = x
            for scalar in text.unicodeScalars {
                let g = fonts.glyph(scalar, size: style.size, weight: style.weight)
                let ox = Int(pen.rounded()) + g.left, oy = Int(y.rounded()) - g.top
                for gy in 0..<g.height {
                    let cy = oy + gy
                    guard cy >= 0, cy < canvas.height else { continue }
                    for gx in 0..<g.width {
                        let cx = ox + gx
                        guard cx >= 0, cx < canvas.width else { continue }
                        if let rgba = g.rgba {
                            let k = (gy * g.width + gx) * 4
                            let a = Float(rgba[k + 3]) / 255
                            guard a > 0 else { continue }
                            let c = RGBColor(red: UInt8(min(255, Float(rgba[k]) / a)), green: UInt8(min(255, Float(rgba[k + 1]) / a)),
                                             blue: UInt8(min(255, Float(rgba[k + 2]) / a)))
                            canvas.blend(x: cx, y: cy, color: c.linear, alpha: a)
                        } else {
                            let a = g.coverage[gy * g.width + gx]
                            // Coverage^(1/1.45) compensates for linear-light blending thinning dark-on-light
                            // text (the usual text "gamma" adjustment).
                            if a > 0 { canvas.blend(x: cx, y: cy, color: color, alpha: coverageAlpha[Int(a)]) }
                        }
                    }
                }
                pen += g.advance
            }
            return pen
        }
    }

    /// How far the halo of `drawCentered` reaches beyond the glyphs, pixels.
    static func haloRadius(size: Int) -> Float { max(1, Float(size) / 12) }

    /// Draws `text` centred on (cx, cy) with a halo of `haloColor` (for labels over points).
    static func drawCentered(_ text: String, cx: Float, cy: Float, style: TextStyle, halo haloColor: RGBColor,
                             on canvas: inout Canvas) {
        let w = width(text, size: style.size, weight: style.weight)
        let m = FontLibrary.shared.withLock { $0.metrics(size: style.size) }
        let x = cx - w / 2, baseline = cy + (m.ascender - m.descender) / 2 - 1
        var halo = style
        halo.color = haloColor
        let r = haloRadius(size: style.size)
        for (dx, dy) in [(-r, 0), (r, 0), (0, -r), (0, r), (-r, -r), (r, r), (-r, r), (r, -r)] as [(Float, Float)] {
            draw(text, x: x + dx, baseline: baseline + dy, style: halo, on: &canvas)
        }
        draw(text, x: x, baseline: baseline, style: style, on: &canvas)
    }
}
