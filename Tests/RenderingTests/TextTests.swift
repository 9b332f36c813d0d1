import Testing
@testable import Rendering

@Suite("Text")
struct TextTests {
    @Test("FreeType renders Latin text with anti-aliasing")
    func latin() throws {
        try #require(FontLibrary.shared.hasFont)
        #expect(TextRenderer.width("label", size: 20) > 30)
        let g = FontLibrary.shared.withLock { $0.glyph("a", size: 24, weight: .regular) }
        #expect(!g.isMissing && g.width > 5 && g.height > 5)
        let partial = g.coverage.filter { $0 > 0 && $0 < 255 }.count
        #expect(partial > 0)   // anti-aliased edges
    }

    @Test("colour emoji come from the emoji font as RGBA, scaled to the text size")
    func emoji() throws {
        try #require(FontLibrary.shared.hasFont)
        let g = FontLibrary.shared.withLock { $0.glyph("😀", size: 24, weight: .regular) }
        #expect(!g.isMissing)
        if let rgba = g.rgba {   // NotoColorEmoji installed
            #expect(g.height <= 32 && g.height >= 20)
            #expect(rgba.count == g.width * g.height * 4)
        }
    }

    @Test("a character no font has is a visible box, reported once")
    func missingGlyph() throws {
        try #require(FontLibrary.shared.hasFont)
        _ = FontLibrary.shared.takeNotices()
        let scalar = Unicode.Scalar(0x10FFFD)!   // private use, in no font
        let g = FontLibrary.shared.withLock { $0.glyph(scalar, size: 20, weight: .regular) }
        #expect(g.isMissing && g.coverage.contains(255))
        let notices = FontLibrary.shared.takeNotices()
        #expect(notices.count == 1 && notices[0].contains("U+10FFFD"))
        _ = FontLibrary.shared.withLock { $0.glyph(scalar, size: 30, weight: .regular) }
        #expect(FontLibrary.shared.takeNotices().isEmpty)
    }

    @Test("the built-in bitmap font covers printable ASCII and scales by whole pixels")
    func bitmapFont() throws {
        #expect(BitmapFont.rows.count == 95 * BitmapFont.rowCount)
        let a = try #require(BitmapFont.glyph("A", size: 20))
        #expect(a.width == 10 && a.height == 18 && a.top == 14)   // scale 2
        #expect(a.coverage.filter { $0 == 255 }.count > 40)
        let space = try #require(BitmapFont.glyph(" ", size: 20))
        #expect(space.coverage.allSatisfy { $0 == 0 } && space.advance == 12)
        #expect(BitmapFont.glyph("é", size: 20) == nil)
        // Every letter and digit has ink.
        for scalar in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars {
            #expect(BitmapFont.glyph(scalar, size: 7)?.coverage.contains(255) == true, "\(scalar) is blank")
        }
    }

    @Test("long names are truncated with an ellipsis")
    func truncation() throws {
        try #require(FontLibrary.shared.hasFont)
        let t = TextRenderer.truncated(String(repeating: "word ", count: 50), size: 16, maxWidth: 120)
        #expect(t.hasSuffix("…"))
        #expect(TextRenderer.width(t, size: 16) <= 120)
    }
}
