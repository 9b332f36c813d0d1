import Foundation
import MicseSupport

/// The coordinate CSV the pipeline exports and `plot` reads back.
///
/// Columns, in this order: `id` (the document's 0-based record number in the input file, so
/// skipped rows do not shift it), `x`, `y` (2-D UMAP coordinates), `label` (empty when the
/// corpus has none), `cluster` (k-means cluster, 0-based; empty when not clustered), `text`.
/// RFC 4180: a header row, fields quoted when they contain a comma, quote, CR or LF or begin or
/// end with a space, quotes doubled, LF line ends, UTF-8 without BOM. pandas reads it back
/// identically with `pd.read_csv(path, keep_default_na=False)` (without that option pandas
/// turns texts such as "NA" or "null" into NaN, whatever the quoting).
public struct CoordinateTable: Sendable, Equatable {
    public var ids: [Int]
    public var x: [Float]
    public var y: [Float]
    public var labels: [String]?
    public var clusters: [Int]?
    public var texts: [String]?

    public init(ids: [Int], x: [Float], y: [Float], labels: [String]? = nil, clusters: [Int]? = nil, texts: [String]? = nil) {
        precondition(x.count == ids.count && y.count == ids.count, "coordinate columns differ in length")
        precondition(labels.map { $0.count == ids.count } ?? true && clusters.map { $0.count == ids.count } ?? true
                     && texts.map { $0.count == ids.count } ?? true, "coordinate table columns differ in length")
        self.ids = ids; self.x = x; self.y = y; self.labels = labels; self.clusters = clusters; self.texts = texts
    }

    public var count: Int { ids.count }

    public static let columns = ["id", "x", "y", "label", "cluster", "text"]

    /// Writes the table atomically (temporary file, then rename).
    public func write(to url: URL) throws {
        try AtomicFile.write(to: url) { handle in
            var buffer = "id,x,y,label,cluster,text\n"
            buffer.reserveCapacity(1 << 20)
            for i in 0..<count {
                buffer += String(ids[i]); buffer += ","
                buffer += CSVField.format(x[i]); buffer += ","
                buffer += CSVField.format(y[i]); buffer += ","
                buffer += CSVField.escape(labels?[i] ?? ""); buffer += ","
                buffer += clusters.map { String($0[i]) } ?? ""; buffer += ","
                buffer += CSVField.escape(texts?[i] ?? ""); buffer += "\n"
                if buffer.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(buffer.utf8)); buffer.removeAll(keepingCapacity: true) }
            }
            try handle.write(contentsOf: Data(buffer.utf8))
        }
    }

    /// Reads a coordinate CSV: needs `x` and `y` columns; `id`, `label`, `cluster` and `text` are
    /// optional (`id` defaults to the row number). Rows with a missing or non-finite coordinate
    /// are an error naming the line.
    public static func read(_ url: URL) throws -> CoordinateTable {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CorpusError.missingFile(path) }
        guard !isDirectory.boolValue else { throw CorpusError.isDirectory(path) }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch { throw CorpusError.unreadable(path, reason: error.localizedDescription) }
        guard !data.isEmpty else { throw CorpusError.empty(path) }
        return try data.withUnsafeBytes { bytes in
            var parser = DelimitedParser(bytes: bytes, delimiter: UInt8(ascii: ","))
            func next() throws -> DelimitedParser.Record? {
                do { return try parser.next() } catch DelimitedParser.ParseError.unterminatedQuote(let line) {
                    throw CorpusError.unterminatedQuote(path, line: line)
                }
            }
            guard let header = try next() else { throw CorpusError.empty(path) }
            let names = header.fields.indices.map { parser.string(header.fields[$0], quoted: header.quoted[$0])?.trimmingSpaces().lowercased() ?? "" }
            guard let xi = names.firstIndex(of: "x"), let yi = names.firstIndex(of: "y") else {
                throw MicseError("\(path): a coordinate CSV needs columns x and y (found: \(names.joined(separator: ", ")))")
            }
            let idi = names.firstIndex(of: "id"), li = names.firstIndex(of: "label")
            let ci = names.firstIndex(of: "cluster"), ti = names.firstIndex(of: "text")
            var table = CoordinateTable(ids: [], x: [], y: [], labels: li == nil ? nil : [], clusters: ci == nil ? nil : [], texts: ti == nil ? nil : [])
            var clusterBlank = 0
            var row = 0
            while let r = try next() {
                if r.fields.count == 1 && r.fields[0].isEmpty && !r.quoted[0] { continue }
                func field(_ i: Int?) throws -> String? {
                    guard let i else { return nil }
                    guard i < r.fields.count else { throw CorpusError.tooFewFields(path, line: r.line, found: r.fields.count, needed: i + 1) }
                    guard let s = parser.string(r.fields[i], quoted: r.quoted[i]) else {
                        throw CorpusError.invalidUTF8Unskippable(path, line: r.line, what: "a field")
                    }
                    return s
                }
                guard let xs = try field(xi), let x = Float(xs.trimmingSpaces()), x.isFinite,
                      let ys = try field(yi), let y = Float(ys.trimmingSpaces()), y.isFinite else {
                    throw MicseError("\(path):\(r.line): missing or non-finite coordinate (x and y must be finite numbers)")
                }
                table.x.append(x); table.y.append(y)
                if let s = try field(idi) {
                    guard let id = Self.wholeNumber(s.trimmingSpaces()) else { throw MicseError("\(path):\(r.line): id '\(s)' is not an integer") }
                    table.ids.append(id)
                } else { table.ids.append(row) }
                if let s = try field(li) { table.labels?.append(s) }
                if let s = try field(ci) {
                    let t = s.trimmingSpaces()
                    if t.isEmpty { clusterBlank += 1; table.clusters?.append(-1) } else {
                        guard let c = Self.wholeNumber(t), c >= 0 else { throw MicseError("\(path):\(r.line): cluster '\(s)' is not a non-negative integer") }
                        table.clusters?.append(c)
                    }
                }
                if let s = try field(ti) { table.texts?.append(s) }
                row += 1
            }
            guard row > 0 else { throw CorpusError.headerOnly(path) }
            if clusterBlank == row { table.clusters = nil }
            if let labels = table.labels, labels.allSatisfy({ $0.isEmpty }) { table.labels = nil }
            return table
        }
    }
}

extension CoordinateTable {
    /// An integer field, also as pandas writes an integer column that held a NaN ("4.0").
    static func wholeNumber(_ text: String) -> Int? {
        if let value = Int(text) { return value }
        guard let value = Double(text), value.isFinite, value.rounded() == value, abs(value) < 9e15 else { return nil }
        return Int(value)
    }
}

/// CSV field formatting shared by every CSV this project writes.
public enum CSVField {
    /// The field as it must appear in an RFC 4180 file: quoted (with doubled quotes) when it
    /// contains a comma, quote, CR or LF, or begins or ends with white space.
    public static func escape(_ field: String) -> String {
        var needsQuotes = false
        for u in field.utf8 where u == 0x2C || u == 0x22 || u == 0x0A || u == 0x0D { needsQuotes = true; break }
        if let first = field.unicodeScalars.first, first.properties.isWhitespace { needsQuotes = true }
        if let last = field.unicodeScalars.last, last.properties.isWhitespace { needsQuotes = true }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A float with enough digits to round-trip exactly (Swift's shortest representation).
    public static func format(_ value: Float) -> String { value.description }
}
