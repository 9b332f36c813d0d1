import Foundation
import MicseSupport

/// NumPy `.npy` arrays (format versions 1.0, 2.0 and 3.0; little-endian `<f4`/`<f8`/`<f2` and
/// integers, C or Fortran order, 1-D or 2-D), as specified in numpy/lib/format.py: magic `\x93NUMPY`, major and minor
/// version bytes, a header length (2 bytes in 1.0, 4 in 2.0+), an ASCII Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }` padded with spaces and a
/// newline so the data starts at a multiple of 64, then the raw values.
public enum NPYFile {
    public enum NPYError: UserFacingError {
        case notNPY(path: String)
        case truncated(path: String, expectedBytes: Int, foundBytes: Int)
        case badHeader(path: String, reason: String)
        case unsupported(path: String, reason: String)
        public var description: String {
            switch self {
            case .notNPY(let p):
                let zip = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: p)).read(upToCount: 4)) == Data([0x50, 0x4B, 0x03, 0x04])
                return zip ? "\(p): a NumPy .npz archive, not one array; save the one to use with np.save(\"x.npy\", array)"
                    : "\(p): not a NumPy .npy file (bad magic bytes)"
            case .truncated(let p, let e, let f): return "\(p): truncated .npy data (header says \(e) bytes, file has \(f))"
            case .badHeader(let p, let r): return "\(p): malformed .npy header (\(r))"
            case .unsupported(let p, let r): return "\(p): unsupported .npy array: \(r)"
            }
        }
    }

    /// The array read from a file: shape and values converted to `Float`.
    public struct Array2D: Sendable {
        public let rows: Int
        public let columns: Int
        public let values: [Float]
        /// True when the file held a 1-D array (then `columns == 1`).
        public let isVector: Bool
    }

    /// Reads a `.npy` file holding float32 or float64 (converted to Float32) or int32/int64
    /// (converted to Float, for label arrays) values.
    public static func read(_ url: URL) throws -> Array2D {
        let path = url.path
        let data = try mapped(url)
        return try parse(data, path: path)
    }

    /// The file's bytes, memory-mapped; one clear error when it cannot be read.
    private static func mapped(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw MicseError("\(url.path): cannot read (\(FileManager.default.fileExists(atPath: url.path) ? "unreadable" : "no such file"))")
        }
    }

    /// Reads a 1-D `.npy` of integer labels exactly: any little-endian integer dtype (int8…int64,
    /// uint8…uint64; `read` would round values from 2^24 on through Float), or floats that are all
    /// whole numbers.
    public static func readIntegers(_ url: URL) throws -> [Int] {
        let path = url.path
        let data = try mapped(url)
        let layout = try parseHeader(data, path: path, dtypes: integerItemSizes.merging(["<f4": 4, "|f4": 4, "<f8": 8]) { a, _ in a })
        return try data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + layout.offset
            return try (0..<layout.count).map { i -> Int in
                switch layout.descr {
                case "|i1", "<i1": return Int(base.load(fromByteOffset: i, as: Int8.self))
                case "|u1", "<u1", "|b1": return Int(base.load(fromByteOffset: i, as: UInt8.self))
                case "<i2": return Int(base.loadUnaligned(fromByteOffset: i * 2, as: Int16.self))
                case "<u2": return Int(base.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                case "<i4": return Int(base.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
                case "<u4": return Int(base.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                case "<i8": return Int(base.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                case "<u8":
                    let v = base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                    guard let exact = Int(exactly: v) else { throw MicseError("\(path): label \(i + 1) (\(v)) is too large") }
                    return exact
                default:
                    let v = layout.descr.hasSuffix("f8") ? base.loadUnaligned(fromByteOffset: i * 8, as: Double.self)
                        : Double(base.loadUnaligned(fromByteOffset: i * 4, as: Float.self))
                    guard v.isFinite, v == v.rounded(), let exact = Int(exactly: v) else {
                        throw MicseError("\(path): label \(i + 1) is not an integer (\(v))")
                    }
                    return exact
                }
            }
        }
    }

    static let integerItemSizes: [String: Int] = ["|i1": 1, "<i1": 1, "|u1": 1, "<u1": 1, "|b1": 1, "<i2": 2, "<u2": 2,
                                                  "<i4": 4, "<u4": 4, "<i8": 8, "<u8": 8]

    static func parse(_ data: Data, path: String) throws -> Array2D {
        let layout = try parseHeader(data, path: path, dtypes: ["<f4": 4, "|f4": 4, "<i4": 4, "<f8": 8, "<i8": 8, "<f2": 2],
                                     allowFortranOrder: true)
        let (descr, offset, count) = (layout.descr, layout.offset, layout.count)
        var values = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + offset
            values.withUnsafeMutableBufferPointer { out in
                switch descr {
                case "<f2": for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: i * 2, as: Float16.self)) }
                case "<f8": for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) }
                case "<i8": for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
                case "<i4": for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)) }
                default: _ = memcpy(out.baseAddress!, base, count * 4)
                }
            }
        }
        if layout.fortranOrder && layout.rows > 1 && layout.columns > 1 {
            // Column-major (np.save of a transposed or np.asfortranarray array): element (i, j) at j·rows + i.
            let (rows, columns) = (layout.rows, layout.columns)
            var rowMajor = [Float](repeating: 0, count: count)
            for j in 0..<columns { for i in 0..<rows { rowMajor[i * columns + j] = values[j * rows + i] } }
            values = rowMajor
        }
        return Array2D(rows: layout.rows, columns: layout.columns, values: values, isVector: layout.isVector)
    }

    /// The header of a `.npy`: dtype (one of `dtypes`, with its item size), shape, where the data
    /// start; the data are checked to be all there.
    static func parseHeader(_ data: Data, path: String, dtypes: [String: Int], allowFortranOrder: Bool = false)
        throws -> (descr: String, rows: Int, columns: Int, isVector: Bool, offset: Int, count: Int, fortranOrder: Bool) {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard data.count >= 10, Swift.Array(data.prefix(6)) == magic else { throw NPYError.notNPY(path: path) }
        let major = data[data.startIndex + 6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8
            headerStart = 10
        case 2, 3:
            guard data.count >= 12 else { throw NPYError.badHeader(path: path, reason: "too short") }
            headerLength = (0..<4).reduce(0) { $0 | Int(data[data.startIndex + 8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw NPYError.unsupported(path: path, reason: "format version \(major)")
        }
        guard headerLength <= 1 << 20, headerStart + headerLength <= data.count else {
            throw NPYError.badHeader(path: path, reason: "header length \(headerLength) exceeds file")
        }
        guard let header = String(data: data.subdata(in: (data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength)), encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw NPYError.badHeader(path: path, reason: "header is not text")
        }
        guard let descr = dictValue(header, key: "descr")?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")),
              let fortran = dictValue(header, key: "fortran_order")?.trimmingCharacters(in: .whitespaces),
              let shapeText = dictValue(header, key: "shape") else {
            throw NPYError.badHeader(path: path, reason: "missing descr, fortran_order or shape")
        }
        guard fortran == "False" || (fortran == "True" && allowFortranOrder) else {
            throw NPYError.unsupported(path: path, reason: "Fortran order (save with np.ascontiguousarray)")
        }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try dims.map { d -> Int in
            guard let v = Int(d), v >= 0 else { throw NPYError.badHeader(path: path, reason: "bad shape \(shapeText)") }
            return v
        }
        guard shape.count == 1 || shape.count == 2 else {
            throw NPYError.unsupported(path: path, reason: "\(shape.count)-D array (expected 1-D or 2-D)")
        }
        let rows = shape[0], columns = shape.count == 2 ? shape[1] : 1
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow else { throw NPYError.badHeader(path: path, reason: "shape too large") }
        guard let itemSize = dtypes[descr] else {
            var expected = dtypes.keys.contains("<u1") ? "a little-endian integer or float dtype" : "little-endian float16/32/64 or int32/64"
            if descr.contains("U") || descr.contains("S") || descr.contains("O") { expected += "; text goes in a text file, one value per line" }
            throw NPYError.unsupported(path: path, reason: "dtype \(descr) (expected \(expected))")
        }
        let offset = headerStart + headerLength
        let (needed, overflow2) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow2, data.count - offset >= needed else {
            throw NPYError.truncated(path: path, expectedBytes: needed, foundBytes: data.count - offset)
        }
        return (descr, rows, columns, shape.count == 1, offset, count, fortran == "True")
    }

    /// The text after `'key':` up to the next top-level comma in a Python dict literal.
    private static func dictValue(_ header: String, key: String) -> String? {
        guard let range = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[range.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        var depth = 0, end = rest.startIndex
        for i in rest.indices {
            let c = rest[i]
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if (c == "," && depth == 0) || c == "}" { end = i; break }
            end = rest.index(after: i)
        }
        return String(rest[rest.startIndex..<end])
    }

    /// The bytes of a float32 `.npy` file (version 1.0) holding a `rows × columns` C-order array,
    /// or a 1-D array when `vector` is true.
    public static func encode(rows: Int, columns: Int, values: [Float], vector: Bool = false) -> Data {
        precondition(values.count == rows * columns)
        let shape = vector ? "(\(rows),)" : "(\(rows), \(columns))"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Swift.Array(header.utf8))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// Writes a float32 `.npy` file atomically.
    public static func write(rows: Int, columns: Int, values: [Float], to url: URL, vector: Bool = false) throws {
        try AtomicFile.write(encode(rows: rows, columns: columns, values: values, vector: vector), to: url)
    }
}
