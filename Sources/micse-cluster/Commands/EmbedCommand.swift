import ArgumentParser
import CorpusIO
import Foundation
import LinearAlgebra
import MicsePipeline
import MicseSupport
import SentenceEmbedding

/// `micse-cluster embed INPUT --output emb.npy`: the sentence vectors of a corpus as a NumPy array.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed every text of a corpus with a BERT sentence encoder; write an (N, D) float32 .npy.",
        discussion: """
        Reads a corpus (CSV/TSV with a text column, JSON Lines or one text per line), tokenises each text,
        runs the encoder and writes one row per input record, in input order (empty texts embed as
        [CLS][SEP]). Vectors are cached by model, options and texts; see --no-cache.

        Example:
          micse-cluster embed tweets.csv --output emb.npy --pooling mean --normalize
        """
    )

    @Argument(help: "The corpus file.", transform: URL.init(fileURLWithPath:))
    var input: URL

    @Option(name: .shortAndLong, help: "Where to write the (N, D) float32 .npy.", transform: URL.init(fileURLWithPath:))
    var output: URL

    @Option(help: "The text column (name or 1-based number; default: detected).")
    var textColumn: String?

    @OptionGroup var embedding: EmbeddingOptions
    @OptionGroup var runOptions: RunOptions

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        try AtomicFile.checkWritable(output)
        let reporter = ConsoleReporter(verbosity: quiet ? .quiet : .normal)
        let corpus = try CorpusReader.read(input, options: CorpusReadOptions(textColumn: textColumn, keepEmptyTexts: true))
        let resolved = try embedding.resolveModel()
        if let notice = resolved.notice { reporter.notice(notice) }
        let model = resolved.directory
        let options = embedding.encoderOptions(for: model, threads: runOptions.threads)
        reporter.info("embedding \(corpus.count) texts with \(resolved.summary), pooling \(options.pooling.rawValue), max length \(options.maxLength)\(options.normalize ? ", normalised" : "")")
        let vectors: Matrix
        do {
            vectors = try Self.embed(corpus.texts, model: model, options: options, useCache: !embedding.noCache, reporter: reporter)
        } catch EncoderError.nonFiniteOutput(let row) where corpus.lineNumbers.indices.contains(row) {
            throw MicseError("\(input.path):\(corpus.lineNumbers[row]): the sentence vector of this text holds NaN or infinite values (are the model weights corrupt?)")
        }
        try NPYFile.write(rows: vectors.rows, columns: vectors.columns, values: vectors.storage, to: output)
        reporter.info("wrote \(output.path) (\(vectors.rows) × \(vectors.columns) float32)")
    }

    /// Embeds `texts`, through the embedding cache unless `useCache` is false. Shared with the pipeline's
    /// embedding stage (the integrator may move it to MicsePipeline).
    static func embed(_ texts: [String], model: ModelDirectory, options: EncoderOptions, useCache: Bool,
                      reporter: ConsoleReporter) throws -> Matrix {
        let cache = EmbeddingCache()
        var key: EmbeddingCacheKey?
        if useCache {
            key = try EmbeddingCacheKey(model: model, options: options, texts: texts)
            if let key {
                switch cache.lookup(key) {
                case .hit(let vectors):
                    reporter.info("embeddings read from the cache (\(cache.dataURL(for: key).path); --no-cache to recompute)")
                    return vectors
                case .invalid(let reason):
                    reporter.notice("ignoring a stale embedding cache entry: \(reason)")
                case .miss:
                    break
                }
            }
        }
        let loadClock = Stopwatch()
        let encoder = try SentenceEncoder(model: model, options: options)
        if let change = OpenBLASKernelSelection.applied {
            reporter.debug("OpenBLAS kernels: \(change.before) → \(change.after) (its CPU detection fell back)")
        }
        reporter.stage("load model", seconds: loadClock.seconds, model.name)
        let result = try encoder.embed(texts, progress: reporter)
        let seconds = result.tokenizeSeconds + result.encodeSeconds
        reporter.stage("embed", seconds: seconds, String(format: "%d texts, %d tokens, %.0f texts/s", texts.count, result.tokenCount,
                                                          Double(texts.count) / max(seconds, 1e-9)))
        if let key {
            do { try cache.store(result.embeddings, for: key) } catch {
                reporter.notice("could not write the embedding cache: \(error)")
            }
        }
        return result.embeddings
    }
}
