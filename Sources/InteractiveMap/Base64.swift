// Standard base64 (RFC 4648 §4, with `=` padding), the alphabet `atob` decodes. Its 65 characters need no
// escaping in JSON or HTML, so base64 payloads are written into the page verbatim.

enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the base64 encoding of `data` to `output`.
    static func encode(_ data: [UInt8], into output: inout [UInt8]) {
        output.reserveCapacity(output.count + (data.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= data.count {
            let v = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            output.append(alphabet[Int(v >> 18) & 63]); output.append(alphabet[Int(v >> 12) & 63])
            output.append(alphabet[Int(v >> 6) & 63]); output.append(alphabet[Int(v) & 63])
            i += 3
        }
        let rest = data.count - i
        if rest == 1 {
            let v = UInt32(data[i]) << 16
            output.append(contentsOf: [alphabet[Int(v >> 18) & 63], alphabet[Int(v >> 12) & 63], UInt8(ascii: "="), UInt8(ascii: "=")])
        } else if rest == 2 {
            let v = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
            output.append(contentsOf: [alphabet[Int(v >> 18) & 63], alphabet[Int(v >> 12) & 63], alphabet[Int(v >> 6) & 63], UInt8(ascii: "=")])
        }
    }

    static func encode(_ data: [UInt8]) -> String {
        var out: [UInt8] = []
        encode(data, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Little-endian byte images of numeric arrays, as JavaScript typed arrays read them on every
/// little-endian platform (the page falls back to a DataView on big-endian ones).
enum LittleEndianBytes {
    static func of(_ values: [Float]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(values.count * 4)
        for v in values { let b = v.bitPattern.littleEndian; withUnsafeBytes(of: b) { out.append(contentsOf: $0) } }
        return out
    }
    static func of(_ values: [Double]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(values.count * 8)
        for v in values { let b = v.bitPattern.littleEndian; withUnsafeBytes(of: b) { out.append(contentsOf: $0) } }
        return out
    }
    static func of<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(values.count * MemoryLayout<T>.size)
        for v in values { let b = v.littleEndian; withUnsafeBytes(of: b) { out.append(contentsOf: $0) } }
        return out
    }
}
