import ArgumentParser
import CorpusIO
import Foundation

extension CorpusFormat: ExpressibleByArgument {}

/// How to read the input corpus; shared by every command that reads one.
struct CorpusOptions: ParsableArguments {
    @Option(help: "Input format: csv, tsv, jsonl or text (default: from the extension, else sniffed).")
    var format: CorpusFormat?

    @Option(help: ArgumentHelp("Column holding the text: a header name or a 1-based number.",
                               discussion: "Default: the first of text, tweet, sentence, document, content, … in the header."))
    var textColumn: String?

    @Option(help: ArgumentHelp("Column holding the label: a header name, a 1-based number, or 'none'.",
                               discussion: "Default: the first of label, class, category, sentiment, … in the header, if any."))
    var labelColumn: String?

    @Option(help: "For plain-text input: a file with one label per line (default: X_labels.txt beside X_text.txt).",
            transform: URL.init(fileURLWithPath:))
    var labels: URL?

    @Flag(help: "Skip rows that are not valid UTF-8 (counted in the summary) instead of stopping.")
    var skipInvalid = false

    @Flag(help: "Keep documents whose text is empty (by default they are skipped and counted; `embed` always keeps them, one row per record).")
    var keepEmpty = false

    var readOptions: CorpusReadOptions {
        CorpusReadOptions(format: format, textColumn: textColumn, labelColumn: labelColumn, labelsFile: labels,
                          skipInvalidUTF8: skipInvalid, keepEmptyTexts: keepEmpty)
    }
}

/// Verbosity shared by every command.
struct OutputVerbosityOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print more detail (the resolved configuration of the run).")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
    }
}
