import ArgumentParser
import Foundation
import SentenceEmbedding

extension Pooling: ExpressibleByArgument {}

/// Sentence-embedding options shared by `micse-cluster embed`, `bench embed` and the main pipeline
/// (the cache switch is `EmbeddingCacheOptions`: `bench embed` never uses the cache).
struct EmbeddingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Model directory (config.json, vocab.txt, model.safetensors or pytorch_model.bin).",
        discussion: "Default: $MICSE_MODEL, else miCSE in the Hugging Face cache, else the bundled all-MiniLM-L6-v2.",
        valueName: "dir"))
    var model: String?

    @Option(help: ArgumentHelp("Sentence vector: the [CLS] state or the mean of all token states.",
                               discussion: "Default: what the model's sentence-transformers files say (mean for all-MiniLM-L6-v2), else cls (miCSE)."))
    var pooling: Pooling?

    @Option(help: ArgumentHelp("Tokens per text, [CLS] and [SEP] included; longer texts are truncated and counted.",
                               discussion: "Default: the model's sentence-transformers max_seq_length, as its encode truncates (256 for all-MiniLM-L6-v2), else 128."))
    var maxLength: Int?

    @Option(help: "Texts per batch at most.")
    var batchSize = 256

    @Option(help: "Tokens per batch at most (texts are packed without padding; the GEMM height).")
    var batchTokens = 1024

    @Flag(inversion: .prefixedNo,
          help: "Scale every sentence vector to unit length, or not (default: as the model says; all-MiniLM-L6-v2 does, miCSE does not).")
    var normalize: Bool?

    func validate() throws {
        try Self.validate(model: model)
        if let maxLength, maxLength < 2 { throw ValidationError("--max-length must be at least 2 (room for [CLS] and [SEP]); got \(maxLength).") }
        guard (1...1_048_576).contains(batchSize) else { throw ValidationError("--batch-size must be 1…1,048,576; got \(batchSize).") }
        guard (1...16_777_216).contains(batchTokens) else { throw ValidationError("--batch-tokens must be 1…16,777,216; got \(batchTokens).") }
    }

    /// `--model`, if given, is not empty: an unset shell variable (`--model $MODEL`) must not silently mean the
    /// default model (or, for a path, the current folder). Shared with `tokenize` and `bench tokenize`.
    static func validate(model: String?) throws {
        if model?.isEmpty == true { throw ValidationError("--model needs a directory; got an empty path.") }
    }

    /// The model `--model` names, or the default one (with a notice when it is the bundled fallback).
    func resolveModel() throws -> ResolvedModel { try ModelResolver.resolve(explicit: model) }

    /// The encoder configuration for `model` (its own pooling unless --pooling is given).
    func encoderOptions(for model: ModelDirectory, threads: Int?) -> EncoderOptions {
        EncoderOptions(pooling: pooling ?? model.defaultPooling, normalize: normalize ?? false, maxLength: maxLength ?? model.defaultMaxLength,
                       batchTokenBudget: batchTokens, maxBatchSize: batchSize, threadCount: threads)
    }
}

/// The embedding cache switch of `micse-cluster embed` and the main pipeline.
struct EmbeddingCacheOptions: ParsableArguments {
    @Flag(help: ArgumentHelp("Neither read nor write the embedding cache.",
                             discussion: "The cache lives in $MICSE_CACHE_DIR if set, else ${MICSE_HOME:-${XDG_CACHE_HOME:-~/.cache}/micse-cluster}/embeddings; delete that folder to clear it."))
    var noCache = false
}
