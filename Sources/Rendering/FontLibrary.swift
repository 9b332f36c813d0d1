// Fonts through FreeType: discovery, per-glyph fallback and a glyph cache.
//
// Fallback chain for each character: the primary face (DejaVu Sans, found at its Debian path or
// through `fc-match sans`), then installed Noto faces, then Noto Color Emoji (a CBDT bitmap font:
// loaded with FT_LOAD_COLOR from its one fixed strike, 109 px wide, and scaled down), then — only when
// a character is still missing — every other font file under /usr/share/fonts (up to 200 files).
// A character no font has is drawn as a hollow box and reported once per process (all such characters
// of a plot in one notice); if no font at all
// is found, text is drawn with the built-in 5×9 ASCII bitmap font (`BitmapFont`; other characters
// as boxes) and that is reported once.
import CFreeType
import Foundation

/// A rendered glyph: 8-bit coverage (gray) or premultiplied sRGB RGBA (colour emoji).
struct Glyph {
    var width: Int
    var height: Int
    /// Offset of the bitmap's left edge from the pen position, and of its top edge above the baseline.
    var left: Int
    var top: Int
    var advance: Float
    var coverage: [UInt8]
    var rgba: [UInt8]?
    var isMissing: Bool
}

enum FontWeight: Hashable { case regular, bold }

final class FontLibrary: @unchecked Sendable {
    /// The process-wide font set; all use goes through `withLock`.
    static let shared = FontLibrary()

    private let lock = NSLock()
    private var library: FT_Library?
    private var regular: FT_Face?
    private var bold: FT_Face?
    private var fallbacks: [(face: FT_Face, isColor: Bool)] = []
    private var scannedAll = false
    private var cache: [GlyphKey: Glyph] = [:]
    private var reported = Set<String>()
    private var pending: [String] = []
    /// Characters no installed font has, not yet reported (reported together, once each).
    private var pendingMissing: [Unicode.Scalar] = []
    private var reportedMissing = Set<UInt32>()
    private(set) var primaryPath: String?

    private struct GlyphKey: Hashable { var scalar: UInt32; var size: Int; var weight: FontWeight }

