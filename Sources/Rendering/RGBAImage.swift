// The rendered picture handed to encoders, and the linear-light canvas it is drawn on.
import MicseSupport

/// An 8-bit sRGB image, 4 bytes per pixel (R, G, B, A; straight alpha), rows top to bottom.
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width·height·4` bytes.
    public var pixels: [UInt8]
    /// True when every alpha byte is 255 (PNGs are then written as RGB).
    public var isOpaque: Bool

    public init(width: Int, height: Int, pixels: [UInt8], isOpaque: Bool? = nil) {
        precondition(pixels.count == width * height * 4, "pixel buffer has the wrong size")
        self.width = width; self.height = height; self.pixels = pixels
        if let isOpaque { self.isOpaque = isOpaque } else {
            var opaque = true
            for i in stride(from: 3, to: pixels.count, by: 4) where pixels[i] != 255 { opaque = false; break }
            self.isOpaque = opaque
        }
    }

    /// The colour at (x, y) (alpha dropped).
    public func color(x: Int, y: Int) -> RGBColor {
        let i = (y * width + x) * 4
        return RGBColor(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    }

    /// A content hash of size and pixels (for determinism checks).
    public var fingerprint: String {
        var f = Fingerprint()
        f.combine(width); f.combine(height)
        pixels.withUnsafeBytes { f.combine($0) }
        return f.hexString
    }
}

/// An opaque canvas in linear light, 3 floats per pixel. Drawing composites premultiplied
/// source colour over it: dst ← src·α + dst·(1 − α) where α = coverage·opacity; because the
/// canvas is opaque, its alpha stays 1 and only the colour channels are stored.
struct LinearCanvas {
    let width: Int
    let height: Int
    var pixels: [Float]

    init(width: Int, height: Int, background: RGBColor) {
        self.width = width
        self.height = height
        let b = background.linear
        var pixels = [Float](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { p in
            for i in 0..<(width * height) { p[3 * i] = b.x; p[3 * i + 1] = b.y; p[3 * i + 2] = b.z }
        }
        self.pixels = pixels
    }

    /// Blends `color` (linear) with opacity `alpha` into pixel (x, y); no bounds check.
    @inline(__always)
    mutating func blend(x: Int, y: Int, color: SIMD3<Float>, alpha: Float) {
        let i = (y * width + x) * 3
        pixels[i] += alpha * (color.x - pixels[i])
        pixels[i + 1] += alpha * (color.y - pixels[i + 1])
        pixels[i + 2] += alpha * (color.z - pixels[i + 2])
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

    /// Converts to 8-bit sRGB through a lookup table, in parallel horizontal bands.
    func makeImage(threads: Int) -> RGBAImage {
        var bytes = [UInt8](repeating: 255, count: width * height * 4)
        let table = SRGB.encodeTable
        let scale = Float(SRGB.encodeSize - 1)
        let rows = height, width = width
        pixels.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBufferPointer { dst in
                table.withUnsafeBufferPointer { lut in
                    let s = UnsafeSendableBox(src), d = UnsafeSendableBox(dst), t = UnsafeSendableBox(lut)
                    let chunks = max(1, threads * 4)
                    parallelFor(chunks: chunks, threads: threads) { chunk in
                        let range = chunkRange(chunk, of: chunks, count: rows)
                        for i in (range.lowerBound * width)..<(range.upperBound * width) {
                            for k in 0..<3 {
                                let v = s.value[3 * i + k]
                                let index = Int(min(max(v, 0), 1) * scale + 0.5)
                                d.value[4 * i + k] = t.value[index]
                            }
                        }
                    }
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: bytes, isOpaque: true)
    }
}
