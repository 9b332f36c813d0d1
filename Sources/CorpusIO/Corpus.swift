import Foundation
import MicseSupport

/// The file layouts a corpus can come in.
public enum CorpusFormat: String, Sendable, CaseIterable, Codable {
    /// Comma-separated values with a header row (RFC 4180).
    case csv
    /// Tab-separated values with a header row (quoted as CSV).
    case tsv
    /// JSON Lines: one object per line, e.g. `{"text": "…", "label": "…"}`.
    case jsonl
    /// Plain text: one document per line; labels, if any, from a separate file.
    case text
}

/// How to read a corpus file. Every field has a sensible default: the format is sniffed from
/// the extension (then the first line), and the text and label columns are found by name.
public struct CorpusReadOptions: Sendable, Equatable {
    /// The format, or nil to sniff it.
    public var format: CorpusFormat?
    /// The text column: a header name, or a 1-based column number. Nil: auto-detect.
    public var textColumn: String?
    /// The label column: a header name or 1-based number; nil: auto-detect; "" or "none": no labels.
    public var labelColumn: String?
    /// For plain text: a file with one label per line (default: `X_labels.txt` beside `X_text.txt`).
    public var labelsFile: URL?
    /// Skip (and count) rows whose bytes are not valid UTF-8, instead of stopping with an error.
    public var skipInvalidUTF8: Bool
    /// Keep documents whose text is empty or only whitespace (default: skip and count them).
    public var keepEmptyTexts: Bool

    public init(format: CorpusFormat? = nil, textColumn: String? = nil, labelColumn: String? = nil,
                labelsFile: URL? = nil, skipInvalidUTF8: Bool = false, keepEmptyTexts: Bool = false) {
        self.format = format; self.textColumn = textColumn; self.labelColumn = labelColumn
        self.labelsFile = labelsFile; self.skipInvalidUTF8 = skipInvalidUTF8; self.keepEmptyTexts = keepEmptyTexts
    }
}

/// A corpus read from a file: texts in input order, with optional labels.
public struct Corpus: Sendable {
    /// The file it came from.
    public var source: URL
    public var format: CorpusFormat
    public var texts: [String]
    /// One label per text, or nil when the corpus has no label column. An empty label marks a
    /// document without one (an empty cell, a missing JSON field): it is drawn as "(no label)" and
    /// left out of the agreement scores.
    public var labels: [String]?
    /// For each document, its 0-based record number among the file's data records (before any
    /// were skipped), so that it names the input row even when rows were skipped.
    public var recordIndices: [Int]
    /// For each document, the 1-based line of the file on which it starts.
    public var lineNumbers: [Int]
    /// Documents skipped because their text was empty or whitespace.
    public var skippedEmpty: Int
    /// Record numbers (0-based, as `recordIndices`), ascending, of the rows skipped because they were not
    /// valid UTF-8 (with `skipInvalidUTF8`).
    public var invalidRecordIndices: [Int] = []
    /// How many rows were skipped as invalid UTF-8.
    public var skippedInvalid: Int { invalidRecordIndices.count }
    /// The columns the text and labels were taken from (for messages).
    public var textColumnName: String
    public var labelColumnName: String?
    /// What the reader guessed and the user should know (one line each), e.g. that the first
    /// line of a one-column CSV was taken as its header.
    public var notices: [String] = []

    public var count: Int { texts.count }
    /// Documents whose label is empty (0 without labels).
    public var unlabeledCount: Int { labels?.reduce(0) { $0 + ($1.isEmpty ? 1 : 0) } ?? 0 }
    /// A short name for titles: the file name without extension.
    public var name: String { source.deletingPathExtension().lastPathComponent }

    /// The distinct labels, by descending count then name; with each label's count. Documents
    /// without a label are not counted (see `unlabeledCount`).
    public func labelCounts() -> [(label: String, count: Int)] {
        guard let labels else { return [] }
        var counts: [String: Int] = [:]
        for l in labels where !l.isEmpty { counts[l, default: 0] += 1 }
        return counts.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
    }
}