    private init() {
        var lib: FT_Library?
        guard FT_Init_FreeType(&lib) == 0, let lib else {
            notice("FreeType could not be initialised; plots are drawn without text")
            return
        }
        library = lib
        // MICSE_NO_FONTS=1 simulates a machine without fonts (to check the bitmap fallback by hand).
        if ProcessInfo.processInfo.environment["MICSE_NO_FONTS"] == "1" {
            scannedAll = true
            notice("MICSE_NO_FONTS=1: fonts ignored; text is drawn with a built-in ASCII bitmap font")
            return
        }
        let regularPath = Self.findFont(known: ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                                "/usr/share/fonts/TTF/DejaVuSans.ttf",
                                                "/usr/share/fonts/dejavu/DejaVuSans.ttf"], pattern: "DejaVu Sans")
            ?? Self.fcMatch("sans")
        if let regularPath, let face = open(regularPath) {
            regular = face
            primaryPath = regularPath
        }
        let boldPath = Self.findFont(known: ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                                             "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"], pattern: "DejaVu Sans:bold")
        if let boldPath { bold = open(boldPath) }
        for path in Self.notoPaths() {
            guard let face = open(path) else { continue }
            let isColor = micse_ft_has_color(face) != 0 && micse_ft_is_scalable(face) == 0
            fallbacks.append((face, isColor))
        }
        if regular == nil {
            if let first = fallbacks.first(where: { !$0.isColor }) { regular = first.face } else {
                scanAllFonts()
                regular = fallbacks.first(where: { !$0.isColor })?.face
            }
            if regular == nil {
                notice("no font found (looked for DejaVu Sans, Noto and any font in /usr/share/fonts); text is drawn with a built-in ASCII bitmap font")
            } else {
                notice("DejaVu Sans not found; using another installed font")
            }
        }
    }

    /// True when a FreeType font is loaded (else text uses `BitmapFont`).
    var hasFont: Bool { regular != nil }

    func withLock<T>(_ body: (FontLibrary) -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        return body(self)
    }

    /// Notices raised since the last call (each message once per process).
    func takeNotices() -> [String] {
        lock.lock(); defer { lock.unlock() }
        var out = pending
        pending = []
        if !pendingMissing.isEmpty {
            out.append(Self.missingCharactersNotice(pendingMissing))
            pendingMissing = []
        }
        return out
    }

    /// One line for all characters no font has: "no installed font has 3 characters of the
    /// plot's text (感 U+611F, 情 U+60C5, マ U+30DE); they are drawn as boxes (…)".
    static func missingCharactersNotice(_ scalars: [Unicode.Scalar]) -> String {
        let shown = scalars.prefix(6).map { String(format: "%@ U+%04X", String(Character($0)), $0.value) }
        let more = scalars.count > 6 ? ", and \(scalars.count - 6) more" : ""
        let cjk = scalars.contains { (0x2E80...0x9FFF).contains($0.value) || (0xAC00...0xD7AF).contains($0.value) || (0xF900...0xFAFF).contains($0.value) }
        let hint = cjk ? "install fonts-noto-cjk for Chinese, Japanese and Korean text" : "install a font that has them (e.g. the fonts-noto family)"
        let count = scalars.count == 1 ? "1 character" : "\(scalars.count) characters"
        return "no installed font has \(count) of the plot's text (\(shown.joined(separator: ", "))\(more)); drawn as boxes; \(hint)"
    }

    private func notice(_ message: String) {
        if reported.insert(message).inserted { pending.append(message) }
    }

    private func open(_ path: String) -> FT_Face? {
        guard let library else { return nil }
        var face: FT_Face?
        guard FT_New_Face(library, path, 0, &face) == 0, let face else { return nil }
        return face
    }

    /// Ascender and descender (positive, pixels) of the primary face at `size`.
    func metrics(size: Int) -> (ascender: Float, descender: Float) {
        guard let face = regular, FT_Set_Pixel_Sizes(face, 0, UInt32(size)) == 0 else {
            let scale = Float(max(1, Int((Float(size) * 0.72 / 7).rounded())))
            return (8 * scale, 2 * scale)   // BitmapFont: cap height 7 cells (+1 of leading), descender 2
        }
        let m = face.pointee.size.pointee.metrics
        return (Float(m.ascender) / 64, Float(-m.descender) / 64)
    }

    /// The glyph for `scalar` at pixel size `size`, from the first face in the chain that has it.
    func glyph(_ scalar: Unicode.Scalar, size: Int, weight: FontWeight) -> Glyph {
        let key = GlyphKey(scalar: scalar.value, size: size, weight: weight)
        if let cached = cache[key] { return cached }
        let glyph = renderGlyph(scalar, size: size, weight: weight)
        cache[key] = glyph
        return glyph
    }

    private func renderGlyph(_ scalar: Unicode.Scalar, size: Int, weight: FontWeight) -> Glyph {
        let empty = Glyph(width: 0, height: 0, left: 0, top: 0, advance: 0, coverage: [], rgba: nil, isMissing: false)
        // Zero-width joiners, variation selectors and controls draw nothing.
        if scalar.value == 0x200D || (0xFE00...0xFE0F).contains(scalar.value) || scalar.properties.generalCategory == .control {
            return empty
        }
        let code = FT_ULong(scalar.value)
        var chain: [(FT_Face, Bool)] = []
        // Characters shown as emoji by default go to the colour emoji font first (DejaVu Sans has
        // monochrome outlines for some of them).
        if scalar.properties.isEmojiPresentation { chain += fallbacks.filter(\.isColor).map { ($0.face, true) } }
        if weight == .bold, let bold { chain.append((bold, false)) }
        if let regular { chain.append((regular, false)) }
        chain += fallbacks.map { ($0.face, $0.isColor) }
        if let glyph = firstGlyph(in: chain, code: code, size: size) { return glyph }
        if !scannedAll {
            let before = fallbacks.count
            scanAllFonts()
            if let glyph = firstGlyph(in: fallbacks[before...].map { ($0.face, $0.isColor) }, code: code, size: size) {
                return glyph
            }
        }
        if regular == nil, let bitmap = BitmapFont.glyph(scalar, size: size) { return bitmap }
        if reportedMissing.insert(scalar.value).inserted { pendingMissing.append(scalar) }
        return replacementBox(size: size)
    }

    private func firstGlyph(in chain: [(FT_Face, Bool)], code: FT_ULong, size: Int) -> Glyph? {
        for (face, isColor) in chain {
            let index = FT_Get_Char_Index(face, code)
            guard index != 0 else { continue }
            if isColor { if let g = colorGlyph(face: face, index: index, size: size) { return g } else { continue } }
            guard FT_Set_Pixel_Sizes(face, 0, UInt32(size)) == 0,
                  FT_Load_Glyph(face, index, micse_ft_load_render()) == 0, let slot = face.pointee.glyph else { continue }
            let bitmap = slot.pointee.bitmap
            let w = Int(bitmap.width), h = Int(bitmap.rows), pitch = Int(bitmap.pitch)
            var coverage = [UInt8](repeating: 0, count: w * h)
            if w > 0, h > 0, let buffer = bitmap.buffer {
                let mono = Int(bitmap.pixel_mode) == micse_ft_pixel_mode_mono()
                for y in 0..<h {
                    let row = buffer + (pitch >= 0 ? y * pitch : (h - 1 - y) * -pitch)
                    for x in 0..<w {
                        coverage[y * w + x] = mono ? ((row[x >> 3] >> (7 - UInt8(x & 7))) & 1) * 255 : row[x]
                    }
                }
            }
            return Glyph(width: w, height: h, left: Int(slot.pointee.bitmap_left), top: Int(slot.pointee.bitmap_top),
                         advance: Float(slot.pointee.advance.x) / 64, coverage: coverage, rgba: nil, isMissing: false)
        }
        return nil
    }

    /// A colour bitmap glyph (CBDT): load at the font's fixed strike, box-filter down to `size`·1.15.
    private func colorGlyph(face: FT_Face, index: FT_UInt, size: Int) -> Glyph? {
        guard face.pointee.num_fixed_sizes > 0, FT_Select_Size(face, 0) == 0,
              FT_Load_Glyph(face, index, micse_ft_load_color()) == 0, let slot = face.pointee.glyph else { return nil }
        let bitmap = slot.pointee.bitmap
        guard Int(bitmap.pixel_mode) == micse_ft_pixel_mode_bgra(), let buffer = bitmap.buffer else { return nil }
        let sw = Int(bitmap.width), sh = Int(bitmap.rows), pitch = Int(bitmap.pitch)
        guard sw > 0, sh > 0 else { return nil }
        let strike = Float(face.pointee.available_sizes[0].height)
        let scale = Float(size) * 1.15 / max(1, strike)
        let dw = max(1, Int((Float(sw) * scale).rounded())), dh = max(1, Int((Float(sh) * scale).rounded()))
        var rgba = [UInt8](repeating: 0, count: dw * dh * 4)
        for dy in 0..<dh {
            let sy0 = dy * sh / dh, sy1 = max(sy0 + 1, (dy + 1) * sh / dh)
            for dx in 0..<dw {
                let sx0 = dx * sw / dw, sx1 = max(sx0 + 1, (dx + 1) * sw / dw)
                var acc = SIMD4<Float>(repeating: 0)
                for sy in sy0..<sy1 {
                    let row = buffer + sy * pitch
                    for sx in sx0..<sx1 {
                        // BGRA premultiplied → RGBA premultiplied
                        acc += SIMD4(Float(row[4 * sx + 2]), Float(row[4 * sx + 1]), Float(row[4 * sx]), Float(row[4 * sx + 3]))
                    }
                }
                acc /= Float((sy1 - sy0) * (sx1 - sx0))
                for k in 0..<4 { rgba[(dy * dw + dx) * 4 + k] = UInt8(min(255, acc[k].rounded())) }
            }
        }
        let metrics = self.metrics(size: size)
        let top = Int((Float(dh) * 0.5 + (metrics.ascender - metrics.descender) * 0.5).rounded())
        return Glyph(width: dw, height: dh, left: max(0, Int(Float(size) * 0.05)), top: top,
                     advance: Float(dw) + Float(size) * 0.1, coverage: [], rgba: rgba, isMissing: false)
    }

    private func replacementBox(size: Int) -> Glyph {
        let w = max(4, Int(Float(size) * 0.55)), h = max(6, Int(Float(size) * 0.72))
        let stroke = max(1, size / 14)
        var coverage = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w where x < stroke || x >= w - stroke || y < stroke || y >= h - stroke {
            coverage[y * w + x] = 255
        } }
        return Glyph(width: w, height: h, left: max(1, size / 12), top: h, advance: Float(w + max(2, size / 6)),
                     coverage: coverage, rgba: nil, isMissing: true)
    }

    private func scanAllFonts() {
        scannedAll = true
        guard let enumerator = FileManager.default.enumerator(atPath: "/usr/share/fonts") else { return }
        var opened = 0
        let known = Set(Self.notoPaths())
        for case let relative as String in enumerator {
            let lower = relative.lowercased()
            guard lower.hasSuffix(".ttf") || lower.hasSuffix(".otf") || lower.hasSuffix(".ttc") else { continue }
            let path = "/usr/share/fonts/" + relative
            guard !known.contains(path), path != primaryPath else { continue }
            guard let face = open(path) else { continue }
            fallbacks.append((face, micse_ft_has_color(face) != 0 && micse_ft_is_scalable(face) == 0))
            opened += 1
            if opened >= 200 { break }
        }
    }

    private static func findFont(known: [String], pattern: String) -> String? {
        for path in known where FileManager.default.fileExists(atPath: path) { return path }
        return nil
    }

    /// `fc-match -f %{file} PATTERN`, if fontconfig's tool is installed.
    private static func fcMatch(_ pattern: String) -> String? {
        let tool = ["/usr/bin/fc-match", "/usr/local/bin/fc-match", "/opt/homebrew/bin/fc-match"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tool else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-f", "%{file}", pattern]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let path = String(data: data, encoding: .utf8), !path.isEmpty,
              FileManager.default.fileExists(atPath: path) else { return nil }
        return path
    }

    /// Noto faces: regular text faces first (sorted, Noto Sans before the rest), colour emoji last.
    private static func notoPaths() -> [String] {
        var text: [String] = []
        var emoji: [String] = []
        for folder in ["/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto"] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() {
                let path = folder + "/" + name
                if name.contains("Emoji") { emoji.append(path); continue }
                if name.contains("Regular") || name.hasSuffix("-VF.ttf") { text.append(path) }
            }
        }
        text.sort { a, b in
            let sa = a.contains("NotoSans-"), sb = b.contains("NotoSans-")
            return sa != sb ? sa : a < b
        }
        return text + emoji
    }
}
