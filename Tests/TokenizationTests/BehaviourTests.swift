import Foundation
import Testing
@testable import Tokenization
import MicseSupport

@Suite("BertTokenizer behaviour")
struct BehaviourTests {
    /// A small vocabulary for hand-checked cases.
    static let tiny = try! BertTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able",
                                                      "una", "##ff", "!", "a", "##a"])

    @Test("Greedy longest match first: unaffable → una ##ff ##able (longest first piece, not un ##aff), unmatched rest → one [UNK]")
    func greedyLongestMatch() {
        #expect(Self.tiny.encode("unaffable") == [2, 8, 9, 7, 3])
        #expect(Self.tiny.encode("unaffablex") == [2, 1, 3])          // "x" has no piece: the whole word is [UNK]
        #expect(Self.tiny.encode("UNAFFABLE!") == [2, 8, 9, 7, 10, 3])
        #expect(Self.tiny.encode("aaa") == [2, 11, 12, 12, 3])
    }

    @Test("Words of more than 100 scalars become [UNK]; exactly 100 are split into pieces")
    func longWords() {
        #expect(Self.tiny.encode(String(repeating: "a", count: 100)) == [2, 11] + [Int32](repeating: 12, count: 99) + [3])
        #expect(Self.tiny.encode(String(repeating: "a", count: 101)) == [2, 1, 3])
        // 200 scalars before stripping the accents, 100 after: the limit counts normalised scalars.
        #expect(Self.tiny.encode(String(repeating: "a\u{301}", count: 100)).count == 102)
    }

    @Test("Truncation keeps [CLS] … [SEP] within maxLength and reports it")
    func truncation() {
        let text = String(repeating: "a ", count: 50)
        #expect(Self.tiny.encode(text, maxLength: 8) == [2, 11, 11, 11, 11, 11, 11, 3])
        #expect(Self.tiny.encodeReportingTruncation(text, maxLength: 8).truncated)
        #expect(!Self.tiny.encodeReportingTruncation(text, maxLength: 52).truncated)
        #expect(Self.tiny.encode(text, maxLength: 2) == [2, 3])
        let (batch, truncated) = Self.tiny.encodeBatchCountingTruncation([text, "a", text], maxLength: 10, threads: 2)
        #expect(truncated == 2 && batch[1] == [2, 11, 3] && batch[0].count == 10)
    }

    @Test("Special tokens in the text are matched literally and case-sensitively, before normalisation")
    func literalSpecialTokens() {
        #expect(Self.tiny.encode("a[SEP]a") == [2, 11, 3, 11, 3])
        #expect(Self.tiny.encode("[sep]") == [2, 1, 1, 1, 3])         // "[", "sep", "]": normalised, not special
        #expect(Self.tiny.encode("[MASK][UNK]") == [2, 4, 1, 3])
    }

    @Test("Batches: same ids for 1 and 2 threads and for one-at-a-time encoding")
    func batchesAreThreadIndependent() throws {
        let tokenizer = try Fixture.tokenizer(cased: false)
        var rng = SplitMix64(seed: 7)
        let words = ["hello", "World", "café", "😀", "中文", "[SEP]", "don't", "#tag", "@user", "https://t.co/x", "ﬁ", "\u{301}"]
        let texts = (0..<3000).map { _ in (0..<(1 + rng.nextInt(below: 30))).map { _ in words[rng.nextInt(below: words.count)] }.joined(separator: " ") }
        let two = tokenizer.encodeBatch(texts, maxLength: 32, threads: 2)
        #expect(two == tokenizer.encodeBatch(texts, maxLength: 32, threads: 1))
        #expect(two == texts.map { tokenizer.encode($0, maxLength: 32) })
    }

    @Test("Random bytes (decoded lossily, as a file would be) never crash and give valid ids", arguments: [1, 2, 3, 4])
    func randomBytes(seed: UInt64) throws {
        let tokenizer = try Fixture.tokenizer(cased: seed % 2 == 0)
        var rng = SplitMix64(seed: seed)
        for _ in 0..<2000 {
            let count = rng.nextInt(below: 300)
            // Mostly high bytes and controls, so that multi-byte sequences (valid or not) are common.
            let bytes = (0..<count).map { _ in rng.nextInt(below: 4) == 0 ? UInt8(rng.nextInt(below: 128)) : UInt8(128 + rng.nextInt(below: 128)) }
            let text = String(decoding: bytes, as: UTF8.self)
            let ids = tokenizer.encode(text, maxLength: 64)
            #expect(ids.first == tokenizer.clsID && ids.last == tokenizer.sepID && ids.count <= 64)
            #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
        }
        // Random scalars from the whole code space, including unassigned and private-use ones.
        for _ in 0..<2000 {
            let scalars = (0..<rng.nextInt(below: 40)).compactMap { _ in Unicode.Scalar(UInt32(rng.nextInt(below: 0x110000))) }
            var text = ""; text.unicodeScalars.append(contentsOf: scalars)
            let ids = tokenizer.encode(text)
            #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
        }
    }
}
