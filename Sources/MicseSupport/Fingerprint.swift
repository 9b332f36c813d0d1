import Foundation

/// A fast 64-bit non-cryptographic content fingerprint, for cache keys and run manifests: it tells whether two
/// inputs are the same, it is not a defence against a forger. Printed as 16 hex digits.
///
/// Each 8-byte word goes through xxHash64's round (Collet, xxHash specification: acc ← rotl(acc + w·P₂, 31)·P₁),
/// the remaining bytes and the length through its tail steps, and the result through its avalanche. The rotation
/// carries every bit of a word into the low bits before the next multiplication, so every bit reaches every
/// other; FNV-1a over words, used before, let changes in a word's top byte cancel out (an edited corpus once got
/// its old cached vectors). One accumulator, so the value is not xxHash64's own.
public struct Fingerprint: Sendable {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87, p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9, p5: UInt64 = 0x27D4_EB2F_1656_67C5
    private var hash: UInt64 = 0x27D4_EB2F_1656_67C5
    public init() {}

    @inline(__always)
    private static func round(_ acc: UInt64, _ word: UInt64) -> UInt64 {
        let t = acc &+ word &* p2
        return ((t << 31) | (t >> 33)) &* p1
    }

    public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var h = hash
        let words = bytes.count / 8
        for i in 0..<words { h = Self.round(h, bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        for i in (words * 8)..<bytes.count {
            let t = h ^ (UInt64(bytes[i]) &* Self.p5)
            h = ((t << 11) | (t >> 53)) &* Self.p1
        }
        h = Self.round(h, UInt64(bytes.count))   // the length ends each piece: ("ab", "c") ≠ ("a", "bc")
        hash = h
    }
    public mutating func combine(_ data: Data) { data.withUnsafeBytes { combine($0) } }
    public mutating func combine(_ string: String) { var s = string; s.withUTF8 { combine(UnsafeRawBufferPointer($0)) } }
    public mutating func combine<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { combine($0) } }

    /// xxHash64's avalanche of the accumulator.
    public var value: UInt64 {
        var z = hash
        z = (z ^ (z >> 33)) &* Self.p2
        z = (z ^ (z >> 29)) &* Self.p3
        return z ^ (z >> 32)
    }
    public var hexString: String { String(format: "%016llx", value) }

    /// The fingerprint of a file's bytes, read through a memory map.
    public static func ofFile(_ url: URL) throws -> String {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        var f = Fingerprint(); f.combine(data); return f.hexString
    }
}
