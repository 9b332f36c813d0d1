import Foundation
import Testing
@testable import Tokenization
import TestSupport

/// Fixtures written by Fixtures/make_tokenizer_fixtures.py (HF BertTokenizerFast).
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static func json(_ name: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url(name)))
        return try #require(object as? [String: Any])
    }

    /// The MiniLM / bert-base-uncased vocabulary.
    static let vocabulary: [String] = (try? BertTokenizer.readVocabularyFile(url("vocab.txt"))) ?? []

    static func tokenizer(cased: Bool) throws -> BertTokenizer {
        try BertTokenizer(vocabulary: vocabulary, options: BertTokenizerOptions(lowercase: !cased))
    }

    /// FNV-1a (32-bit) over ids as little-endian int32 bytes, as the fixture script computes it.
    static func fnv1a32(_ ids: [Int32]) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for id in ids {
            let v = UInt32(bitPattern: id)
            for shift in stride(from: 0, to: 32, by: 8) { h = (h ^ ((v >> UInt32(shift)) & 0xFF)) &* 0x0100_0193 }
        }
        return h
    }
}

/// The `text` column of an RFC 4180 CSV (quoted fields, "" escapes, line breaks inside quotes),
/// as Python's csv module reads it.
func readTextColumn(_ url: URL) throws -> [String] {
    let bytes = Array(try Data(contentsOf: url))
    var rows: [[String]] = []
    var row: [String] = []
    var field: [UInt8] = []
    var quoted = false, i = 0
    func endField() { row.append(String(decoding: field, as: UTF8.self)); field.removeAll() }
    while i < bytes.count {
        let b = bytes[i]
        if quoted {
            if b == UInt8(ascii: "\"") {
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
            } else { field.append(b) }
        } else if b == UInt8(ascii: "\"") {
            quoted = true
        } else if b == UInt8(ascii: ",") {
            endField()
        } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
            if b == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
            endField(); rows.append(row); row = []
        } else { field.append(b) }
        i += 1
    }
    if !field.isEmpty || !row.isEmpty { endField(); rows.append(row) }
    let column = try #require(rows.first?.firstIndex(of: "text"))
    return rows.dropFirst().map { $0[column] }
}
