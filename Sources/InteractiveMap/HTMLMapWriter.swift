import Foundation
import MicseSupport

/// Writes a `MapDocument` as one self-contained HTML file: no network access, no external scripts,
/// opens from disk in any current browser.
///
/// Layout of the file:
/// ```
/// <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-…'; …">
/// <style>…</style>                                   fixed stylesheet
/// <body data-state="loading">…fixed markup…
/// <script type="application/json" id="map-data">     {"count":N,"xy":{"type":"f32","data":"<base64>"},
///                                                      "ids":…,"colorings":[…],"title":…,…}
/// <script type="application/json" id="map-texts">   ["text 0","text 1",…]
/// <script>…</script>                                 fixed page script (its hash is in the CSP)
/// ```
/// Encodings (all base64 of little-endian typed arrays): coordinates as interleaved Float32 `x0 y0 x1 y1 …`;
/// category codes as `index + 1` (0 = none) in Uint8, Uint16 or Uint32, whichever fits; row ids omitted when
/// they are 0, 1, 2, …, else Int32 (Float64 if an id exceeds the Int32 range). Texts, titles and category
/// names are JSON strings escaped by `ScriptSafeJSONWriter`, so no untrusted text can close the block.
///
/// Security: untrusted text only ever reaches the page as JSON data, and the script renders it with
/// `textContent`. The Content-Security-Policy admits exactly one script (by its SHA-256, so an injected
/// `<script>` or `onerror=` attribute would not run even if markup were somehow created), no network
/// requests and no plugins.
public enum HTMLMapWriter {
    /// The page as a string.
    /// - Throws: `InteractiveMapError` if the document's arrays disagree (see `MapDocument.validate()`).
    public static func render(_ document: MapDocument) throws -> String {
        String(decoding: try renderBytes(document), as: UTF8.self)
    }

    /// Writes the page to `url` atomically (temporary file + rename).
    /// - Throws: `InteractiveMapError` for inconsistent input, `MicseError` if the file cannot be written.
    public static func write(_ document: MapDocument, to url: URL) throws {
        try AtomicFile.checkWritable(url)
        let bytes = try renderBytes(document)
        try AtomicFile.write(Data(bytes), to: url)
    }

