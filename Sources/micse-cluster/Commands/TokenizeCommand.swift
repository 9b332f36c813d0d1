import ArgumentParser
import Foundation
import MicseSupport
import SentenceEmbedding
import Tokenization

/// `micse-cluster tokenize --model DIR`: BERT WordPiece ids of each line of stdin, as JSON arrays.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the BERT input ids of each line of stdin (one JSON array per line).",
        discussion: """
        Reads one text per line (UTF-8; invalid bytes become U+FFFD, which BERT drops) and prints \
        the ids [CLS] … [SEP] that Hugging Face's BertTokenizerFast gives, truncated to \
        --max-length ids and not padded. The model directory holds vocab.txt (with \
        tokenizer_config.json) or tokenizer.json; without --model, the model the other commands \
        use ($MICSE_MODEL, the Hugging Face cache, the bundled all-MiniLM-L6-v2).

        Example:
          echo "Hello, world!" | micse-cluster tokenize
          [101,7592,1010,2088,999,102]
        """
    )

    @Option(help: "Model directory (vocab.txt + tokenizer_config.json, or tokenizer.json; default: as the other commands).",
            completion: .directory)
    var model: String?

    @Option(help: "Truncate to this many ids, [CLS] and [SEP] included (default: the model's, as `embed`: 256 for all-MiniLM-L6-v2, else 128).")
    var maxLength: Int?

    @Flag(help: "Do not truncate (ignore --max-length).")
    var noTruncation = false

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let maxLength, maxLength < 2 { throw ValidationError("--max-length must be at least 2 (room for [CLS] and [SEP]); got \(maxLength).") }
        try EmbeddingOptions.validate(model: model)
        try RunOptions.validate(threads: threads)
    }

    func run() throws {
        let directory = try ModelResolver.tokenizerDirectory(explicit: model)
        let tokenizer = try BertTokenizer(directory: directory)
        let threadCount = resolvedThreadCount(threads)
        // The truncation `embed` applies: the model's sentence-transformers length, else 128.
        let modelLength = try ModelDirectory.defaultMaxLength(in: directory)
        let limit: Int? = noTruncation ? nil : (maxLength ?? modelLength)
        var batch: [String] = []
        batch.reserveCapacity(4096)
        func flush() throws {
            var output = ""
            for ids in tokenizer.encodeBatch(batch, maxLength: limit, threads: threadCount) {
                output += "["
                output += ids.map { String($0) }.joined(separator: ",")
                output += "]\n"
            }
            do { try FileHandle.standardOutput.write(contentsOf: Data(output.utf8)) } catch {
                throw MicseError("cannot write the token ids to standard output: \(error.localizedDescription)")
            }
            batch.removeAll(keepingCapacity: true)
        }
        while let line = readLine(strippingNewline: true) {
            batch.append(line)
            if batch.count == 4096 { try flush() }
        }
        if !batch.isEmpty { try flush() }
    }
}
