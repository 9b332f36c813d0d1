import Foundation

/// A fast 64-bit non-cryptographic content fingerprint (FNV-1a over 8-byte words, finished with
/// the SplitMix64 mixer), for cache keys and run manifests: it tells whether two inputs are the
/// same, it is not a defence against a forger. Printed as 16 hex digits.
public struct Fingerprint: Sendable {
    private var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    public init() {}

    public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var h = hash
        let words = bytes.count / 8
        for i in 0..<words {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x0000_0100_0000_01B3
        }
        for i in (words * 8)..<bytes.count { h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3 }
        h = (h ^ UInt64(bytes.count)) &* 0x0000_0100_0000_01B3
        hash = h
    }
    public mutating func combine(_ data: Data) { data.withUnsafeBytes { combine($0) } }
    public mutating func combine(_ string: String) { var s = string; s.withUTF8 { combine(UnsafeRawBufferPointer($0)) } }
    public mutating func combine<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { combine($0) } }

    public var value: UInt64 {
        var z = hash &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public var hexString: String { String(format: "%016llx", value) }

    /// The fingerprint of a file's bytes, read through a memory map.
    public static func ofFile(_ url: URL) throws -> String {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        var f = Fingerprint(); f.combine(data); return f.hexString
    }
}
