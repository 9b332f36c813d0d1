// PNG files through libpng (the only importer of CPNG). libpng's setjmp/longjmp error path lives
// in the C shim (`micse_png_encode` in Sources/CPNG/shim.h); here we only pick the parameters and
// write the bytes atomically.
//
// Speed/size: zlib level and the row filter dominate the encoding time. A scatter plot is mostly
// flat background with small anti-aliased discs; measured on 12,284 points at 1600×1600
// (`micse-cluster bench render --png-sweep`, CPU seconds on a loaded 2-core machine):
//   filter none, level 2: 0.022 s, 317 KiB      (default)
//   filter none, level 6: 0.043 s, 316 KiB      filter up, level 2: 0.028 s, 427 KiB
//   adaptive,    level 6: 0.082 s, 391 KiB      (libpng's default)
//   adaptive,    level 9: 0.271 s, 389 KiB      Z_RLE, none, level 1: 0.019 s, 370 KiB
// 1,000,000 points in 20 categories (density shading): none/2 0.034 s 590 KiB; up/2 0.047 s 929 KiB;
// adaptive/6 0.128 s 1,037 KiB; none/9 0.50 s 534 KiB.
// Re-measured on the idle machine (wall seconds, 1600×1600, README benchmark run): 12,284 points
// none/2 0.022 s 333 KiB, Z_RLE none/1 0.019 s 402 KiB; 1,000,000 points none/2 0.050 s 1,320 KiB,
// Z_RLE none/1 0.032 s 1,541 KiB. The default is Z_RLE at level 1: about 30% faster encoding for
// files about 20% larger (still a few hundred KiB), which keeps the 12,284-point plot under 0.03 s.
// Filters do not pay here: the discs' edges and the density speckle are not smooth gradients, and
// the flat background compresses to nothing with or without them.
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

/// zlib's match-finding strategy (`deflateInit2`'s `strategy`).
public enum PNGCompressionStrategy: Int32, Sendable, CaseIterable {
    /// Z_DEFAULT_STRATEGY: LZ77 with hash chains.
    case standard = 0
    /// Z_FILTERED.
    case filtered = 1
    /// Z_RLE: only runs (distance-one matches); fast, and on flat backgrounds nearly as small.
    case rle = 3

    public var name: String { switch self { case .standard: "default"; case .filtered: "filtered"; case .rle: "rle" } }
}

/// Encodes `RGBAImage`s as 8-bit PNG (RGB when opaque, else RGBA) with an sRGB chunk and pHYs.
public enum PNGEncoder {
    /// Default: zlib's run-length strategy at level 1 with no row filter, the fastest setting
    /// measured, for files about 20% larger than level 2's (see the file header).
    public static let defaultLevel = 1
    public static let defaultFilter = PNGFilter.none
    public static let defaultStrategy = PNGCompressionStrategy.rle

    /// The PNG bytes of `image`.
    /// - Parameters:
    ///   - dpi: recorded in pHYs as pixels per metre (dpi / 0.0254).
    ///   - level: zlib compression level 0…9.
    public static func encode(_ image: RGBAImage, dpi: Double = 200, level: Int = defaultLevel,
                              filter: PNGFilter = defaultFilter, strategy: PNGCompressionStrategy = defaultStrategy) throws -> Data {
        guard (0...9).contains(level) else { throw RenderingError.invalidOption("PNG compression level must be 0…9 (got \(level))") }
        var buffer = micse_png_buffer(data: nil, size: 0, capacity: 0, failed: 0)
        var error = micse_png_error_text()
        let ppm = dpi > 0 ? UInt32(min(Double(UInt32.max), (dpi / 0.0254).rounded())) : 0
        let status: Int32
        status = image.pixels.withUnsafeBufferPointer { p in
            micse_png_encode(p.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels),
                             image.width * image.channels, Int32(level), filter.mask, strategy.rawValue, ppm, &buffer, &error)
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
                             filter: PNGFilter = defaultFilter, strategy: PNGCompressionStrategy = defaultStrategy) throws {
        try AtomicFile.checkWritable(url)
        let data: Data
        do { data = try encode(image, dpi: dpi, level: level, filter: filter, strategy: strategy) } catch let RenderingError.pngEncoding(_, m) {
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
        return RGBAImage(width: Int(width), height: Int(height), channels: 4,
                         pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    public static func decode(contentsOf url: URL) throws -> RGBAImage {
        try decode(try Data(contentsOf: url))
    }
}
