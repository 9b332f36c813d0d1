/// How `SentenceEncoder` turns texts into vectors. Defaults in brackets.
public struct EncoderOptions: Sendable, Equatable, Codable {
    /// How token states become one vector [`.cls`; sentence-transformers models such as
    /// all-MiniLM-L6-v2 were trained for `.mean`, see `PoolingConfiguration` of the model folder].
    public var pooling: Pooling = .cls
    /// Scale every vector to unit L2 norm after pooling [false].
    public var normalize: Bool = false
    /// Tokens per text including `[CLS]` and `[SEP]`; longer texts are truncated (and counted) [128].
    /// Capped by the model's `max_position_embeddings`.
    public var maxLength: Int = 128
    /// Tokens per packed batch [1024]: the M dimension of every GEMM. Texts are packed without padding
    /// until adding the next would exceed it (a text longer than the budget forms a batch of its own).
    /// 1024 was the best of 256…4096 for all-MiniLM-L6-v2 on tweets (one thread: 119 GFLOP per CPU-second
    /// against 113 at 2048 and 107 at 256 or 4096): activations of a batch then stay in cache.
    public var batchTokenBudget: Int = 1024
    /// Texts per batch at most [256].
    public var maxBatchSize: Int = 256
    /// Worker threads [nil: all cores]. Batches are spread over workers, each running single-threaded
    /// OpenBLAS; with fewer batches than threads the spare threads go to OpenBLAS.
    public var threadCount: Int? = nil

    public init(pooling: Pooling = .cls, normalize: Bool = false, maxLength: Int = 128, batchTokenBudget: Int = 1024,
                maxBatchSize: Int = 256, threadCount: Int? = nil) {
        self.pooling = pooling; self.normalize = normalize; self.maxLength = maxLength
        self.batchTokenBudget = batchTokenBudget; self.maxBatchSize = maxBatchSize; self.threadCount = threadCount
    }

    /// Checks the ranges (the CLI checks them earlier, with its own messages).
    public func validate() throws {
        guard maxLength >= 2 else { throw EncoderError.invalidOption("max length must be at least 2 ([CLS] and [SEP]), got \(maxLength)") }
        guard batchTokenBudget >= 1 else { throw EncoderError.invalidOption("batch token budget must be positive, got \(batchTokenBudget)") }
        guard maxBatchSize >= 1 else { throw EncoderError.invalidOption("batch size must be positive, got \(maxBatchSize)") }
        if let threadCount, threadCount < 1 { throw EncoderError.invalidOption("thread count must be positive, got \(threadCount)") }
    }
}

/// Errors of the encoder and the embedding cache.
public enum EncoderError: UserFacingError, Equatable {
    case badConfiguration(String)
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    case invalidOption(String)
    /// A token id outside the model's vocabulary (tokenizer and model do not belong together).
    case tokenIDOutOfRange(row: Int, id: Int32, vocabularySize: Int)
    case sequenceLength(row: Int, length: Int, limit: Int)
    /// A NaN or infinite value in a sentence vector; `row` is the 0-based input index.
    case nonFiniteOutput(row: Int)

    public var description: String {
        switch self {
        case .badConfiguration(let why): return "bad model configuration: \(why)"
        case .shapeMismatch(let key, let expected, let found):
            return "checkpoint tensor \(key) has shape \(found), the configuration needs \(expected)"
        case .invalidOption(let why): return why
        case .tokenIDOutOfRange(let row, let id, let size):
            return "text \(row + 1): token id \(id) is outside the model's vocabulary of \(size) — tokenizer and model files do not match"
        case .sequenceLength(let row, let length, let limit):
            return "text \(row + 1): \(length) tokens, the encoder accepts 1 to \(limit)"
        case .nonFiniteOutput(let row):
            return "text \(row + 1): the sentence vector holds NaN or infinite values (model weights or input are corrupt)"
        }
    }
}

import MicseSupport
