import ArgumentParser
import CorpusIO
import Foundation
import LinearAlgebra
import MicseSupport
import SentenceEmbedding

/// `micse-cluster bench embed`: tokenizer and encoder throughput, to set beside bench_embed.py.
struct BenchEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Time the sentence encoder on a corpus: tokenizer texts/s, encoder sentences/s and GFLOP/s, sgemm ceiling.",
        discussion: """
        Mirrors ../shared/bench/bench_embed.py (fp32, truncation at --max-length, same FLOP count: per layer \
        2·(4H² + 2HI) per token plus 4L²H per text). Our batches are packed without padding, so the GEMMs execute \
        only useful FLOPs (attention rounds each text's keys up to a multiple of 16: under 1% more work). The \
        sgemm line times a 2048² × 2048² product through the same OpenBLAS on --threads threads: the ceiling for the encoder's GEMMs. Times are medians of --runs runs after an \
        untimed warm-up batch; the corpus and the model are loaded before timing. The embedding cache is not used. \
        Output: one JSON object on stdout; --output writes the vectors (input order) to compare with \
        bench_embed.py's embeddings_<pooling>.npy. Use a release build.

        Example:
          swift build -c release && .build/release/micse-cluster bench embed \\
              --csv ../shared/data/tweet_eval_sentiment_test.csv \\
              --pooling mean --limit 2000
        """
    )

    @Option(help: "Corpus (CSV with a text column, or any format CorpusIO reads; default: ../shared/data/tweet_eval_sentiment_test.csv, from the repository folder).",
            transform: URL.init(fileURLWithPath:))
    var csv = URL(fileURLWithPath: "../shared/data/tweet_eval_sentiment_test.csv")

    @Option(help: "Use the first N texts only.")
    var limit: Int?

    @Option(help: "Timed runs (median reported).")
    var runs = 1

    @Option(help: "Write the vectors of the last run to this .npy.", transform: URL.init(fileURLWithPath:))
    var output: URL?

    @Flag(help: "Skip the sgemm ceiling measurement.")
    var noSgemm = false

    @OptionGroup var embedding: EmbeddingOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1; got \(runs).") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1; got \(limit).") }
    }

    func run() throws {
        if let output { try AtomicFile.checkDistinct(outputs: [(output, "--output")], inputs: [csv]) }
        var texts = try CorpusReader.read(csv, options: CorpusReadOptions(keepEmptyTexts: true)).texts
        if let limit { texts = Array(texts.prefix(limit)) }
        let model = try embedding.resolveModel().directory
        let options = embedding.encoderOptions(for: model, threads: runOptions.threads)
        let threads = resolvedThreadCount(options.threadCount)
        let loadClock = Stopwatch()
        let encoder = try SentenceEncoder(model: model, options: options)
        let loadSeconds = loadClock.seconds
        log("model \(model.name) (\(model.url.path)), \(texts.count) texts, \(threads) threads, OpenBLAS \(OpenBLASKernelSelection.applied.map { "\($0.before) → \($0.after)" } ?? "kernels as detected")")

        // Tokenizer alone (the same call the encoder makes).
        _ = encoder.tokenizer.encodeBatchCountingTruncation(Array(texts.prefix(256)), maxLength: encoder.effectiveMaxLength, threads: threads)
        let (tokenizeSeconds, tokenized) = median(runs) {
            encoder.tokenizer.encodeBatchCountingTruncation(texts, maxLength: encoder.effectiveMaxLength, threads: threads)
        }
        let ids = tokenized.ids
        let lengths = ids.map(\.count)
        // Full-model FLOPs (the count bench_embed.py uses for PyTorch), and what our encoder computes.
        let flops = lengths.reduce(0.0) { $0 + encoder.encoder.flops(sequenceLength: $1) }
        let computedFlops = lengths.reduce(0.0) { $0 + encoder.encoder.computedFlops(sequenceLength: $1, pooling: options.pooling) }

        // Encoder alone, on the ids.
        _ = try encoder.encoder.embed(tokenIDs: Array(ids.prefix(64)), options: options)
        var vectors = Matrix(rows: 0, columns: 0)
        var encodeTimes: [Double] = []
        for _ in 0..<runs {
            let clock = Stopwatch()
            vectors = try encoder.encoder.embed(tokenIDs: ids, options: options)
            encodeTimes.append(clock.seconds)
            log(String(format: "  encoder %.2f s, %.1f sentences/s, %.1f GFLOP/s", encodeTimes.last!, Double(texts.count) / encodeTimes.last!,
                       flops / encodeTimes.last! / 1e9))
        }
        let encodeSeconds = encodeTimes.sorted()[encodeTimes.count / 2]
        if let output { try NPYFile.write(rows: vectors.rows, columns: vectors.columns, values: vectors.storage, to: output) }

        var result: [String: Any] = [
            "script": "micse-cluster bench embed", "csv": csv.path, "n": texts.count, "model": model.url.path,
            "pooling": options.pooling.rawValue, "max_length": encoder.effectiveMaxLength, "threads": threads,
            "batch_tokens": options.batchTokenBudget, "batch_size": options.maxBatchSize,
            "openblas_core": OpenBLASKernelSelection.applied?.after ?? "as detected",
            "model_load_s": loadSeconds,
            "tokenize": ["median_s": tokenizeSeconds, "texts_per_s": Double(texts.count) / tokenizeSeconds,
                         "truncated": tokenized.truncatedCount],
            "encode": ["median_s": encodeSeconds, "runs_s": encodeTimes, "sentences_per_s": Double(texts.count) / encodeSeconds,
                       "real_tokens": lengths.reduce(0, +), "gflops_per_s": flops / encodeSeconds / 1e9,
                       "computed_gflops_per_s": computedFlops / encodeSeconds / 1e9],
            "embed_total": ["seconds": encodeSeconds + tokenizeSeconds,
                            "sentences_per_s": Double(texts.count) / (encodeSeconds + tokenizeSeconds)],
        ]
        if !noSgemm { result["sgemm"] = sgemmCeiling(threads: threads) }
        if let peak = peakResidentMemoryMiB() { result["max_rss_mib"] = peak }
        let json = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    }

    /// 2048² sgemm on `threads` OpenBLAS threads: median and best of 10 after a warm-up.
    func sgemmCeiling(threads: Int) -> [String: Any] {
        let n = 2048
        var rng = SplitMix64(seed: 0)
        let a = Matrix(rows: n, columns: n, storage: (0..<(n * n)).map { _ in rng.nextFloat() - 0.5 })
        let b = Matrix(rows: n, columns: n, storage: (0..<(n * n)).map { _ in rng.nextFloat() - 0.5 })
        var c = Matrix(rows: n, columns: n)
        let previous = BLAS.threadCount
        BLAS.setThreadCount(threads)
        defer { BLAS.setThreadCount(previous) }
        BLAS.gemm(a, .noTranspose, b, .noTranspose, into: &c)
        var times: [Double] = []
        for _ in 0..<10 {
            let clock = Stopwatch()
            BLAS.gemm(a, .noTranspose, b, .noTranspose, into: &c)
            times.append(clock.seconds)
        }
        let flop = 2 * pow(Double(n), 3)
        let median = times.sorted()[times.count / 2]
        log(String(format: "sgemm %d²: %.1f GFLOP/s", n, flop / median / 1e9))
        return ["size": n, "median_s": median, "gflops": flop / median / 1e9, "best_gflops": flop / (times.min() ?? median) / 1e9]
    }

    func median<T>(_ runs: Int, _ body: () -> T) -> (Double, T) {
        var times: [Double] = []
        var result = body()
        times.removeAll()
        for _ in 0..<runs {
            let clock = Stopwatch()
            result = body()
            times.append(clock.seconds)
        }
        return (times.sorted()[times.count / 2], result)
    }

    func log(_ message: String) { FileHandle.standardError.write(Data((message + "\n").utf8)) }
}
