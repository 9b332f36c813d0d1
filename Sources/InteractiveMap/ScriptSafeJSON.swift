// JSON text that stays inert inside an HTML <script> block.
//
// The HTML tokenizer ends a script element's raw text at the first `</script` and treats `<!--` specially
// (WHATWG HTML §13.2.5.4 "script data state"), whatever the block's `type` is. JSON strings are therefore
// written with `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, so no tag or comment opener can appear in
// the file. U+2028 and U+2029 are escaped too: they are legal in JSON strings but were line terminators in
// JavaScript before ES2019, so some tools mangle them. Control characters (U+0000–U+001F, U+007F) are escaped
// as RFC 8259 requires (U+007F for legibility). Everything else is written as UTF-8.
//
// Swift `String`s hold Unicode scalar values only, so no lone surrogate can reach the output; text decoded
// from invalid UTF-8 already carries U+FFFD in their place.

/// Appends JSON text to a byte buffer, escaping so that the output can be embedded verbatim between
/// `<script type="application/json">` and `</script>`.
struct ScriptSafeJSONWriter {
    private(set) var bytes: [UInt8] = []
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Bytes known to be safe where they go (the fixed page parts, base64).
    mutating func appendVerbatim(_ fixed: [UInt8]) { bytes.append(contentsOf: fixed) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A plain ASCII fragment known to need no escaping (numbers, base64, keys chosen by this module).
    mutating func ascii(_ text: String) {
        assert(text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "&") })
        bytes.append(contentsOf: text.utf8)
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])                    // \"
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])                    // \\
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20, 0x7F, 0x3C, 0x3E, 0x26, 0x2028, 0x2029:
                unicodeEscape(UInt16(scalar.value))
            case 0x20..<0x80:
                bytes.append(UInt8(scalar.value))
            default:
                UTF8.encode(scalar) { bytes.append($0) }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func stringArray(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    private mutating func unicodeEscape(_ unit: UInt16) {
        let hex = ScriptSafeJSONWriter.hexDigits
        bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"),
                                  hex[Int(unit >> 12) & 15], hex[Int(unit >> 8) & 15],
                                  hex[Int(unit >> 4) & 15], hex[Int(unit) & 15]])
    }
}