    /// The Content-Security-Policy of every page this writer produces.
    public static var contentSecurityPolicy: String {
        let hash = Base64.encode(SHA256.digest(Array(MapPage.script.utf8)))
        return "default-src 'none'; script-src 'sha256-\(hash)'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    }

    /// The page as UTF-8 bytes.
    static func renderBytes(_ document: MapDocument) throws -> [UInt8] {
        try document.validate()
        let textBytes = document.texts.reduce(0) { $0 + $1.utf8.count + 3 }
        var out = ScriptSafeJSONWriter(reservingCapacity: textBytes + document.pointCount * 16 + 64 * 1024)
        let background = try HexColor(document.background, context: "background colour")
        out.raw(background.isDark ? "<!DOCTYPE html>\n<html lang=\"en\" data-theme=\"dark\">\n" : "<!DOCTYPE html>\n<html lang=\"en\">\n")
        out.raw("<head>\n<meta charset=\"utf-8\">\n")
        out.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        out.ascii(contentSecurityPolicy)
        out.raw("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        out.raw("<meta name=\"generator\" content=\"micse-cluster\">\n<title>Map</title>\n<style>\n")
        appendUTF8(MapPage.style, to: &out)
        out.raw("\n</style>\n</head>\n<body data-state=\"loading\">\n")
        appendUTF8(MapPage.bodyMarkup, to: &out)
        out.raw("\n<script type=\"application/json\" id=\"map-data\">")
        writeMetadata(document, background: background, into: &out)
        out.raw("</script>\n<script type=\"application/json\" id=\"map-texts\">")
        out.stringArray(document.texts)
        out.raw("</script>\n<script>")
        appendUTF8(MapPage.script, to: &out)
        out.raw("</script>\n</body>\n</html>\n")
        return out.bytes
    }

    private static func appendUTF8(_ fixed: String, to out: inout ScriptSafeJSONWriter) {
        out.appendVerbatim(Array(fixed.utf8))
    }

    private static func writeMetadata(_ document: MapDocument, background: HexColor, into out: inout ScriptSafeJSONWriter) {
        let n = document.pointCount
        out.raw("{")
        out.key("title"); out.string(document.title); out.raw(",")
        out.key("subtitle"); out.string(document.subtitle); out.raw(",")
        out.key("count"); out.ascii(String(n)); out.raw(",")
        // Validated already, so the fallback is never used.
        out.key("background"); out.string(background.normalized); out.raw(",")
        out.key("defaultColor"); out.string((try? HexColor(document.defaultColor, context: ""))?.normalized ?? "#4c72b0"); out.raw(",")
        var xy = [Float](repeating: 0, count: 2 * n)
        for i in 0..<n { xy[2 * i] = document.x[i]; xy[2 * i + 1] = document.y[i] }
        out.key("xy"); typedArray("f32", LittleEndianBytes.of(xy), into: &out); out.raw(",")
        out.key("view")
        if let v = document.initialView {   // validated finite, so Float's description is a JSON number
            out.ascii("[\(v.minX),\(v.maxX),\(v.minY),\(v.maxY),\(v.outsideCount)]")
        } else {
            out.raw("null")
        }
        out.raw(",")
        out.key("ids")
        if let ids = document.ids, ids != Array(0..<n) {
            if ids.allSatisfy({ Int32(exactly: $0) != nil }) {
                typedArray("i32", LittleEndianBytes.of(ids.map { Int32($0) }), into: &out)
            } else {
                typedArray("f64", LittleEndianBytes.of(ids.map { Double($0) }), into: &out)
            }
        } else {
            out.raw("null")
        }
        out.raw(",")
        out.key("colorings"); out.raw("[")
        var first = true
        for (key, coloring) in [("label", document.labels), ("cluster", document.clusters)] {
            guard let coloring else { continue }
            if !first { out.raw(",") }
            first = false
            out.raw("{"); out.key("key"); out.ascii("\"\(key)\""); out.raw(",")
            out.key("title"); out.string(coloring.title); out.raw(",")
            out.key("names"); out.stringArray(coloring.categoryNames); out.raw(",")
            out.key("colors")
            out.stringArray(coloring.categoryColors.map { (try? HexColor($0, context: ""))?.normalized ?? "#9e9e9e" })
            out.raw(",")
            let codes = coloring.categoryIndex.map { UInt32(bitPattern: $0 &+ 1) }   // −1 (none) → 0
            let categoryCount = coloring.categoryNames.count
            if categoryCount < 255 {
                typedArrayFields("u8", LittleEndianBytes.of(codes.map { UInt8(truncatingIfNeeded: $0) }), into: &out)
            } else if categoryCount < 65_535 {
                typedArrayFields("u16", LittleEndianBytes.of(codes.map { UInt16(truncatingIfNeeded: $0) }), into: &out)
            } else {
                typedArrayFields("u32", LittleEndianBytes.of(codes), into: &out)
            }
            out.raw("}")
        }
        out.raw("]}")
    }

    /// `{"type":"…","data":"<base64>"}`
    private static func typedArray(_ type: String, _ bytes: [UInt8], into out: inout ScriptSafeJSONWriter) {
        out.raw("{"); typedArrayFields(type, bytes, into: &out); out.raw("}")
    }

    /// `"type":"…","data":"<base64>"`
    private static func typedArrayFields(_ type: String, _ bytes: [UInt8], into out: inout ScriptSafeJSONWriter) {
        out.key("type"); out.ascii("\"\(type)\""); out.raw(",")
        out.key("data"); out.raw("\"")
        var encoded: [UInt8] = []
        Base64.encode(bytes, into: &encoded)
        out.appendVerbatim(encoded)
        out.raw("\"")
    }
}
