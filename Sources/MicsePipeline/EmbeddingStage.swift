import Foundation
import LinearAlgebra
import MicseSupport
import SentenceEmbedding
import Tokenization

/// Sentence embeddings of a list of texts with a BERT model: resolve the model, tokenise, encode.
/// Identical texts are embedded once and their vector copied to every occurrence.
public struct EmbeddingStage {
    public struct Result: Sendable {
        /// (N, D), row i for text i.
        public var embeddings: Matrix
        public var model: ResolvedModel
        public var pooling: Pooling
        public var normalize: Bool
        public var identity: String
        /// Texts longer than the model's positions (or `maxLength`), truncated.
        public var truncatedCount: Int
        /// Texts that repeat an earlier text exactly (embedded once).
        public var duplicateCount: Int
        public var fromCache: Bool
        public var cachePath: String?
        public var seconds: Double
    }

    public let resolved: ResolvedModel
    public let tokenizer: BertTokenizer
    public let pooling: Pooling
    public let normalize: Bool
    public let maxLength: Int

    /// Resolves and opens the model (weights are loaded only when something must be embedded).
    public init(model: String?, pooling: Pooling?, normalize: Bool?, maxLength: Int,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        resolved = try ModelResolver.resolve(explicit: model, environment: environment)
        tokenizer = try BertTokenizer(directory: resolved.directory.url)
        self.pooling = pooling ?? resolved.directory.defaultPooling
        self.normalize = normalize ?? resolved.directory.normalizesEmbeddings
        let positions = resolved.directory.configuration.maxPositions
        self.maxLength = min(maxLength, positions)
    }

    /// Embeds `texts` (through the cache when `cacheFolder` is given).
    public func embed(_ texts: [String], threads: Int?, batchTokenBudget: Int, progress: any ProgressReporter) throws -> Result {
        let stopwatch = Stopwatch()
        // Identical texts once.
        var firstIndex: [String: Int32] = [:]
        var uniqueTexts: [String] = []
        var representative = [Int32](repeating: 0, count: texts.count)
        for (i, t) in texts.enumerated() {
            if let j = firstIndex[t] { representative[i] = j; continue }
            let j = Int32(uniqueTexts.count)
            firstIndex[t] = j; representative[i] = j; uniqueTexts.append(t)
        }
        let workers = resolvedThreadCount(threads)
        let identity = try resolved.directory.identityFingerprint()
        let (ids, truncated) = tokenizer.encodeBatchCountingTruncation(uniqueTexts, maxLength: maxLength, threads: workers)
        let weights = try resolved.directory.loadWeights()
        let encoder = try BertEncoder(weights: weights)
        let options = EncoderOptions(pooling: pooling, normalize: normalize, maxLength: maxLength,
                                     batchTokenBudget: batchTokenBudget, threadCount: workers)
        let unique = try encoder.embed(tokenIDs: ids, options: options, progress: progress)
        let embeddings = unique.selectingRows(representative.map(Int.init))
        return Result(embeddings: embeddings, model: resolved, pooling: pooling, normalize: normalize, identity: identity,
                      truncatedCount: truncated, duplicateCount: texts.count - uniqueTexts.count, fromCache: false,
                      cachePath: nil, seconds: stopwatch.seconds)
    }
}
