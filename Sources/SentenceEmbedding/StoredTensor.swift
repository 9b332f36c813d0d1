import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element types a checkpoint can store. Only the floating-point ones convert to `Float`; the others
/// are known so that their byte sizes can be validated (e.g. the int64 `embeddings.position_ids` buffer).
public enum StorageDType: String, Sendable, Equatable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", u16 = "U16", u32 = "U32", u64 = "U64"
    case bool = "BOOL", f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool, .f8e4m3, .f8e5m2: return 1
        }
    }

    /// Whether `StoredTensor.floats()` can convert this type to `Float`.
    public var convertsToFloat: Bool { [.f32, .f16, .bf16, .f64].contains(self) }
}

/// A read-only memory map of a whole file, unmapped when the last `Data` referring to it goes away.
///
/// `MAP_POPULATE` maps the whole file up front (one batched kernel call instead of one page fault per 4 KiB when
/// the tensors are converted); from the page cache this costs a few milliseconds per 100 MB.
enum MappedFile {
    static func map(_ url: URL) throws -> Data {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            if errno == ENOENT { throw ModelLoadingError.fileMissing(path: path, what: "weight file") }
            throw ModelLoadingError.unreadableFile(path: path, reason: reason)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ModelLoadingError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ModelLoadingError.unreadableFile(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 { return Data() }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED else {
            throw ModelLoadingError.unreadableFile(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in _ = munmap(pointer, count) })
    }
}

/// One tensor as a checkpoint stores it: a dtype, a shape and a validated byte range of a mapped file.
///
/// Produced by `SafeTensorsFile` and `PyTorchCheckpoint`, converted to fp32 once by `floats()`.
public struct StoredTensor: Sendable {
    /// The name in the checkpoint (e.g. `bert.encoder.layer.0.attention.self.query.weight`).
    public let name: String
    public let dtype: StorageDType
    public let shape: [Int]
    /// The file the bytes come from (for error messages).
    public let path: String
    /// The file's bytes (memory-mapped) and the tensor's range in them, row-major, little-endian.
    let storage: Data
    let byteRange: Range<Int>
    /// The file's name for a dtype this reader does not know; `floats()` reports it.
    let unknownDType: String?

    init(name: String, dtype: StorageDType, shape: [Int], path: String, storage: Data, byteRange: Range<Int>,
         unknownDType: String? = nil) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.path = path
        self.storage = storage; self.byteRange = byteRange; self.unknownDType = unknownDType
    }

    /// The element count, product(shape), or nil if it overflows `Int`.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Converts the stored values to fp32 (F16 and BF16 widen exactly; F64 rounds to nearest).
    /// - Throws: `ModelLoadingError.unsupportedDType` for integer, boolean and fp8 tensors.
    public func floats() throws -> Tensor {
        guard unknownDType == nil, dtype.convertsToFloat else {
            throw ModelLoadingError.unsupportedDType(path: path, tensor: name, dtype: unknownDType ?? dtype.rawValue)
        }
        let count = byteRange.count / dtype.byteCount
        let dtype = self.dtype
        let start = byteRange.lowerBound
        let values = storage.withUnsafeBytes { (file: UnsafeRawBufferPointer) -> [Float] in
            let source = UnsafeRawBufferPointer(rebasing: file[start..<(start + count * dtype.byteCount)])
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
                convert(source, dtype: dtype, into: buffer)
                initialized = count
            }
        }
        return Tensor(shape: shape, values: values)
    }
}

/// Asks the kernel to back the untouched 2 MiB-aligned interior of a large fresh allocation with transparent huge
/// pages (Linux `madvise(MADV_HUGEPAGE)`, honoured when THP is in `madvise` or `always` mode). Filling bert-base's
/// 440 MB of weights otherwise takes ~110,000 page faults, most of the load time. Purely advisory: errors are ignored.
private func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let hugePage = 2 << 20
    guard buffer.count >= 2 * hugePage, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(hugePage - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, end - start, MADV_HUGEPAGE)
    #endif
}

/// Widens little-endian `dtype` elements to `Float`. `source` holds exactly `into.count` elements.
private func convert(_ source: UnsafeRawBufferPointer, dtype: StorageDType, into target: UnsafeMutableBufferPointer<Float>) {
    let count = target.count
    guard count > 0, let destination = target.baseAddress, let origin = source.baseAddress else { return }
    switch dtype {
    case .f32:
        // The host is little-endian (x86-64, arm64), as the files are: a plain copy.
        UnsafeMutableRawPointer(destination).copyMemory(from: origin, byteCount: count * 4)
    case .f16:
        for i in 0..<count {
            let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            destination[i] = Float(Float16(bitPattern: bits))
        }
    case .bf16:
        // bfloat16 is the upper half of an IEEE binary32.
        for i in 0..<count {
            let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            destination[i] = Float(bitPattern: UInt32(bits) << 16)
        }
    case .f64:
        for i in 0..<count {
            let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
            destination[i] = Float(Double(bitPattern: bits))
        }
    default:
        preconditionFailure("convert called for non-float dtype \(dtype)")
    }
}