/// Errors reading a corpus; each names the file and, where it applies, the line.
public enum CorpusError: UserFacingError, Equatable {
    case missingFile(String)
    case isDirectory(String)
    case unreadable(String, reason: String)
    case empty(String)
    case headerOnly(String)
    case noDocuments(String, skippedEmpty: Int, skippedInvalid: Int)
    case unknownColumn(String, column: String, available: [String])
    case ambiguousTextColumn(String, available: [String])
    case unterminatedQuote(String, line: Int)
    case invalidUTF8(String, line: Int)
    /// Invalid UTF-8 where `--skip-invalid` cannot help: `what` names the place (the header line, say).
    case invalidUTF8Unskippable(String, line: Int, what: String)
    /// A CSV/TSV whose first line has no end within `limit` bytes: not a header line.
    case headerTooLong(String, limit: Int)
    case tooFewFields(String, line: Int, found: Int, needed: Int)
    case tooManyFields(String, line: Int, found: Int, header: Int, hint: String)
    case labelsFileNeedsText(String, labels: String, format: String)
    case badJSON(String, line: Int, reason: String)
    case labelCountMismatch(String, labels: Int, texts: Int)
    /// A file that is not text at all: `what` it is and what to do (`CorpusReader.binaryFormats`).
    case notText(String, what: String, advice: String)
    case invalidUTF16(String)
    /// UTF-16 text with an odd number of bytes: the last character is cut off.
    case truncatedUTF16(String)

    public var description: String {
        switch self {
        case .missingFile(let p): return "\(p): no such file"
        case .isDirectory(let p): return "\(p): is a directory, expected a corpus file (CSV, TSV, JSON Lines or text)"
        case .unreadable(let p, let r): return "\(p): cannot read (\(r))"
        case .empty(let p): return "\(p): the file is empty"
        case .headerOnly(let p): return "\(p): no documents, only a header line"
        case .noDocuments(let p, let e, let i):
            return "\(p): no documents to process (\(e) empty text\(e == 1 ? "" : "s") and \(i) invalid row\(i == 1 ? "" : "s") skipped)"
        case .unknownColumn(let p, let c, let a): return "\(p): no column '\(c)' (columns: \(a.joined(separator: ", ")))"
        case .ambiguousTextColumn(let p, let a):
            return "\(p): cannot tell which column holds the text; pass --text-column NAME (columns: \(a.joined(separator: ", ")))"
        case .unterminatedQuote(let p, let l): return "\(p):\(l): unterminated quoted field (the quote opened on line \(l) is never closed)"
        case .invalidUTF8(let p, let l): return "\(p):\(l): invalid UTF-8 (re-encode the file as UTF-8, or pass --skip-invalid to skip such rows)"
        case .invalidUTF8Unskippable(let p, let l, let what): return "\(p):\(l): invalid UTF-8 in \(what) (re-encode the file as UTF-8)"
        case .headerTooLong(let p, let limit):
            return "\(p): the first line runs past \(limit / (1 << 20)) MiB without a line break, so it is not a header line; is this a CSV file?"
        case .tooFewFields(let p, let l, let f, let n): return "\(p):\(l): row has \(f) field\(f == 1 ? "" : "s"), needs at least \(n)"
        case .tooManyFields(let p, let l, let f, let h, let hint):
            return "\(p):\(l): row has \(f) fields, the header has \(h); \(hint)"
        case .labelsFileNeedsText(let p, let l, let f):
            return "--labels \(l) is for a plain-text corpus (one document per line); \(p) is read as \(f), "
                + "whose labels come from a column (--label-column), or pass --format text"
        case .badJSON(let p, let l, let r): return "\(p):\(l): \(r)"
        case .labelCountMismatch(let p, let l, let t): return "\(p): \(l) labels for \(t) texts (one label per line expected)"
        case .notText(let p, let what, let advice): return "\(p): this is \(what), not a text corpus; \(advice)"
        case .invalidUTF16(let p): return "\(p): is UTF-16 (by its byte-order mark or its zero bytes) but not valid UTF-16 (re-encode the file as UTF-8)"
        case .truncatedUTF16(let p): return "\(p): is UTF-16 but ends in half a character (an odd number of bytes: cut off?); re-save it, or re-encode it as UTF-8"
        }
    }
}
