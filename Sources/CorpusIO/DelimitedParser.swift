import Foundation

/// A streaming RFC 4180 parser over UTF-8 bytes: fields separated by `delimiter`, records by
/// LF or CRLF, fields optionally enclosed in double quotes with `""` for a literal quote and
/// delimiters and line breaks allowed inside. Like Python's `csv` module it is lenient where
/// the RFC is silent: a quote inside an unquoted field is kept literally, and text after a
/// closing quote is appended to the field.
///
/// Fields are returned as byte ranges into the input, so nothing is copied until a caller
/// decodes the fields it needs.
struct DelimitedParser {
    struct Record {
        /// The 1-based physical line on which the record starts.
        var line: Int
        /// Byte ranges of the raw field contents (quotes included for quoted fields).
        var fields: [Range<Int>]
        /// For each field, whether it was quoted (its content needs unescaping).
        var quoted: [Bool]
    }

    enum ParseError: Error {
        /// A quoted field that starts on `line` is never closed.
        case unterminatedQuote(line: Int)
    }

    let bytes: UnsafeRawBufferPointer
    let delimiter: UInt8
    private(set) var position: Int
    private(set) var line = 1

    init(bytes: UnsafeRawBufferPointer, delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
        // Skip a UTF-8 byte-order mark.
        position = (bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) ? 3 : 0
    }

    /// The next record, or nil at the end of the input.
    mutating func next() throws -> Record? {
        let n = bytes.count
        guard position < n else { return nil }
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var record = Record(line: line, fields: [], quoted: [])
        var i = position
        while true {
            // Start of a field.
            if i < n && bytes[i] == quote {
                let fieldStart = i, startLine = line
                i += 1
                var closed = false
                while i < n {
                    let c = bytes[i]
                    if c == quote {
                        if i + 1 < n && bytes[i + 1] == quote { i += 2; continue }
                        i += 1; closed = true; break
                    }
                    if c == lf { line += 1 }
                    i += 1
                }
                guard closed else { throw ParseError.unterminatedQuote(line: startLine) }
                // Lenient: characters after the closing quote up to the delimiter belong to the field.
                while i < n && bytes[i] != delimiter && bytes[i] != lf && bytes[i] != cr { i += 1 }
                record.fields.append(fieldStart..<i)
                record.quoted.append(true)
            } else {
                let fieldStart = i
                while i < n && bytes[i] != delimiter && bytes[i] != lf && bytes[i] != cr { i += 1 }
                record.fields.append(fieldStart..<i)
                record.quoted.append(false)
            }
            if i < n && bytes[i] == delimiter { i += 1; continue }
            // End of record: CRLF, LF, lone CR, or end of input.
            if i < n && bytes[i] == cr { i += 1 }
            if i < n && bytes[i] == lf { i += 1 }
            line += 1
            break
        }
        position = i
        return record
    }

    /// The decoded text of a field, or nil if its bytes are not valid UTF-8.
    func string(_ range: Range<Int>, quoted: Bool) -> String? {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard quoted else { return String(validating: slice, as: UTF8.self) }
        // Strip the opening quote, the closing quote (and anything after it), undouble quotes.
        let quote = UInt8(ascii: "\"")
        var out = [UInt8]()
        out.reserveCapacity(slice.count)
        var i = 1
        var inside = true
        while i < slice.count {
            let c = slice[i]
            if inside && c == quote {
                if i + 1 < slice.count && slice[i + 1] == quote { out.append(quote); i += 2; continue }
                inside = false; i += 1; continue
            }
            out.append(c)
            i += 1
        }
        return String(validating: out, as: UTF8.self)
    }
}
