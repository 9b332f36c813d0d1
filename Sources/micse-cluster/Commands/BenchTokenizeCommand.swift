import ArgumentParser
import CorpusIO
import Foundation
import MicseSupport
import SentenceEmbedding
import Tokenization

/// `micse-cluster bench tokenize`: tokenizer throughput, to set beside bench_tokenize.py.
struct BenchTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Time the BERT tokenizer on a corpus: texts/s batched, single-threaded and one at a time.",
        discussion: """
        Mirrors ../shared/bench/bench_tokenize.py (BertTokenizerFast, truncation at --max-length):
          batched      encodeBatch of the corpus on --threads threads (fast_batch)
          single       encodeBatch on one thread
          one_by_one   encode() per text, one thread (fast_one_by_one)

        Times are medians of --runs runs after one untimed run; the corpus is read before timing. \
        Also reports the token-length distribution ([CLS]/[SEP] included) and the truncated count. \
        Output: one JSON object on stdout. Use a release build.

        Example:
          swift build -c release && .build/release/micse-cluster bench tokenize \\
              --csv ../shared/data/tweet_eval_sentiment_test.csv \\
              --model ~/.cache/micse-cluster/models/all-MiniLM-L6-v2
        """
    )

    @Option(help: "Corpus (CSV with a text column, or any format CorpusIO reads; default: ../shared/data/tweet_eval_sentiment_test.csv, from the repository folder).",
            transform: URL.init(fileURLWithPath:))
    var csv = URL(fileURLWithPath: "../shared/data/tweet_eval_sentiment_test.csv")

    @Option(help: "Model directory (tokenizer.json, or vocab.txt + tokenizer_config.json; default: the model the other commands use).")
    var model: String?

    @Option(help: "Truncation length in ids.")
    var maxLength = 128

    @Option(help: "Threads for the batched run.")
    var threads = 2

    @Option(help: "Timed runs per mode (median reported).")
    var runs = 5

    func validate() throws {
        guard maxLength >= 2 else { throw ValidationError("--max-length must be at least 2; got \(maxLength).") }
        guard runs >= 1, threads >= 1 else { throw ValidationError("--runs and --threads must be at least 1.") }
        try EmbeddingOptions.validate(model: model)
    }

    func run() throws {
        let corpus = try CorpusReader.read(csv, options: CorpusReadOptions(keepEmptyTexts: true))
        let texts = corpus.texts
        let loadClock = Stopwatch()
        let model = try ModelResolver.tokenizerDirectory(explicit: self.model)
        let tokenizer = try BertTokenizer(directory: model)
        let loadSeconds = loadClock.seconds

        func time(_ body: () -> [[Int32]]) -> (median: Double, runs: [Double], result: [[Int32]]) {
            var result = body()   // warm-up
            var times: [Double] = []
            for _ in 0..<runs {
                let clock = Stopwatch()
                result = body()
                times.append(clock.seconds)
            }
            return (times.sorted()[times.count / 2], times, result)
        }
        let batched = time { tokenizer.encodeBatch(texts, maxLength: maxLength, threads: threads) }
        let single = time { tokenizer.encodeBatch(texts, maxLength: maxLength, threads: 1) }
        let oneByOne = time { texts.map { tokenizer.encode($0, maxLength: maxLength) } }
        precondition(batched.result == single.result && single.result == oneByOne.result, "modes disagree")

        let lengths = batched.result.map(\.count).sorted()
        let total = lengths.reduce(0, +)
        let truncated = tokenizer.encodeBatchCountingTruncation(texts, maxLength: maxLength, threads: threads).truncatedCount
        func percentile(_ p: Double) -> Double {   // numpy's default (linear) percentile
            guard !lengths.isEmpty else { return 0 }
            let position = p / 100 * Double(lengths.count - 1)
            let low = Int(position.rounded(.down)), high = min(low + 1, lengths.count - 1)
            return Double(lengths[low]) + (position - Double(low)) * Double(lengths[high] - lengths[low])
        }
        func mode(_ t: (median: Double, runs: [Double], result: [[Int32]]), threads: Int) -> [String: Any] {
            ["threads": threads, "median_s": t.median, "runs_s": t.runs, "texts_per_s": Double(texts.count) / t.median,
             "tokens_per_s": Double(total) / t.median]
        }
        let result: [String: Any] = [
            "script": "micse-cluster bench tokenize", "csv": csv.path, "n": texts.count, "model": model.path,
            "max_length": maxLength, "load_s": loadSeconds,
            "batched": mode(batched, threads: threads), "single": mode(single, threads: 1),
            "one_by_one": mode(oneByOne, threads: 1),
            "token_lengths": ["mean": texts.isEmpty ? 0 : Double(total) / Double(texts.count), "p50": percentile(50),
                              "p95": percentile(95), "max": lengths.last ?? 0, "total": total, "truncated": truncated],
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
