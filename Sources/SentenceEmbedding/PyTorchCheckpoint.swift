import Foundation

/// A `torch.save` checkpoint (`pytorch_model.bin`) in the zip format PyTorch ≥ 1.6 writes
/// (torch/serialization.py `_save`, caffe2/serialize/inline_container.cc):
///
///     <prefix>/data.pkl      the pickled state dict; tensors are `_rebuild_tensor_v2(storage, offset, size, stride, …)`
///                            and storages are persistent ids ('storage', torch.FloatStorage, key, location, numel)
///     <prefix>/data/<key>    each storage's raw little-endian bytes (stored, 64-byte aligned)
///     <prefix>/version, <prefix>/byteorder ("little"), …
///
/// The pickle is read by `RestrictedUnpickler`, which refuses every global except the tensor/storage rebuilders and
/// `collections.OrderedDict`: loading a checkpoint never runs code. Tensors must be contiguous (row-major strides,
/// which is how `state_dict()` tensors are saved) and lie inside their storage. The archive is memory-mapped and
/// tensors are converted to fp32 by `StoredTensor.floats()`.
public struct PyTorchCheckpoint: Sendable {
    public let url: URL
    /// The tensors by state-dict key. Non-tensor values of the dict are ignored.
    public let tensors: [String: StoredTensor]
    /// The largest `data.pkl` accepted.
    public static let pickleByteLimit = 16 << 20

    /// Maps and reads `url`.
    /// - Throws: `ModelLoadingError` naming the file: not a zip (or a legacy pre-1.6 checkpoint), a compressed
    ///   entry, a forbidden pickle global, an unknown opcode, a non-contiguous or out-of-range tensor.
    public init(url: URL) throws {
        try self.init(data: try MappedFile.map(url), url: url)
    }

