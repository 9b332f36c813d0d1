// The rendered picture handed to encoders, and the canvas it is drawn on.
import MicseSupport

/// An 8-bit sRGB image, rows top to bottom, `channels` bytes per pixel: 3 (R, G, B; opaque — what
/// plots are) or 4 (R, G, B, A; straight alpha).
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 3 or 4.
    public let channels: Int
    /// `width·height·channels` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 3 || channels == 4, "channels must be 3 (RGB) or 4 (RGBA)")
        precondition(pixels.count == width * height * channels, "pixel buffer has the wrong size")
        self.width = width; self.height = height; self.channels = channels; self.pixels = pixels
    }

    /// True for RGB images, or RGBA images whose alpha bytes are all 255.
    public var isOpaque: Bool {
        if channels == 3 { return true }
        for i in stride(from: 3, to: pixels.count, by: 4) where pixels[i] != 255 { return false }
        return true
    }

    /// The colour at (x, y) (alpha dropped).
    public func color(x: Int, y: Int) -> RGBColor {
        let i = (y * width + x) * channels
        return RGBColor(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    }

    /// Alpha at (x, y) (255 for RGB images).
    public func alpha(x: Int, y: Int) -> UInt8 { channels == 4 ? pixels[(y * width + x) * 4 + 3] : 255 }

    /// The same picture as RGBA.
    public var rgba: RGBAImage {
        if channels == 4 { return self }
        var out = [UInt8](repeating: 255, count: width * height * 4)
        for i in 0..<(width * height) { out[4 * i] = pixels[3 * i]; out[4 * i + 1] = pixels[3 * i + 1]; out[4 * i + 2] = pixels[3 * i + 2] }
        return RGBAImage(width: width, height: height, channels: 4, pixels: out)
    }

    /// A content hash of size, layout and pixels (for determinism checks).
    public var fingerprint: String {
        var f = Fingerprint()
        f.combine(width); f.combine(height); f.combine(channels)
        pixels.withUnsafeBytes { f.combine($0) }
        return f.hexString
    }
}

/// An opaque RGB canvas stored as 8-bit sRGB, on which every blend happens in linear light:
/// each channel is decoded through a 256-entry table, composited, and re-encoded through an
/// 8,192-entry table (`SRGB`). Drawing composites premultiplied source colour over it,
/// dst ← src·α + dst·(1 − α) with α = coverage·opacity; the canvas is opaque, so its alpha stays 1
/// and is not stored. Storing 8 bits between blends costs at most about one level of rounding per
/// blend and saves a full float buffer plus a conversion pass over every pixel.
struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, background: RGBColor) {
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        if background.red == background.green && background.green == background.blue {
            if background.red != 0 { pixels = [UInt8](repeating: background.red, count: width * height * 3) }
        } else {
            pixels.withUnsafeMutableBufferPointer { p in
                for i in 0..<(width * height) { p[3 * i] = background.red; p[3 * i + 1] = background.green; p[3 * i + 2] = background.blue }
            }
        }
        self.pixels = pixels
    }

    /// Blends `color` (linear) with opacity `alpha` into pixel (x, y); no bounds check.
    @inline(__always)
    mutating func blend(x: Int, y: Int, color: SIMD3<Float>, alpha: Float) {
        pixels.withUnsafeMutableBufferPointer { p in
            Canvas.blend(p, at: (y * width + x) * 3, color: color, alpha: alpha)
        }
    }

    /// The blend kernel on a raw RGB buffer: byte offset `k` of the pixel.
    @inline(__always)
    static func blend(_ p: UnsafeMutableBufferPointer<UInt8>, at k: Int, color: SIMD3<Float>, alpha: Float) {
        SRGB.decodeTable.withUnsafeBufferPointer { dec in
            SRGB.encodeTable.withUnsafeBufferPointer { enc in
                let scale = Float(SRGB.encodeSize - 1)
                let r = dec[Int(p[k])], g = dec[Int(p[k + 1])], b = dec[Int(p[k + 2])]
                p[k] = enc[Int((r + alpha * (color.x - r)) * scale + 0.5)]
                p[k + 1] = enc[Int((g + alpha * (color.y - g)) * scale + 0.5)]
                p[k + 2] = enc[Int((b + alpha * (color.z - b)) * scale + 0.5)]
            }
        }
    }

    /// Fills the rectangle (clipped) with `color` at `alpha`.
    mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: RGBColor, alpha: Float = 1) {
        let c = color.linear
        for y in max(0, y0)..<min(height, y1) {
            for x in max(0, x0)..<min(width, x1) { blend(x: x, y: y, color: c, alpha: alpha) }
        }
    }

    /// An anti-aliased filled disc (coverage from the distance to the pixel centre).
    mutating func disc(cx: Float, cy: Float, radius: Float, color: RGBColor, alpha: Float = 1) {
        let c = color.linear
        let x0 = max(0, Int((cx - radius - 1).rounded(.down))), x1 = min(width - 1, Int((cx + radius + 1).rounded(.up)))
        let y0 = max(0, Int((cy - radius - 1).rounded(.down))), y1 = min(height - 1, Int((cy + radius + 1).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            let dy = Float(y) + 0.5 - cy
            for x in x0...x1 {
                let dx = Float(x) + 0.5 - cx
                let coverage = min(1, max(0, radius + 0.5 - (dx * dx + dy * dy).squareRoot()))
                if coverage > 0 { blend(x: x, y: y, color: c, alpha: coverage * alpha) }
            }
        }
    }

    var image: RGBAImage { RGBAImage(width: width, height: height, channels: 3, pixels: pixels) }
}
