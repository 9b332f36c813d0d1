import Foundation
import MicseSupport

/// Reads a corpus file into a `Corpus`, keeping rows in input order.
///
/// The file is memory-mapped and parsed once, field by field; only the text and label fields
/// are decoded. Column choice: `options.textColumn`/`labelColumn` by header name (exact, then
/// case-insensitive) or 1-based number; otherwise the first header that looks like text
/// (`text`, `tweet`, `sentence`, …) or label (`label`, `class`, `category`, …).
public enum CorpusReader {
    /// Header names taken as the text column when none is given, in order of preference.
    public static let textColumnNames = ["text", "texts", "tweet", "tweets", "sentence", "sentences", "document", "doc",
                                         "content", "body", "message", "review", "comment", "post", "utterance", "abstract", "title"]
    /// Header names taken as the label column when none is given.
    public static let labelColumnNames = ["label", "labels", "class", "category", "categories", "sentiment", "emotion",
                                          "topic", "target", "tag", "y", "gold", "annotation"]

    public static func read(_ url: URL, options: CorpusReadOptions = CorpusReadOptions()) throws -> Corpus {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CorpusError.missingFile(path) }
        guard !isDirectory.boolValue else { throw CorpusError.isDirectory(path) }
        var data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            // Not a regular file (a pipe such as /dev/stdin, a device): read it through.
            guard let handle = try? FileHandle(forReadingFrom: url), let bytes = try? handle.readToEnd() ?? Data() else {
                throw CorpusError.unreadable(path, reason: FileManager.default.isReadableFile(atPath: path) ? error.localizedDescription : "permission denied")
            }
            data = bytes
        }
        if let format = binaryFormats.first(where: { $0.matches(data) }) {
            throw CorpusError.notText(path, what: format.what, advice: format.advice)
        }
        var encodingNotice: String?
        if let utf16 = try decodedUTF16(data, path: path) {
            // Excel's "Unicode Text" (and some Windows tools) write UTF-16 with a byte-order mark.
            data = Data(utf16.text.utf8)
            encodingNotice = "\(url.lastPathComponent): read as UTF-16 (\(utf16.byteOrder))"
        }
        if data.prefix(Self.sniffLength).contains(0) {
            // UTF-8 text has no NUL bytes (UTF-16 was decoded above): binary data, told apart before any parsing.
            throw CorpusError.notText(path, what: "binary data (it holds NUL bytes)", advice: "pass a CSV, TSV, JSON Lines or plain-text file in UTF-8")
        }
        let bomLength = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard data.count > bomLength,
              data.dropFirst(bomLength).contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw CorpusError.empty(path)
        }
        var format = options.format ?? sniffFormat(url: url, data: data)
        if options.format == nil, let notice = encodingNotice, format == .text, sniffFormat(firstLineOf: data) == .tsv {
            // Excel's "Unicode Text" is a tab-separated table saved as .txt.
            format = .tsv
            encodingNotice = notice + ", tab-separated like Excel's 'Unicode Text' (--format text reads every line as a document)"
        }
        if let labelsFile = options.labelsFile, format != .text {
            throw CorpusError.labelsFileNeedsText(path, labels: labelsFile.path, format: format.rawValue)
        }
        var corpus: Corpus
        var delimiterNotice: String?
        switch format {
        case .csv, .tsv:
            if data.count > Self.maxHeaderLength, !data.prefix(Self.maxHeaderLength).contains(0x0A) {
                throw CorpusError.headerTooLong(path, limit: Self.maxHeaderLength)
            }
            var delimiter = format == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t")
            if format == .csv, let separator = csvSeparatorOtherThanComma(data) {
                // Excel writes "CSV" with semicolons where the comma is the decimal separator; some
                // tools write tab-separated tables under a .csv name.
                delimiter = separator
                let name = separator == UInt8(ascii: ";") ? "';'" : "tabs"
                delimiterNotice = "\(url.lastPathComponent): fields are separated by \(name) (its header line has no comma)"
            }
            corpus = try data.withUnsafeBytes { try readDelimited($0, delimiter: delimiter, url: url, format: format, options: options) }
        case .jsonl:
            corpus = try data.withUnsafeBytes { try readJSONLines($0, url: url, options: options) }
        case .text:
            corpus = try data.withUnsafeBytes { try readPlainText($0, url: url, options: options) }
        }
        guard !corpus.texts.isEmpty else {
            throw CorpusError.noDocuments(path, skippedEmpty: corpus.skippedEmpty, skippedInvalid: corpus.skippedInvalid)
        }
        corpus.format = format
        if let delimiterNotice { corpus.notices.insert(delimiterNotice, at: 0) }
        if let encodingNotice { corpus.notices.insert(encodingNotice, at: 0) }
        if let labels = corpus.labels, labels.allSatisfy(\.isEmpty) {
            // A label column with nothing in it: the corpus has no labels.
            corpus.notices.append("\(url.lastPathComponent): the label column '\(corpus.labelColumnName ?? "")' is empty in every row; "
                                  + "reading the corpus without labels")
            corpus.labels = nil
            corpus.labelColumnName = nil
        }
        return corpus
    }

    /// Bytes looked at to tell binary data from text.
    static let sniffLength = 64 * 1024
    /// Longest header line of a CSV/TSV (1 MiB): a longer first line means the file is something else.
    static let maxHeaderLength = 1 << 20

    /// How a file that is not text is recognised: its first bytes (nil: any byte) and, for formats
    /// whose first bytes could begin a text, its last bytes too.
    struct BinarySignature {
        var prefix: [UInt8?]
        var suffix: [UInt8] = []
        var what: String
        var advice: String

        func matches(_ data: Data) -> Bool {
            guard data.count >= prefix.count + suffix.count,
                  zip(prefix, data.prefix(prefix.count)).allSatisfy({ $0.0 == nil || $0.0 == $0.1 }) else { return false }
            return data.suffix(suffix.count).elementsEqual(suffix)
        }
    }

    /// Files that are not text, by their magic numbers, with what to do instead.
    static let binaryFormats: [BinarySignature] = [
        .init(prefix: [0x50, 0x4B, 0x03, 0x04], what: "a zip archive (an .xlsx or .ods spreadsheet, or a zipped corpus)",
              advice: "save the sheet as CSV UTF-8, or unzip the corpus, and pass that file"),
        .init(prefix: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], what: "a legacy Office file (.xls)",
              advice: "save the sheet as CSV UTF-8 and pass that file"),
        .init(prefix: [0x1F, 0x8B], what: "gzip-compressed data", advice: "decompress it first (gunzip)"),
        // "BZh", the block size, then the first block's magic (the digits of π).
        .init(prefix: [0x42, 0x5A, 0x68, nil, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59], what: "bzip2-compressed data",
              advice: "decompress it first (bunzip2)"),
        .init(prefix: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], what: "xz-compressed data", advice: "decompress it first (unxz)"),
        .init(prefix: [0x28, 0xB5, 0x2F, 0xFD], what: "zstd-compressed data", advice: "decompress it first (unzstd)"),
        .init(prefix: [0x50, 0x41, 0x52, 0x31], suffix: [0x50, 0x41, 0x52, 0x31], what: "a Parquet file",
              advice: "export it as CSV or JSON Lines first"),
        .init(prefix: [0x25, 0x50, 0x44, 0x46, 0x2D], what: "a PDF document",
              advice: "extract its text first (one document per line, or a CSV)"),
        .init(prefix: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59], what: "a NumPy .npy array",
              advice: "embeddings go to --embeddings, next to the corpus they belong to"),
    ]

    /// The text of a file that starts with a UTF-16 byte-order mark (FF FE little-endian, FE FF
    /// big-endian; not FF FE 00 00, UTF-32) and its byte order; nil without such a mark.
    /// - Throws: `CorpusError.invalidUTF16` when the rest is not UTF-16, `truncatedUTF16` when it has an odd
    ///   number of bytes.
    static func decodedUTF16(_ data: Data, path: String) throws -> (text: String, byteOrder: String)? {
        let encoding: String.Encoding, byteOrder: String
        var bomLength = 2
        if data.starts(with: [0xFF, 0xFE]), !data.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            (encoding, byteOrder) = (.utf16LittleEndian, "little-endian, from its byte-order mark")
        } else if data.starts(with: [0xFE, 0xFF]) {
            (encoding, byteOrder) = (.utf16BigEndian, "big-endian, from its byte-order mark")
        } else if let zeroHalf = zeroByteHalf(data) {
            // No byte-order mark, but the zero high bytes of Latin text give the order away.
            bomLength = 0
            (encoding, byteOrder) = zeroHalf == 1 ? (.utf16LittleEndian, "little-endian, without a byte-order mark")
                                                  : (.utf16BigEndian, "big-endian, without a byte-order mark")
        } else {
            return nil
        }
        // Foundation drops a last odd byte without a word: that would lose the end of the last text.
        guard (data.count - bomLength) % 2 == 0 else { throw CorpusError.truncatedUTF16(path) }
        guard let text = String(data: data.dropFirst(bomLength), encoding: encoding) else { throw CorpusError.invalidUTF16(path) }
        return (text, byteOrder)
    }

    /// For text that looks like UTF-16 without a byte-order mark: which half of the byte pairs
    /// (0: even offsets, big-endian; 1: odd offsets, little-endian) holds the zero bytes of the
    /// first 4 KiB, nearly all of them (the high bytes of ASCII characters: spaces, digits, line
    /// ends; Cyrillic or CJK text has few, but they fall in one half). UTF-8 text has no zero bytes
    /// at all; binary data has them in both halves.
    static func zeroByteHalf(_ data: Data) -> Int? {
        let sample = Array(data.prefix(4096))
        guard sample.count >= 8 else { return nil }
        var zeros = [0, 0]
        for (i, b) in sample.enumerated() where b == 0 { zeros[i & 1] += 1 }
        for half in 0...1 where zeros[half] >= 2 && zeros[1 - half] * 16 < zeros[half] { return half }
        return nil
    }

    /// The first non-empty line (up to 64 KiB are searched for its end), without its LF.
    static func firstLine(of data: Data) -> Data {
        data.prefix(64 * 1024).split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: true).first ?? Data()
    }

    /// The separator of a `.csv` file whose header line (the first line) has no comma: a tab (a
    /// tab-separated file saved as .csv), else a semicolon (Excel's CSV where the comma is the
    /// decimal separator); nil when the header has a comma or neither.
    static func csvSeparatorOtherThanComma(_ data: Data) -> UInt8? {
        let header = firstLine(of: data)
        guard !header.contains(UInt8(ascii: ",")) else { return nil }
        if header.contains(UInt8(ascii: "\t")) { return UInt8(ascii: "\t") }
        if header.contains(UInt8(ascii: ";")) { return UInt8(ascii: ";") }
        return nil
    }

    /// The format from the extension, else from the first line.
    public static func sniffFormat(url: URL, data: Data) -> CorpusFormat {
        switch url.pathExtension.lowercased() {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "jsonl", "ndjson": return .jsonl
        case "txt", "text": return .text
        default: return sniffFormat(firstLineOf: data)
        }
    }

    /// The format from the first line: JSON Lines when it starts with `{`, TSV when it holds a tab,
    /// CSV when it holds a comma or a semicolon, else plain text.
    static func sniffFormat(firstLineOf data: Data) -> CorpusFormat {
        let line = String(decoding: firstLine(of: data), as: UTF8.self).trimmingSpaces()
        if line.hasPrefix("{") { return .jsonl }
        if line.contains("\t") { return .tsv }
        if line.contains(",") || line.contains(";") { return .csv }
        return .text
    }

    // MARK: - CSV and TSV

    private static func readDelimited(_ bytes: UnsafeRawBufferPointer, delimiter: UInt8, url: URL, format: CorpusFormat,
                                      options: CorpusReadOptions) throws -> Corpus {
        let path = url.path
        var parser = DelimitedParser(bytes: bytes, delimiter: delimiter)
        func nextRecord() throws -> DelimitedParser.Record? {
            do { return try parser.next() } catch DelimitedParser.ParseError.unterminatedQuote(let line) {
                throw CorpusError.unterminatedQuote(path, line: line)
            }
        }
        // Header (skipping blank lines before it).
        var headerRecord: DelimitedParser.Record?
        while let r = try nextRecord() {
            if r.fields.count == 1 && r.fields[0].isEmpty { continue }
            headerRecord = r; break
        }
        guard let header = headerRecord else { throw CorpusError.empty(path) }
        let names = try header.fields.indices.map { i -> String in
            guard let s = parser.string(header.fields[i], quoted: header.quoted[i]) else {
                throw CorpusError.invalidUTF8Unskippable(path, line: header.line, what: "the header line")
            }
            return s.trimmingSpaces()
        }
        let textIndex = try resolveTextColumn(options.textColumn, names: names, path: path)
        let labelIndex = try resolveLabelColumn(options.labelColumn, names: names, path: path, excluding: textIndex)
        let needed = max(textIndex, labelIndex ?? 0) + 1

        var corpus = Corpus(source: url, format: format, texts: [], labels: labelIndex == nil ? nil : [], recordIndices: [],
                            lineNumbers: [], skippedEmpty: 0, textColumnName: names[textIndex],
                            labelColumnName: labelIndex.map { names[$0] })
        var recordNumber = -1
        var sawRecord = false
        while let r = try nextRecord() {
            if r.fields.count == 1 && r.fields[0].isEmpty && !r.quoted[0] { continue }  // blank line
            sawRecord = true
            recordNumber += 1
            guard r.fields.count >= needed else {
                throw CorpusError.tooFewFields(path, line: r.line, found: r.fields.count, needed: needed)
            }
            // More fields than the header: an unquoted separator inside a text, or another separator
            // than the file's; the fields would shift and a label be lost. Empty extra fields (a
            // trailing separator) are harmless.
            if r.fields.count > names.count,
               r.fields[names.count...].indices.contains(where: { !r.fields[$0].isEmpty || r.quoted[$0] }) {
                let hint = names.count == 1 ? "if each line is one document, pass --format text"
                    : "quote a field that holds the separator"
                throw CorpusError.tooManyFields(path, line: r.line, found: r.fields.count, header: names.count, hint: hint)
            }
            guard let text = parser.string(r.fields[textIndex], quoted: r.quoted[textIndex]),
                  let label = labelIndex.map({ parser.string(r.fields[$0], quoted: r.quoted[$0]) }) ?? Optional("") else {
                if options.skipInvalidUTF8 { corpus.invalidRecordIndices.append(recordNumber); continue }
                throw CorpusError.invalidUTF8(path, line: r.line)
            }
            append(text: text, label: labelIndex == nil ? nil : label, record: recordNumber, line: r.line, to: &corpus, options: options)
        }
        if !sawRecord { throw CorpusError.headerOnly(path) }
        if options.textColumn == nil, names.count == 1, findColumn(textColumnNames, in: names) == nil {
            corpus.notices.append("\(url.lastPathComponent): line \(header.line) ('\(names[0].prefix(40))') was read as the header "
                                  + "of the only column, not as a document; if the file has no header line, pass --format text")
        }
        return corpus
    }

    private static func resolveTextColumn(_ spec: String?, names: [String], path: String) throws -> Int {
        if let spec, !spec.isEmpty { return try resolveColumn(spec, names: names, path: path) }
        if let i = findColumn(textColumnNames, in: names) { return i }
        if names.count == 1 { return 0 }
        throw CorpusError.ambiguousTextColumn(path, available: names)
    }

    private static func resolveLabelColumn(_ spec: String?, names: [String], path: String, excluding textIndex: Int) throws -> Int? {
        if let spec {
            if spec.isEmpty || spec.lowercased() == "none" { return nil }
            return try resolveColumn(spec, names: names, path: path)
        }
        guard let i = findColumn(labelColumnNames, in: names), i != textIndex else { return nil }
        return i
    }

    private static func resolveColumn(_ spec: String, names: [String], path: String) throws -> Int {
        if let i = names.firstIndex(of: spec) { return i }
        if let i = names.firstIndex(where: { $0.caseInsensitiveCompare(spec) == .orderedSame }) { return i }
        if let n = Int(spec), n >= 1, n <= names.count { return n - 1 }
        throw CorpusError.unknownColumn(path, column: spec, available: names)
    }

    private static func findColumn(_ candidates: [String], in names: [String]) -> Int? {
        let lowered = names.map { $0.lowercased() }
        for c in candidates { if let i = lowered.firstIndex(of: c) { return i } }
        return nil
    }

    /// Whether `text` counts as empty (nothing but whitespace): skipped unless `keepEmptyTexts`.
    public static func isEmptyText(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }

    private static func append(text: String, label: String?, record: Int, line: Int, to corpus: inout Corpus, options: CorpusReadOptions) {
        if !options.keepEmptyTexts && isEmptyText(text) {
            corpus.skippedEmpty += 1
            return
        }
        corpus.texts.append(text)
        if let label { corpus.labels?.append(label.trimmingSpaces()) }
        corpus.recordIndices.append(record)
        corpus.lineNumbers.append(line)
    }

    // MARK: - JSON Lines

    private static func readJSONLines(_ bytes: UnsafeRawBufferPointer, url: URL, options: CorpusReadOptions) throws -> Corpus {
        let path = url.path
        var corpus = Corpus(source: url, format: .jsonl, texts: [], labels: nil, recordIndices: [], lineNumbers: [],
                            skippedEmpty: 0, textColumnName: options.textColumn ?? "text", labelColumnName: nil)
        var textKey: String? = options.textColumn
        var labelKey: String?? = options.labelColumn.map { ($0.isEmpty || $0.lowercased() == "none") ? nil : $0 }
        var record = -1
        var labelFieldSeen = false
        var fieldsSeen = Set<String>()
        try forEachLine(bytes) { line, range in
            let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            record += 1
            guard String(validating: slice, as: UTF8.self) != nil else {
                if options.skipInvalidUTF8 { corpus.invalidRecordIndices.append(record); return }
                throw CorpusError.invalidUTF8(path, line: line)
            }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(slice), options: [.fragmentsAllowed]) } catch {
                throw CorpusError.badJSON(path, line: line, reason: "not valid JSON")
            }
            guard let dict = object as? [String: Any] else { throw CorpusError.badJSON(path, line: line, reason: "expected a JSON object per line") }
            fieldsSeen.formUnion(dict.keys)
            if textKey == nil {
                let keys = dict.keys.sorted()
                guard let i = findColumn(textColumnNames, in: keys) else { throw CorpusError.ambiguousTextColumn(path, available: keys) }
                textKey = keys[i]
                corpus.textColumnName = keys[i]
            }
            if labelKey == nil {
                // Auto-detected: the first line with a label-like field names it; lines before it have no label.
                let keys = dict.keys.sorted()
                if let i = findColumn(labelColumnNames, in: keys) {
                    labelKey = .some(keys[i])
                    corpus.labels = [String](repeating: "", count: corpus.texts.count)
                    corpus.labelColumnName = keys[i]
                }
            } else if case .some(.some(let key)) = labelKey, corpus.labelColumnName == nil {
                corpus.labelColumnName = key
                corpus.labels = []
            }
            guard let key = textKey, let value = dict[key] else {
                let numbered = Int(textKey ?? "") != nil ? "; JSON Lines fields are named, not numbered" : ""
                throw CorpusError.badJSON(path, line: line, reason: "no \"\(textKey ?? "text")\" field (fields: \(dict.keys.sorted().joined(separator: ", ")))\(numbered)")
            }
            guard let text = value as? String else { throw CorpusError.badJSON(path, line: line, reason: "\"\(key)\" is not a string") }
            var label: String?
            if case .some(.some(let lk)) = labelKey {
                if dict[lk] != nil { labelFieldSeen = true }
                switch dict[lk] {
                case let s as String: label = s
                // JSON true/false (Foundation's boolean NSNumber, objCType "c") stay words, not 1/0.
                case let n as NSNumber where String(cString: n.objCType) == "c": label = n.boolValue ? "true" : "false"
                case let n as NSNumber: label = n.stringValue
                case nil, is NSNull: label = ""
                default: throw CorpusError.badJSON(path, line: line, reason: "\"\(lk)\" is not a string or number")
                }
            }
            append(text: text, label: label, record: record, line: line, to: &corpus, options: options)
        }
        // A label field the user named that no line has is a mistake, not "no labels".
        if let spec = options.labelColumn, !spec.isEmpty, spec.lowercased() != "none", !labelFieldSeen {
            throw CorpusError.unknownColumn(path, column: spec, available: fieldsSeen.sorted())
        }
        return corpus
    }

    // MARK: - Plain text

    private static func readPlainText(_ bytes: UnsafeRawBufferPointer, url: URL, options: CorpusReadOptions) throws -> Corpus {
        let path = url.path
        let labelsURL = options.labelsFile ?? defaultLabelsFile(for: url)
        var labels: [String]?
        var mappingNotice: String?
        if let labelsURL, options.labelColumn?.lowercased() != "none" {
            let read = try readLabelsFile(labelsURL)
            labels = read.labels
            mappingNotice = read.notice
        }
        var corpus = Corpus(source: url, format: .text, texts: [], labels: labels == nil ? nil : [], recordIndices: [], lineNumbers: [],
                            skippedEmpty: 0, textColumnName: "line", labelColumnName: labels == nil ? nil : labelsURL?.lastPathComponent)
        if let mappingNotice { corpus.notices.append(mappingNotice) }
        var record = -1
        var lineCount = 0
        try forEachLine(bytes) { line, range in
            record += 1
            lineCount += 1
            let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
            guard var text = String(validating: slice, as: UTF8.self) else {
                if options.skipInvalidUTF8 { corpus.invalidRecordIndices.append(record); return }
                throw CorpusError.invalidUTF8(path, line: line)
            }
            if text.hasSuffix("\r") { text.removeLast() }
            append(text: text, label: labels.map { record < $0.count ? $0[record] : "" }, record: record, line: line, to: &corpus, options: options)
        }
        if let labels, labels.count != lineCount {
            throw CorpusError.labelCountMismatch(labelsURL?.path ?? path, labels: labels.count, texts: lineCount)
        }
        return corpus
    }

    /// `X_text.txt` → `X_labels.txt` beside it (the tweet_eval layout), if that file exists.
    static func defaultLabelsFile(for url: URL) -> URL? {
        let name = url.deletingPathExtension().lastPathComponent
        guard name.hasSuffix("_text") else { return nil }
        let candidate = url.deletingLastPathComponent().appendingPathComponent(String(name.dropLast(5)) + "_labels.txt")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    /// One label per line; numeric labels are mapped to names through a `mapping.txt` beside the
    /// file (tweet_eval: `0<TAB>negative`) when there is one.
    /// - Returns: the labels, and a notice when `mapping.txt` was there but did not name them all.
    static func readLabelsFile(_ url: URL) throws -> (labels: [String], notice: String?) {
        guard let data = try? Data(contentsOf: url) else { throw CorpusError.missingFile(url.path) }
        // Foundation drops a UTF-8 byte-order mark itself.
        guard let text = try decodedUTF16(data, path: url.path)?.text ?? String(data: data, encoding: .utf8) else {
            throw CorpusError.invalidUTF8Unskippable(url.path, line: 1, what: "the labels file")
        }
        var lines = Self.lines(of: text).map { $0.trimmingSpaces() }
        let mappingURL = url.deletingLastPathComponent().appendingPathComponent("mapping.txt")
        var notice: String?
        if FileManager.default.fileExists(atPath: mappingURL.path) {
            var names: [String: String] = [:]
            for line in Self.lines(of: (try? String(contentsOf: mappingURL, encoding: .utf8)) ?? "") {
                let parts = line.split(separator: "\t", maxSplits: 1).map { $0.trimmingSpaces() }
                if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty { names[parts[0]] = parts[1] }
            }
            // Ids the mapping does not name stay as they are: say so, or the map mixes names and ids.
            let unnamed = Set(lines.filter { !$0.isEmpty && names[$0] == nil }).sorted()
            if names.isEmpty {
                notice = "\(mappingURL.path) has no 'id<TAB>name' lines; the labels stay as in \(url.lastPathComponent)"
            } else if !unnamed.isEmpty {
                notice = "\(mappingURL.path) does not name the label\(unnamed.count == 1 ? "" : "s") "
                    + unnamed.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (unnamed.count > 5 ? ", …" : "") + ", kept as in \(url.lastPathComponent)"
            }
            lines = lines.map { names[$0] ?? $0 }
        }
        return (lines, notice)
    }

    /// The lines of `text`, split at LF, CRLF or a lone CR (a Swift `Character` "\r\n" is one
    /// character, so splitting at "\n" alone would not split Windows line ends); no final empty line.
    public static func lines(of text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Calls `body(lineNumber, byteRange)` for each line (without its LF or lone CR).
    private static func forEachLine(_ bytes: UnsafeRawBufferPointer, _ body: (Int, Range<Int>) throws -> Void) throws {
        var start = (bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) ? 3 : 0
        var line = 1
        let n = bytes.count
        while start < n {
            var end = start
            // LF, CRLF (the CR is dropped by the caller) or a lone CR (old Mac files) ends a line.
            while end < n && bytes[end] != 0x0A && !(bytes[end] == 0x0D && (end + 1 == n || bytes[end + 1] != 0x0A)) { end += 1 }
            try body(line, start..<end)
            line += 1
            start = end + 1
        }
    }
}
