import Foundation
import Testing
@testable import Tokenization

@Suite("Per-scalar normalisation table")
struct CodepointTableTests {
    /// Parses one output pattern of codepoints.txt for scalar `cp` into the normalised string.
    static func expand(_ pattern: Substring, _ cp: UInt32) -> [UInt32] {
        if pattern == "-" { return [] }
        return pattern.split(separator: " ").map { item -> UInt32 in
            if item == "c" { return cp }
            if item.hasPrefix("c+") { return cp + UInt32(item.dropFirst(2), radix: 16)! }
            if item.hasPrefix("c-") { return cp - UInt32(item.dropFirst(2), radix: 16)! }
            return UInt32(item, radix: 16)!
        }
    }

    /// The table's items as BertNormalizer's output string (a separator is a space).
    static func normalised(_ items: [ScalarItem]) -> [UInt32] {
        items.map { ScalarKind.of($0) == ScalarKind.separator ? 0x20 : ScalarKind.scalar($0) }
    }

    @Test("Every Unicode scalar: BertNormalizer output (uncased and cased) and BertPreTokenizer class as tokenizers")
    func everyScalar() throws {
        let text = try String(contentsOf: Fixture.url("codepoints.txt"), encoding: .utf8)
        var expectedUncased: [UInt32: [UInt32]] = [:], expectedCased: [UInt32: [UInt32]] = [:]
        var expectedKind: [UInt32: Character] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            let first = UInt32(f[0], radix: 16)!, last = UInt32(f[1], radix: 16)!
            for cp in first...last {
                expectedUncased[cp] = Self.expand(f[2], cp)
                expectedCased[cp] = Self.expand(f[3], cp)
                expectedKind[cp] = f[4].first!
            }
        }
        let uncased = ScalarTable.shared(for: NormalizationRule(BertTokenizerOptions(lowercase: true)))
        let cased = ScalarTable.shared(for: NormalizationRule(BertTokenizerOptions(lowercase: false)))
        var failures: [String] = []
        for cp in UInt32(0)...0x10FFFF where !(0xD800...0xDFFF).contains(cp) {
            let scalar = Unicode.Scalar(cp)!
            let u = Self.normalised(uncased.items(forScalar: cp)), c = Self.normalised(cased.items(forScalar: cp))
            let kind: Character = scalar.properties.isWhitespace ? "s" : (ScalarTable.isPunctuation(scalar) ? "p" : "w")
            let wantU = expectedUncased[cp] ?? [cp], wantC = expectedCased[cp] ?? [cp], wantKind = expectedKind[cp] ?? "w"
            if u != wantU || c != wantC || kind != wantKind {
                failures.append(String(format: "U+%04X ", cp) + "\(scalar.properties.age.map { "\($0.major).\($0.minor)" } ?? "-") \(scalar.properties.generalCategory)"
                    + " uncased \(u.map { String($0, radix: 16) }) want \(wantU.map { String($0, radix: 16) })"
                    + " cased \(c.map { String($0, radix: 16) }) want \(wantC.map { String($0, radix: 16) }) kind \(kind) want \(wantKind)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) scalars differ:\n\(failures.prefix(40).joined(separator: "\n"))")
    }
}