    /// Reads a checkpoint image already in memory (`url` is used in error messages only).
    public init(data: Data, url: URL) throws {
        self.url = url
        let path = url.path
        // torch's legacy format starts with a pickled magic number (protocol 2: 0x80 0x02 0x8a 0x0a …).
        if data.count >= 2, data[data.startIndex] == 0x80, data[data.startIndex + 1] <= 5 {
            throw ModelLoadingError.legacyPyTorchFormat(path: path)
        }
        let archive = try ZipArchive(data: data, path: path)
        guard let pickleEntry = archive.entries.first(where: {
            $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/", omittingEmptySubsequences: false).count == 2
        }) else {
            throw ModelLoadingError.checkpointInvalid(path: path, reason: "no <name>/data.pkl entry (not a torch.save archive)")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        func stored(_ entry: ZipArchive.Entry) throws -> Range<Int> {
            guard entry.flags & 1 == 0 else { throw ModelLoadingError.zipInvalid(path: path, reason: "entry \(entry.name) is encrypted") }
            guard entry.method == 0 else {
                throw ModelLoadingError.zipEntryCompressed(path: path, entry: entry.name, method: entry.method)
            }
            guard entry.compressedSize == entry.uncompressedSize else {
                throw ModelLoadingError.zipInvalid(path: path, reason: "stored entry \(entry.name) has differing sizes")
            }
            return (data.startIndex + entry.dataRange.lowerBound)..<(data.startIndex + entry.dataRange.upperBound)
        }
        if let byteOrder = archive[prefix + "byteorder"] {
            let range = try stored(byteOrder)
            guard data[range] == Data("little".utf8) else {
                throw ModelLoadingError.checkpointInvalid(path: path, reason: "byteorder is not \"little\"")
            }
        }
        // A state dict's pickle is ~150 bytes per tensor (bert-base: 30 KB); a much larger one is not a state dict.
        guard pickleEntry.uncompressedSize <= Self.pickleByteLimit else {
            throw ModelLoadingError.checkpointInvalid(
                path: path, reason: "\(pickleEntry.name) is \(pickleEntry.uncompressedSize) bytes, over the \(Self.pickleByteLimit)-byte limit")
        }
        let pickle = Array(data[try stored(pickleEntry)])
        let entries = try RestrictedUnpickler.load(pickle, path: path + ":" + pickleEntry.name) { root in
            try Self.stateDict(root, path: path).compactMap { key, value -> (String, PickleTensor)? in
                if case let .tensor(tensor) = value { return (key, tensor) } else { return nil }
            }
        }

        var tensors: [String: StoredTensor] = [:]
        for (key, tensor) in entries {
            func bad(_ reason: String) -> ModelLoadingError { .checkpointInvalid(path: path, reason: "tensor \(key): \(reason)") }
            guard let entry = archive[prefix + "data/" + tensor.storage.key] else {
                throw bad("its storage \(prefix)data/\(tensor.storage.key) is missing from the archive")
            }
            let storageRange = try stored(entry)
            let size = tensor.storage.dtype.byteCount
            guard let count = StoredTensor.elementCount(tensor.shape) else { throw bad("invalid shape \(tensor.shape)") }
            // Row-major contiguity: stride[i] = product(shape[i+1...]); a dimension of size 1 may carry any stride.
            var expected = 1
            for axis in stride(from: tensor.shape.count - 1, through: 0, by: -1) {
                if tensor.shape[axis] != 1 && tensor.stride[axis] != expected && count > 0 {
                    throw bad("non-contiguous layout (shape \(tensor.shape), stride \(tensor.stride)); save it with .contiguous()")
                }
                expected = expected &* max(tensor.shape[axis], 1)
            }
            let (end, overflow) = tensor.storageOffset.addingReportingOverflow(count)
            guard tensor.storageOffset >= 0, !overflow, end <= tensor.storage.elementCount else {
                throw bad("elements \(tensor.storageOffset)..<\(overflow ? "overflow" : String(end)) exceed its storage of \(tensor.storage.elementCount)")
            }
            let (storageBytes, overflow2) = tensor.storage.elementCount.multipliedReportingOverflow(by: size)
            guard !overflow2, storageBytes <= storageRange.count else {
                throw bad("its storage needs \(tensor.storage.elementCount) × \(size) bytes but the archive entry has \(storageRange.count)")
            }
            let start = storageRange.lowerBound + tensor.storageOffset * size
            guard tensors.updateValue(
                StoredTensor(name: key, dtype: tensor.storage.dtype, shape: tensor.shape, path: path, storage: data,
                             byteRange: start..<(start + count * size)), forKey: key) == nil else {
                throw ModelLoadingError.duplicateTensor(path: path, tensor: key)
            }
        }
        guard !tensors.isEmpty else { throw ModelLoadingError.checkpointInvalid(path: path, reason: "it holds no tensors") }
        self.tensors = tensors
    }

    /// The state dict's (name, value) pairs. Training checkpoints that wrap it (`{"state_dict": …}`,
    /// `{"model": …}`) are unwrapped one level.
    private static func stateDict(_ root: PickleValue, path: String, unwrap: Bool = true) throws -> [(String, PickleValue)] {
        guard case let .dict(dict) = root else {
            throw ModelLoadingError.checkpointInvalid(path: path, reason: "the pickle holds a \(root.kind), not a state dict")
        }
        var pairs: [(String, PickleValue)] = []
        for (key, value) in dict.pairs {
            guard case let .string(name) = key else {
                throw ModelLoadingError.checkpointInvalid(path: path, reason: "a state-dict key is a \(key.kind), not a string")
            }
            pairs.append((name, value))
        }
        if unwrap, !pairs.contains(where: { if case .tensor = $0.1 { return true } else { return false } }),
           let inner = pairs.first(where: { $0.0 == "state_dict" || $0.0 == "model" })?.1, case .dict = inner {
            return try stateDict(inner, path: path, unwrap: false)  // one level only: a dict may contain itself
        }
        return pairs
    }
}
