// Colours: 8-bit sRGB values, their linear-light components and OKLab coordinates.
//
// sRGB transfer function (IEC 61966-2-1):  lin = c/12.92 for c ≤ 0.04045, else ((c + 0.055)/1.055)^2.4.
// OKLab (Björn Ottosson 2020, "A perceptual color space for image processing",
// https://bottosson.github.io/posts/oklab/): linear sRGB → LMS (matrix M1) → cube root → Lab (matrix M2).
// A Euclidean distance in OKLab approximates perceived colour difference; we report it ×100 ("ΔE_ok"),
// on the same rough scale as CIE ΔE (a just noticeable difference is about 1–2).
import Foundation

/// An opaque colour in 8-bit sRGB.
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red; self.green = green; self.blue = blue
    }

    /// `0xRRGGBB`.
    public init(_ rgb: UInt32) {
        self.init(red: UInt8((rgb >> 16) & 0xFF), green: UInt8((rgb >> 8) & 0xFF), blue: UInt8(rgb & 0xFF))
    }

    /// Parses `#rrggbb` or `rrggbb` (case-insensitive); nil if malformed.
    public init?(hex: String) {
        var digits = Substring(hex)
        if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
        self.init(value)
    }

    /// `#rrggbb`, lower case (what CSS, SVG and the HTML map take).
    public var hex: String { String(format: "#%02x%02x%02x", red, green, blue) }
    public var description: String { hex }

    /// Linear-light components in [0, 1].
    public var linear: SIMD3<Float> {
        SIMD3(SRGB.toLinear(red), SRGB.toLinear(green), SRGB.toLinear(blue))
    }

    /// From linear-light components (clamped to [0, 1], rounded).
    public init(linear: SIMD3<Float>) {
        self.init(red: SRGB.fromLinear(linear.x), green: SRGB.fromLinear(linear.y), blue: SRGB.fromLinear(linear.z))
    }

    /// OKLab coordinates (L in [0, 1]).
    public var oklab: SIMD3<Float> { OKLab.fromLinear(linear) }

    /// Perceptual distance ΔE_ok = 100·‖OKLab(a) − OKLab(b)‖.
    public func distance(to other: RGBColor) -> Float {
        let d = oklab - other.oklab
        return 100 * (d * d).sum().squareRoot()
    }

    /// Mixes towards `other` in linear light by `t` ∈ [0, 1].
    public func mixed(with other: RGBColor, _ t: Float) -> RGBColor {
        RGBColor(linear: linear + (other.linear - linear) * t)
    }
}

/// The sRGB transfer function and its inverse, with lookup tables for the hot paths.
enum SRGB {
    static let decodeTable: [Float] = (0..<256).map { i in
        let c = Float(i) / 255
        return c <= 0.04045 ? c / 12.92 : powf((c + 0.055) / 1.055, 2.4)
    }
    /// Entries of `encodeTable`: linear values are quantised to 1/(encodeSize − 1), fine enough that
    /// the darkest sRGB steps (1/12.92 per linear unit) stay below one 8-bit level.
    static let encodeSize = 8192
    static let encodeTable: [UInt8] = (0..<8192).map { i in
        let l = Float(i) / Float(8191)
        let c = l <= 0.0031308 ? 12.92 * l : 1.055 * powf(l, 1 / 2.4) - 0.055
        return UInt8(max(0, min(255, (c * 255).rounded())))
    }

    @inline(__always) static func toLinear(_ c: UInt8) -> Float { decodeTable[Int(c)] }

    @inline(__always) static func fromLinear(_ l: Float) -> UInt8 {
        let c = l <= 0.0031308 ? 12.92 * l : 1.055 * powf(max(l, 0), 1 / 2.4) - 0.055
        return UInt8(max(0, min(255, (c * 255).rounded())))
    }
}

/// OKLab conversions (Ottosson 2020), from and to linear sRGB.
enum OKLab {
    static func fromLinear(_ c: SIMD3<Float>) -> SIMD3<Float> {
        let l = 0.4122214708 * c.x + 0.5363325363 * c.y + 0.0514459929 * c.z
        let m = 0.2119034982 * c.x + 0.6806995451 * c.y + 0.1073969566 * c.z
        let s = 0.0883024619 * c.x + 0.2817188376 * c.y + 0.6299787005 * c.z
        let l3 = cbrtf(l), m3 = cbrtf(m), s3 = cbrtf(s)
        return SIMD3(0.2104542553 * l3 + 0.7936177850 * m3 - 0.0040720468 * s3,
                     1.9779984951 * l3 - 2.4285922050 * m3 + 0.4505937099 * s3,
                     0.0259040371 * l3 + 0.7827717662 * m3 - 0.8086757660 * s3)
    }

    static func toLinear(_ lab: SIMD3<Float>) -> SIMD3<Float> {
        let l3 = lab.x + 0.3963377774 * lab.y + 0.2158037573 * lab.z
        let m3 = lab.x - 0.1055613458 * lab.y - 0.0638541728 * lab.z
        let s3 = lab.x - 0.0894841775 * lab.y - 1.2914855480 * lab.z
        let l = l3 * l3 * l3, m = m3 * m3 * m3, s = s3 * s3 * s3
        return SIMD3(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
                     -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
                     -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s)
    }
}
