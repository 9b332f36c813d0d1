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
        Reads a corpus (CSV/TSV with a text column, JSON Lines or one text per line), tokenises each text, \
        runs the encoder and writes one row per input record, in input order (empty texts embed as \
        [CLS][SEP]; records skipped by --skip-invalid have no row, and their numbers are printed). \
        Vectors are cached by model, options and texts; see --no-cache.

        Examples:
          micse-cluster embed tweets.csv --output emb.npy
          micse-cluster embed notes.txt --output emb.npy --pooling cls \\
              --max-length 32 --no-cache
        """
    )

    @Argument(help: "The corpus file.", transform: URL.init(fileURLWithPath:))
    var input: URL

    @Option(name: .shortAndLong, help: "Where to write the (N, D) float32 .npy.", transform: URL.init(fileURLWithPath:))
    var output: URL

    @OptionGroup(title: "Corpus") var corpus: CorpusOptions
    @OptionGroup(title: "Embedding") var embedding: EmbeddingOptions
    @OptionGroup(title: "Embedding") var cache: EmbeddingCacheOptions
    @OptionGroup(title: "Run") var runOptions: RunOptions
    @OptionGroup var verbosity: OutputVerbosityOptions

    func validate() throws {
        guard output.pathExtension.lowercased() == "npy" else {
            throw ValidationError("--output must end in .npy (got \(output.lastPathComponent)).")
        }
    }

    func run() throws {
        try AtomicFile.checkDistinct(outputs: [(output, "--output")], inputs: [input, corpus.labels].compactMap { $0 })
        try AtomicFile.checkWritable(output)
        let reporter = ConsoleReporter(verbosity: verbosity.quiet ? .quiet : (verbosity.verbose ? .verbose : .normal))
        if let change = OpenBLASKernelSelection.applied {
            reporter.debug("OpenBLAS kernels: \(change.before) → \(change.after) (its CPU detection fell back)")
        }
        // One row per input record: empty texts are kept (they embed as [CLS][SEP]).
        var readOptions = corpus.readOptions
        readOptions.keepEmptyTexts = true
        let documents = try CorpusReader.read(input, options: readOptions)
        for notice in documents.notices { reporter.notice(notice) }
        let stage = try EmbeddingStage(model: embedding.model, pooling: embedding.pooling, normalize: embedding.normalize,
                                       maxLength: embedding.maxLength, batchTokenBudget: embedding.batchTokens,
                                       maxBatchSize: embedding.batchSize, threads: runOptions.threads)
        reporter.info(stage.resolved.summary)
        if let notice = stage.resolved.notice { reporter.notice(notice) }
        let cache = cache.noCache ? nil : EmbeddingCache()
        // The main command skips empty texts (unless --keep-empty). Embedding the others exactly as
        // it does (same batches, so the same last bits, and the same cache entry) makes
        // `map --embeddings` of this file reproduce the plain map; the empty texts' rows ([CLS][SEP])
        // are embedded on their own.
        let blank = documents.texts.indices.filter { CorpusReader.isEmptyText(documents.texts[$0]) }
        let vectors: Matrix
        if corpus.keepEmpty || blank.isEmpty || blank.count == documents.count {
            let result = try stage.embed(documents, cache: cache, progress: reporter)
            reporter.stage("embed", seconds: result.seconds, result.detail)
            vectors = result.embeddings
        } else {
            let blankSet = Set(blank)
            let kept = documents.texts.indices.filter { !blankSet.contains($0) }
            var nonEmpty = documents
            nonEmpty.texts = kept.map { documents.texts[$0] }
            nonEmpty.labels = documents.labels.map { labels in kept.map { labels[$0] } }
            nonEmpty.recordIndices = kept.map { documents.recordIndices[$0] }
            nonEmpty.lineNumbers = kept.map { documents.lineNumbers[$0] }
            let result = try stage.embed(nonEmpty, cache: cache, progress: reporter)
            let empty = try stage.embed([""], cache: nil, progress: SilentProgress()).embeddings
            reporter.stage("embed", seconds: result.seconds, result.detail + ", \(blank.count) empty text\(blank.count == 1 ? "" : "s") as [CLS][SEP]")
            // Record i's row: its text's vector, or the empty text's (the row after the others).
            var source = [Int](repeating: kept.count, count: documents.count)
            for (row, i) in kept.enumerated() { source[i] = row }
            let stacked = Matrix(rows: kept.count + 1, columns: empty.columns, storage: result.embeddings.storage + empty.storage)
            vectors = stacked.selectingRows(source)
        }
        if documents.skippedInvalid > 0 {
            // Their rows are missing, so row i is no longer record i after the first of them: say which.
            let shown = documents.invalidRecordIndices.prefix(10).map(String.init).joined(separator: ", ")
            reporter.notice("\(documents.skippedInvalid) record\(documents.skippedInvalid == 1 ? "" : "s") with invalid UTF-8 skipped, so without a row "
                            + "(0-based record \(shown)\(documents.skippedInvalid > 10 ? ", …" : "")); the rows are the other records in order")
        }
        try NPYFile.write(rows: vectors.rows, columns: vectors.columns, values: vectors.storage, to: output)
        reporter.info("wrote \(output.path) (\(vectors.rows) × \(vectors.columns) float32)")
    }
}
