import Foundation

/// A `.safetensors` file (huggingface/safetensors, format described in its README at `docs/source/index.mdx`):
///
///     [8 bytes: N, unsigned little-endian] [N bytes: JSON header] [data region]
///
/// The header maps each tensor name to `{"dtype": "F32", "shape": [r, c], "data_offsets": [begin, end]}`, offsets
/// relative to the start of the data region, plus an optional `"__metadata__": {string: string}`.
///
/// Everything is validated before a byte of tensor data is touched, with overflow-checked arithmetic: the header
/// length against the file size and a 100 MB cap, the JSON shape of every entry, each tensor's range inside the data
/// region, `end − begin == product(shape) × sizeof(dtype)`, and that no two tensors overlap. The file is memory-mapped;
/// tensors are converted to fp32 one at a time by `StoredTensor.floats()`.
public struct SafeTensorsFile: Sendable {
    /// The largest header accepted (the reference implementation's limit is also 100 MB).
    public static let headerByteLimit = 100_000_000

    public let url: URL
    /// The tensors by name.
    public let tensors: [String: StoredTensor]
    /// The `__metadata__` strings (e.g. `{"format": "pt"}`).
    public let metadata: [String: String]

    /// Maps and validates `url`.
    /// - Throws: `ModelLoadingError` naming the file and the problem.
    public init(url: URL) throws {
        let data = try MappedFile.map(url)
        try self.init(data: data, url: url)
    }

    /// Validates a safetensors image already in memory (`url` is used in error messages only).
    public init(data: Data, url: URL) throws {
        self.url = url
        let path = url.path
        guard data.count >= 8 else { throw ModelLoadingError.safeTensorsTooSmall(path: path, bytes: data.count) }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(Self.headerByteLimit) else {
            throw ModelLoadingError.safeTensorsHeaderTooLarge(path: path, headerBytes: headerLength, limit: Self.headerByteLimit)
        }
        let headerBytes = Int(headerLength)  // ≤ 100 MB: no overflow below.
        guard 8 + headerBytes <= data.count else {
            throw ModelLoadingError.safeTensorsHeaderExceedsFile(path: path, headerBytes: headerLength, fileBytes: data.count)
        }
        let dataStart = 8 + headerBytes
        let dataLength = data.count - dataStart
        let header = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + dataStart))
        guard header.first == UInt8(ascii: "{") else {
            throw ModelLoadingError.safeTensorsInvalidHeader(path: path, reason: "the header does not start with '{'")
        }
        let entries: [String: Header.Entry]
        do {
            entries = try JSONDecoder().decode(Header.self, from: header).entries
        } catch let error as ModelLoadingError {
            throw error
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.keyNotFound(_, context), let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelLoadingError.safeTensorsInvalidHeader(
                path: path, reason: key.isEmpty ? "not valid JSON" : "entry \"\(key)\" is malformed")
        } catch {
            throw ModelLoadingError.safeTensorsInvalidHeader(path: path, reason: "not valid JSON")
        }

        var tensors: [String: StoredTensor] = [:]
        var metadata: [String: String] = [:]
        var ranges: [(range: Range<Int>, name: String)] = []
        for (name, entry) in entries {
            switch entry {
            case let .metadata(values):
                metadata = values
            case let .tensor(dtypeName, shape, offsets):
                func bad(_ reason: String) -> ModelLoadingError {
                    .safeTensorsBadTensor(path: path, tensor: name, reason: reason)
                }
                guard offsets.count == 2 else { throw bad("data_offsets must be [begin, end]") }
                guard offsets[0] <= offsets[1] else { throw bad("data_offsets [\(offsets[0]), \(offsets[1])] run backwards") }
                guard offsets[1] <= UInt64(dataLength) else {
                    throw bad("data_offsets [\(offsets[0]), \(offsets[1])] exceed the \(dataLength)-byte data region (truncated file?)")
                }
                let begin = Int(offsets[0]), end = Int(offsets[1])
                guard shape.allSatisfy({ $0 >= 0 }), let count = StoredTensor.elementCount(shape) else {
                    throw bad("invalid shape \(shape)")
                }
                let dtype = StorageDType(rawValue: dtypeName)
                if let dtype {
                    let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
                    guard !overflow, bytes == end - begin else {
                        throw bad("shape \(shape) of \(dtype.rawValue) needs \(overflow ? "too many" : String(bytes)) bytes but data_offsets span \(end - begin)")
                    }
                }
                ranges.append((begin..<end, name))
                // A dtype this reader does not know (e.g. a future fp4 type) is kept as an error to raise only if the
                // tensor is actually needed.
                tensors[name] = StoredTensor(
                    name: name, dtype: dtype ?? .u8, shape: shape, path: path, storage: data,
                    byteRange: (data.startIndex + dataStart + begin)..<(data.startIndex + dataStart + end),
                    unknownDType: dtype == nil ? dtypeName : nil)
            }
        }
        ranges.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        for (previous, next) in zip(ranges, ranges.dropFirst()) where next.range.lowerBound < previous.range.upperBound {
            throw ModelLoadingError.safeTensorsBadTensor(
                path: path, tensor: next.name, reason: "its data overlaps tensor \(previous.name)")
        }
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// The JSON header: tensor entries plus `__metadata__`, decoded with dynamic keys.
private struct Header: Decodable {
    enum Entry {
        case tensor(dtype: String, shape: [Int], offsets: [UInt64])
        case metadata([String: String])
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct TensorEntry: Decodable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [UInt64]
    }

    var entries: [String: Entry] = [:]

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                entries[key.stringValue] = .metadata(try container.decode([String: String].self, forKey: key))
            } else {
                let tensor = try container.decode(TensorEntry.self, forKey: key)
                entries[key.stringValue] = .tensor(dtype: tensor.dtype, shape: tensor.shape, offsets: tensor.data_offsets)
            }
        }
    }
}
