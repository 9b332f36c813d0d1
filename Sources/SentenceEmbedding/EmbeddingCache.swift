import CorpusIO
import Foundation
import LinearAlgebra
import MicseSupport

/// What identifies a set of sentence vectors: the model (weights + config), the tokenizer files, the options that
/// change the vectors (the batching and the BLAS kernels included: they change the last bits, and UMAP turns that
/// into another layout), the texts, and the revision of the code that computes them. Two keys are equal exactly
/// when the vectors may be reused; the model's display name is a label, not part of the identity.
public struct EmbeddingCacheKey: Sendable, Equatable, Codable {
    /// Revision of the tokenizer and encoder numerics. Bump it with any change that alters a bit of the vectors
    /// (kernel order of operations, batching, tokenization), so that entries written by an older build are not
    /// reused: their vectors differ in the last bits, and UMAP turns that into another layout. Revision 1:
    /// 2026-12-05 (before, entries had no revision); 2: batching and BLAS kernels in the key, a stronger fingerprint.
    public static let currentEncoderRevision = 2
    public var encoderRevision = EmbeddingCacheKey.currentEncoderRevision
    /// Display name of the model (not part of the identity; `modelIdentity` is).
    public var modelName: String
    /// `ModelDirectory.identityFingerprint()`: config.json and every weight file.
    public var modelIdentity: String
    /// Fingerprint of the tokenizer files (vocab.txt, tokenizer.json, tokenizer_config.json, added_tokens.json).
    public var tokenizerIdentity: String
    /// The model's hidden size: a model of another size never reads these vectors.
    public var dimension: Int
    public var pooling: Pooling
    /// The truncation length applied (`SentenceEncoder.effectiveMaxLength`).
    public var maxLength: Int
    public var normalize: Bool
    /// Fingerprint of the texts in order (each text's UTF-8 bytes and length).
    public var textsFingerprint: String
    public var count: Int
    /// `EncoderOptions.batchTokenBudget` and `maxBatchSize`: which texts share a GEMM changes their vectors' last bits.
    public var batchTokens: Int
    public var batchSize: Int
    /// `OpenBLASKernelSelection.coreName`: another kernel set rounds differently.
    public var blasKernel: String

    public init(modelName: String, modelIdentity: String, tokenizerIdentity: String, dimension: Int, pooling: Pooling,
                maxLength: Int, normalize: Bool, texts: [String], batchTokens: Int = EncoderOptions().batchTokenBudget,
                batchSize: Int = EncoderOptions().maxBatchSize, blasKernel: String = OpenBLASKernelSelection.coreName ?? "unknown") {
        self.modelName = modelName; self.modelIdentity = modelIdentity; self.tokenizerIdentity = tokenizerIdentity
        self.dimension = dimension; self.pooling = pooling; self.maxLength = maxLength; self.normalize = normalize
        self.batchTokens = batchTokens; self.batchSize = batchSize; self.blasKernel = blasKernel
        var f = Fingerprint()
        for text in texts { f.combine(text) }
        textsFingerprint = f.hexString
        count = texts.count
    }

    /// The key of `texts` embedded with the model in `model` under `options` (reads the model's files for their
    /// fingerprints, not the weights into memory).
    /// - Throws: when a model file cannot be read.
    public init(model: ModelDirectory, options: EncoderOptions, texts: [String]) throws {
        var tokenizerFingerprint = Fingerprint()
        for url in [model.vocabularyURL, model.tokenizerJSONURL, model.tokenizerConfigurationURL, model.addedTokensURL].compactMap({ $0 }) {
            tokenizerFingerprint.combine(url.lastPathComponent)
            do { tokenizerFingerprint.combine(try Data(contentsOf: url, options: .alwaysMapped)) } catch {
                throw MicseError("\(url.path): cannot read (\(error.localizedDescription))")
            }
        }
        self.init(modelName: model.name, modelIdentity: try model.identityFingerprint(),
                  tokenizerIdentity: tokenizerFingerprint.hexString, dimension: model.configuration.hiddenSize,
                  pooling: options.pooling, maxLength: min(options.maxLength, model.configuration.maxPositions),
                  normalize: options.normalize, texts: texts, batchTokens: options.batchTokenBudget, batchSize: options.maxBatchSize)
    }

    /// Equal identities (every field but the display name: one model reached under two folder names is one model).
    public static func == (a: EmbeddingCacheKey, b: EmbeddingCacheKey) -> Bool {
        var a = a
        a.modelName = b.modelName
        return a.entryFields == b.entryFields
    }

    /// The identity fields, in the order `entryName` hashes them.
    private var entryFields: [String] {
        [String(encoderRevision), modelIdentity, tokenizerIdentity, String(dimension), pooling.rawValue, String(maxLength),
         normalize ? "1" : "0", textsFingerprint, String(count), String(batchTokens), String(batchSize), blasKernel]
    }

    /// The entry's file name stem: a fingerprint of every identity field (the name is only a label).
    public var entryName: String {
        var f = Fingerprint()
        for field in entryFields { f.combine(field) }
        return f.hexString
    }
}

