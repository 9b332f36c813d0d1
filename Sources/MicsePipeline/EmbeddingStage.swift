import Foundation
import LinearAlgebra
import MicseSupport
import SentenceEmbedding
import CorpusIO

/// Sentence embeddings of a corpus: resolve the model, look in the embedding cache, else
/// embed with `SentenceEncoder` (identical texts once, their vector copied to every
/// occurrence) and store the result in the cache.
public struct EmbeddingStage {
    public struct Result: Sendable {
        /// (N, D), row i for text i.
        public var embeddings: Matrix
        public var model: ResolvedModel
        public var options: EncoderOptions
        /// `ModelDirectory.identityFingerprint()` (config + weights).
        public var identity: String
        /// Distinct texts longer than the maximum length, truncated.
        public var truncatedCount: Int
        /// Texts that repeat an earlier text exactly (embedded once).
        public var duplicateCount: Int
        public var fromCache: Bool
        /// The cache entry read or written, if any.
        public var cachePath: String?
        public var seconds: Double

        /// One line for the stage report: shape, pooling, cache, duplicates, truncation.
        public var detail: String {
            var d = "\(embeddings.rows)×\(embeddings.columns), \(options.pooling.rawValue) pooling"
            if options.normalize { d += ", normalised" }
            if fromCache { d += ", from the cache" }
            if duplicateCount > 0 {
                let texts = "\(duplicateCount.formatted()) duplicate text\(duplicateCount == 1 ? "" : "s")"
                d += fromCache ? ", \(texts)" : ", \(texts) embedded once"
            }
            if truncatedCount > 0 { d += ", \(truncatedCount) truncated to \(options.maxLength) tokens" }
            return d
        }
    }

    public let resolved: ResolvedModel
    /// Pooling resolved from the model's files unless given; normalisation likewise.
    public let options: EncoderOptions

    /// Resolves the model (`explicit`, `$MICSE_MODEL`, the Hugging Face cache, the bundled
    /// default) without loading its weights.
    /// `maxLength` nil: the model's own (`ModelDirectory.defaultMaxLength`).
    public init(model: String?, pooling: Pooling?, normalize: Bool?, maxLength: Int?, batchTokenBudget: Int = 2048,
                maxBatchSize: Int = 256, threads: Int? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        resolved = try ModelResolver.resolve(explicit: model, environment: environment)
        let directory = resolved.directory
        // The encoder cannot read past its position embeddings: a longer --max-length is an error
        // rather than a silent cap (the run would record a length that was not used).
        let positions = directory.configuration.maxPositions
        if let maxLength, maxLength > positions {
            throw MicseError("--max-length \(maxLength) is more than \(directory.name) can read: it has \(positions) token positions "
                             + "(max_position_embeddings); use at most \(positions)")
        }
        options = EncoderOptions(pooling: pooling ?? directory.defaultPooling, normalize: normalize ?? directory.normalizesEmbeddings,
                                 maxLength: min(maxLength ?? directory.defaultMaxLength, positions), batchTokenBudget: batchTokenBudget, maxBatchSize: maxBatchSize,
                                 threadCount: threads)
        try options.validate()
    }

    /// Embeds the documents of a corpus; a NaN or infinite vector is an error naming the file and line.
    public func embed(_ corpus: Corpus, cache: EmbeddingCache?, progress: any ProgressReporter) throws -> Result {
        do { return try embed(corpus.texts, cache: cache, progress: progress) } catch EncoderError.nonFiniteOutput(let row)
            where corpus.lineNumbers.indices.contains(row) {
            throw MicseError("\(corpus.source.path):\(corpus.lineNumbers[row]): the sentence vector of this text holds NaN or infinite values (are the model weights corrupt?)")
        }
    }

    /// Embeds `texts`, through `cache` when given (a stale or corrupt entry is reported and recomputed).
    /// - Throws: `EncoderError.nonFiniteOutput(row:)` naming the first text (in `texts`) whose vector is not finite.
    public func embed(_ texts: [String], cache: EmbeddingCache?, progress: any ProgressReporter) throws -> Result {
        let stopwatch = Stopwatch()
        let directory = resolved.directory
        let key = try EmbeddingCacheKey(model: directory, options: options, texts: texts)
        var duplicates = 0
        if let cache {
            switch cache.lookup(key) {
            case .hit(let matrix):
                duplicates = texts.count - Set(texts).count
                return Result(embeddings: matrix, model: resolved, options: options, identity: key.modelIdentity, truncatedCount: 0,
                              duplicateCount: duplicates, fromCache: true, cachePath: cache.dataURL(for: key).path, seconds: stopwatch.seconds)
            case .invalid(let reason):
                progress.notice("ignoring a stale embedding cache entry (\(reason)); embedding again")
            case .miss:
                break
            }
        }
        // Identical texts once.
        var firstIndex: [String: Int] = [:]
        var uniqueTexts: [String] = []
        var representative = [Int](repeating: 0, count: texts.count)
        for (i, t) in texts.enumerated() {
            if let j = firstIndex[t] { representative[i] = j; continue }
            firstIndex[t] = uniqueTexts.count
            representative[i] = uniqueTexts.count
            uniqueTexts.append(t)
        }
        duplicates = texts.count - uniqueTexts.count
        let encoder = try SentenceEncoder(model: directory, options: options)
        let result: EmbeddingResult
        do { result = try encoder.embed(uniqueTexts, progress: progress) } catch EncoderError.nonFiniteOutput(let row) {
            throw EncoderError.nonFiniteOutput(row: representative.firstIndex(of: row) ?? row)
        }
        let embeddings = duplicates == 0 ? result.embeddings : result.embeddings.selectingRows(representative)
        var cachePath: String?
        if let cache {
            do {
                try cache.store(embeddings, for: key)
                cachePath = cache.dataURL(for: key).path
            } catch {
                progress.notice("could not write the embedding cache: \(error)")
            }
        }
        return Result(embeddings: embeddings, model: resolved, options: options, identity: key.modelIdentity,
                      truncatedCount: result.truncatedCount, duplicateCount: duplicates, fromCache: false,
                      cachePath: cachePath, seconds: stopwatch.seconds)
    }
}
