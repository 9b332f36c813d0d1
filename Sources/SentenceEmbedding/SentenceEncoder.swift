import Foundation
import LinearAlgebra
import MicseSupport
import Tokenization

/// Sentence vectors of a list of texts, and what happened on the way.
public struct EmbeddingResult: Sendable {
    /// (N, D) row-major, row i for text i (input order), pooled and, if asked, L2-normalised.
    public var embeddings: Matrix
    /// Texts longer than the maximum length, whose tail was cut off.
    public var truncatedCount: Int
    /// Tokens embedded, `[CLS]`/`[SEP]` included (no padding is ever computed).
    public var tokenCount: Int
    /// Wall-clock seconds spent tokenising and running the encoder.
    public var tokenizeSeconds: Double
    public var encodeSeconds: Double
}

/// The sentence-embedder façade: WordPiece tokenisation (`Tokenization.BertTokenizer`) then the BERT encoder
/// (`BertEncoder`) and pooling, for a whole corpus at once.
///
/// ```swift
/// let model = try ModelResolver.resolve(explicit: nil).directory
/// let encoder = try SentenceEncoder(model: model, options: EncoderOptions(pooling: model.defaultPooling))
/// let result = try encoder.embed(texts, progress: reporter)      // result.embeddings is (N, 384)
/// ```
///
/// Texts are tokenised with `[CLS] … [SEP]` and truncated to `maxLength` tokens (the option, capped by the
/// model's positions); an empty text embeds as `[CLS][SEP]`, as transformers does.
public final class SentenceEncoder: Sendable {
    public let encoder: BertEncoder
    public let tokenizer: BertTokenizer
    public let options: EncoderOptions

    /// The truncation length actually applied: `options.maxLength` capped by `max_position_embeddings`.
    public var effectiveMaxLength: Int { min(options.maxLength, encoder.maxPositions) }
    /// The dimension of the vectors (the model's hidden size).
    public var dimension: Int { encoder.hiddenSize }

    public init(encoder: BertEncoder, tokenizer: BertTokenizer, options: EncoderOptions) throws {
        try options.validate()
        guard tokenizer.vocabularySize <= encoder.configuration.vocabSize else {
            throw EncoderError.badConfiguration("the tokenizer has \(tokenizer.vocabularySize) tokens but the model's vocab_size is \(encoder.configuration.vocabSize) — tokenizer and weights come from different models")
        }
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.options = options
    }

    public convenience init(weights: BertWeights, tokenizer: BertTokenizer, options: EncoderOptions) throws {
        try self.init(encoder: try BertEncoder(weights: weights), tokenizer: tokenizer, options: options)
    }

    /// Loads the weights and the tokenizer of a model directory.
    public convenience init(model: ModelDirectory, options: EncoderOptions) throws {
        let tokenizer = try BertTokenizer(directory: model.url)
        try self.init(weights: try model.loadWeights(), tokenizer: tokenizer, options: options)
    }

    /// Embeds `texts` (any number, any length).
    ///
    /// - Parameter progress: receives `("embed", done, total)` in texts and one notice when texts were truncated.
    /// - Throws: `EncoderError.nonFiniteOutput(row:)` when a vector holds NaN/Inf (0-based input row; the message
    ///   counts from 1), `.tokenIDOutOfRange` if tokenizer and model disagree.
    public func embed(_ texts: [String], progress: any ProgressReporter = SilentProgress()) throws -> EmbeddingResult {
        let threads = resolvedThreadCount(options.threadCount)
        let clock = Stopwatch()
        let (ids, truncated) = tokenizer.encodeBatchCountingTruncation(texts, maxLength: effectiveMaxLength, threads: threads)
        let tokenizeSeconds = clock.seconds
        if truncated > 0 {
            progress.notice("\(truncated) text\(truncated == 1 ? " was" : "s were") longer than \(effectiveMaxLength) tokens and truncated (--max-length)")
        }
        let encodeClock = Stopwatch()
        let embeddings = try encoder.embed(tokenIDs: ids, options: options, progress: progress)
        return EmbeddingResult(embeddings: embeddings, truncatedCount: truncated, tokenCount: ids.reduce(0) { $0 + $1.count },
                               tokenizeSeconds: tokenizeSeconds, encodeSeconds: encodeClock.seconds)
    }
}