/// Sentence vectors kept on disk between runs, so that re-plotting a corpus does not re-embed it.
///
/// Location: `${MICSE_HOME:-${XDG_CACHE_HOME:-~/.cache}/micse-cluster}/embeddings/` (`defaultDirectory`). Each entry
/// is `<key>.npy` ((N, D) float32, input order) and `<key>.json` (the full `EmbeddingCacheKey`, the shape, a
/// fingerprint of the vector bytes and the creation time). Clear it by deleting the folder (`rm -rf
/// ~/.cache/micse-cluster/embeddings`), or bypass it with `--no-cache`.
///
/// An entry is trusted only if its metadata decodes, names exactly the requested key, the `.npy` reads completely,
/// its shape is (count, dimension), its bytes match the recorded fingerprint and every value is finite; otherwise
/// `lookup` says why and the caller recomputes and overwrites it. Both files are written atomically, the
/// metadata last, so an interrupted `store` leaves no entry that passes these checks.
public struct EmbeddingCache: Sendable {
    public let directory: URL

    public init(directory: URL = EmbeddingCache.defaultDirectory()) {
        self.directory = directory
    }

    /// `${MICSE_HOME:-${XDG_CACHE_HOME:-~/.cache}/micse-cluster}/embeddings`.
    /// `$MICSE_CACHE_DIR` overrides it (e.g. to start from an empty cache in a benchmark).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["MICSE_CACHE_DIR"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        // The bundled model sits in <root>/models/<name>; the cache is <root>/embeddings.
        return ModelResolver.bundledDirectory(environment: environment)
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("embeddings")
    }

    /// The outcome of a lookup.
    public enum Lookup: Sendable {
        case hit(Matrix)
        /// No entry for this key.
        case miss
        /// An entry exists but cannot be trusted; `reason` says why (for a notice).
        case invalid(reason: String)
    }

    struct Metadata: Codable, Equatable {
        var format: Int
        var key: EmbeddingCacheKey
        var rows: Int
        var columns: Int
        var dataFingerprint: String
        var created: String
    }

    static let format = 1

    public func dataURL(for key: EmbeddingCacheKey) -> URL { directory.appendingPathComponent(key.entryName + ".npy") }
    public func metadataURL(for key: EmbeddingCacheKey) -> URL { directory.appendingPathComponent(key.entryName + ".json") }

    /// Finds the vectors of `key`, validating the entry (see the type's documentation).
    public func lookup(_ key: EmbeddingCacheKey) -> Lookup {
        let metadataURL = metadataURL(for: key), dataURL = dataURL(for: key)
        guard FileManager.default.fileExists(atPath: metadataURL.path) else { return .miss }
        let metadata: Metadata
        do { metadata = try JSONDecoder().decode(Metadata.self, from: Data(contentsOf: metadataURL)) } catch {
            return .invalid(reason: "\(metadataURL.path): unreadable metadata")
        }
        guard metadata.format == Self.format else { return .invalid(reason: "\(metadataURL.path): cache format \(metadata.format)") }
        guard metadata.key == key else { return .invalid(reason: "\(metadataURL.path): metadata names another model, options or texts") }
        guard metadata.rows == key.count, metadata.columns == key.dimension else {
            return .invalid(reason: "\(metadataURL.path): shape (\(metadata.rows), \(metadata.columns)) instead of (\(key.count), \(key.dimension))")
        }
        let array: NPYFile.Array2D
        do { array = try NPYFile.read(dataURL) } catch {
            return .invalid(reason: "\(error)")
        }
        guard array.rows == key.count, array.columns == key.dimension, !array.isVector || key.dimension == 1 else {
            return .invalid(reason: "\(dataURL.path): shape (\(array.rows), \(array.columns)) instead of (\(key.count), \(key.dimension))")
        }
        guard Self.fingerprint(array.values) == metadata.dataFingerprint else {
            return .invalid(reason: "\(dataURL.path): contents do not match the recorded fingerprint")
        }
        let matrix = Matrix(rows: array.rows, columns: array.columns, storage: array.values)
        if let row = matrix.firstNonFiniteRow() { return .invalid(reason: "\(dataURL.path): row \(row + 1) holds NaN or infinite values") }
        return .hit(matrix)
    }

    /// Stores `embeddings` under `key` (creating the folder), replacing any entry.
    /// - Throws: when the folder cannot be created or written.
    public func store(_ embeddings: Matrix, for key: EmbeddingCacheKey) throws {
        precondition(embeddings.rows == key.count && embeddings.columns == key.dimension, "embeddings do not match the key's shape")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MicseError("cannot create the embedding cache folder \(directory.path): \(error.localizedDescription)")
        }
        try NPYFile.write(rows: embeddings.rows, columns: embeddings.columns, values: embeddings.storage, to: dataURL(for: key))
        let metadata = Metadata(format: Self.format, key: key, rows: embeddings.rows, columns: embeddings.columns,
                                dataFingerprint: Self.fingerprint(embeddings.storage),
                                created: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(metadata), to: metadataURL(for: key))
    }

    /// Removes the entry of `key`, if any.
    public func remove(_ key: EmbeddingCacheKey) {
        try? FileManager.default.removeItem(at: metadataURL(for: key))
        try? FileManager.default.removeItem(at: dataURL(for: key))
    }

    static func fingerprint(_ values: [Float]) -> String {
        var f = Fingerprint()
        values.withUnsafeBytes { f.combine($0) }
        return f.hexString
    }
}
