// PNG files through libpng (the only importer of CPNG). libpng's setjmp/longjmp error path lives
// in the C shim (`micse_png_encode` in Sources/CPNG/shim.h); here we only pick the parameters and
// write the bytes atomically.
//
// Speed/size: zlib level and the row filter dominate the encoding time. A scatter plot is mostly
// flat background, so the `up` filter plus a low zlib level compresses almost as well as
// libpng's adaptive filter choice at level 6 in a fraction of the time (figures in
// Tests/Benchmarks/compare_render.sh and `micse-cluster bench render --png-sweep`).
import CPNG
import Foundation
import MicseSupport

/// PNG row filter choice.
public enum PNGFilter: String, Sendable, CaseIterable {
    case none, sub, up, paeth
    /// libpng's default: tries every filter per row (best size, slowest).
    case adaptive

    var mask: Int32 {
        switch self {
        case .none: micse_png_filter_none()
        case .sub: micse_png_filter_sub()
        case .up: micse_png_filter_up()
        case .paeth: micse_png_filter_paeth()
        case .adaptive: micse_png_filter_all()
        }
    }
}

/// Encodes `RGBAImage`s as 8-bit PNG (RGB when opaque, else RGBA) with an sRGB chunk and pHYs.
public enum PNGEncoder {
    /// Default zlib level: 2 (with the `up` filter: about 1.1–1.3× the size of level 6 adaptive,
    /// several times faster; see the file header).
    public static let defaultLevel = 2
    public static let defaultFilter = PNGFilter.up

    /// The PNG bytes of `image`.
    /// - Parameters:
    ///   - dpi: recorded in pHYs as pixels per metre (dpi / 0.0254).
    ///   - level: zlib compression level 0…9.
    public static func encode(_ image: RGBAImage, dpi: Double = 200, level: Int = defaultLevel,
                              filter: PNGFilter = defaultFilter) throws -> Data {
        guard (0...9).contains(level) else { throw RenderingError.invalidOption("PNG compression level must be 0…9 (got \(level))") }
        var buffer = micse_png_buffer(data: nil, size: 0, capacity: 0, failed: 0)
        var error = micse_png_error_text()
        let ppm = dpi > 0 ? UInt32(min(Double(UInt32.max), (dpi / 0.0254).rounded())) : 0
        let status: Int32
        if image.isOpaque {
            // Pack RGB rows (libpng could strip the filler itself, but packing is cheaper here).
            var rgb = [UInt8](repeating: 0, count: image.width * image.height * 3)
            image.pixels.withUnsafeBufferPointer { src in
                rgb.withUnsafeMutableBufferPointer { dst in
                    let s = UnsafeSendableBox(src), d = UnsafeSendableBox(dst)
                    let count = image.width * image.height
                    parallelFor(chunks: 8, threads: resolvedThreadCount(nil)) { chunk in
                        for i in chunkRange(chunk, of: 8, count: count) {
                            d.value[3 * i] = s.value[4 * i]; d.value[3 * i + 1] = s.value[4 * i + 1]
                            d.value[3 * i + 2] = s.value[4 * i + 2]
                        }
                    }
                }
            }
            status = rgb.withUnsafeBufferPointer { p in
                micse_png_encode(p.baseAddress, Int32(image.width), Int32(image.height), 3, image.width * 3,
                                 Int32(level), filter.mask, 0, ppm, &buffer, &error)
            }
        } else {
            status = image.pixels.withUnsafeBufferPointer { p in
                micse_png_encode(p.baseAddress, Int32(image.width), Int32(image.height), 4, image.width * 4,
                                 Int32(level), filter.mask, 0, ppm, &buffer, &error)
            }
        }
        defer { micse_png_buffer_free(&buffer) }
        guard status == 0, let bytes = buffer.data else {
            throw RenderingError.pngEncoding(path: "(memory)", message: message(&error))
        }
        return Data(bytes: bytes, count: buffer.size)
    }

    /// Encodes `image` and writes it to `url` atomically (temporary file + rename).
    /// - Throws: `RenderingError`, or `MicseError` naming the path when the folder is missing or read-only.
    public static func write(_ image: RGBAImage, to url: URL, dpi: Double = 200, level: Int = defaultLevel,
                             filter: PNGFilter = defaultFilter) throws {
        try AtomicFile.checkWritable(url)
        let data: Data
        do { data = try encode(image, dpi: dpi, level: level, filter: filter) } catch let RenderingError.pngEncoding(_, m) {
            throw RenderingError.pngEncoding(path: url.path, message: m)
        }
        try AtomicFile.write(data, to: url)
    }

    static func message(_ error: inout micse_png_error_text) -> String {
        withUnsafeBytes(of: &error.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Reads PNGs back (libpng's simplified API): for tests and for checking written files.
public enum PNGDecoder {
    /// Decodes any PNG to 8-bit RGBA.
    public static func decode(_ data: Data) throws -> RGBAImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        var error = micse_png_error_text()
        let status = data.withUnsafeBytes { raw in
            micse_png_decode_rgba(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &pixels, &width, &height, &error)
        }
        guard status == 0, let pixels else { throw RenderingError.pngDecoding(message: PNGEncoder.message(&error)) }
        defer { free(pixels) }
        let count = Int(width) * Int(height) * 4
        return RGBAImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    public static func decode(contentsOf url: URL) throws -> RGBAImage {
        try decode(try Data(contentsOf: url))
    }
}
