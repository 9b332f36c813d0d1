import Foundation
import Testing
@testable import Tokenization
import TestSupport

@Suite("BertTokenizer matches HF BertTokenizerFast")
struct ParityTests {
    @Test("Hard cases and sampled tweets: exact ids, uncased and cased, untruncated and at 32 and 128")
    func casesMatch() throws {
        let fixture = try Fixture.json("cases.json")
        let cases = try #require(fixture["cases"] as? [[String: Any]])
        #expect(cases.count > 300)
        let uncased = try Fixture.tokenizer(cased: false), cased = try Fixture.tokenizer(cased: true)
        var checked = 0, failures: [String] = []
        for record in cases {
            let text = try #require(record["text"] as? String)
            let settings = try #require(record["ids"] as? [String: [Int]])
            for (key, expected) in settings {
                let parts = key.split(separator: "_")
                let tokenizer = parts[0] == "cased" ? cased : uncased
                let maxLength = parts.count > 1 ? Int(parts[1]) : nil
                let ids = tokenizer.encode(text, maxLength: maxLength).map(Int.init)
                checked += 1
                if ids != expected {
                    failures.append("\(key) \(text.debugDescription.prefix(80)): got \(tokenizer.tokens(text, maxLength: maxLength)) ids \(ids), want \(expected)")
                }
            }
        }
        #expect(checked >= 5 * cases.count)
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(15).joined(separator: "\n"))")
    }

    @Test("Padded batch: input_ids, attention_mask and token_type_ids as HF padding='longest'")
    func paddedBatch() throws {
        let batch = try #require(try Fixture.json("cases.json")["padded_batch"] as? [String: Any])
        let texts = try #require(batch["texts"] as? [String])
        let maxLength = try #require(batch["max_length"] as? Int)
        let tokenizer = try Fixture.tokenizer(cased: false)
        let padded = tokenizer.pad(tokenizer.encodeBatch(texts, maxLength: maxLength, threads: 2))
        func flat(_ key: String) throws -> [Int32] { try #require(batch[key] as? [[Int]]).flatMap { $0.map(Int32.init) } }
        #expect(padded.sequenceCount == texts.count)
        #expect(padded.ids == (try flat("input_ids")))
        #expect(padded.attentionMask == (try flat("attention_mask")))
        #expect(padded.tokenTypeIDs == (try flat("token_type_ids")))
        let fixed = tokenizer.pad([[101, 102]], toLength: 5)
        #expect(fixed.ids == [101, 102, 0, 0, 0] && fixed.attentionMask == [1, 1, 0, 0, 0] && fixed.lengths == [2])
    }

    @Test("Every tweet of the four shared CSVs (26,541): same length and id hash as HF at max_length 128",
          arguments: ["tweet_eval_sentiment_test", "tweet_eval_sentiment_val", "tweet_eval_emotion_train", "tweet_eval_hate_train"])
    func allTweets(_ name: String) throws {
        let texts = try readTextColumn(SharedData.data("\(name).csv"))
        let expected = try String(contentsOf: Fixture.url("tweet_ids_\(name).txt"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: " ") }
        try #require(texts.count == expected.count, "\(name): \(texts.count) texts, \(expected.count) fixture lines")
        let tokenizer = try Fixture.tokenizer(cased: false)
        let (encoded, truncatedCount) = tokenizer.encodeBatchCountingTruncation(texts, maxLength: 128, threads: 2)
        var failures: [String] = []
        for (i, ids) in encoded.enumerated() {
            let line = expected[i]
            if String(ids.count) != line[0] || String(format: "%08x", Fixture.fnv1a32(ids)) != line[1] {
                failures.append("row \(i + 2) \(texts[i].debugDescription.prefix(80)): \(tokenizer.tokens(texts[i], maxLength: 128))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(texts.count) differ:\n\(failures.prefix(10).joined(separator: "\n"))")
        #expect(truncatedCount == 0)   // tweets are short
    }

    @Test("A tokenizer.json-only directory (cased, strip_accents=True, 3,000 tokens) matches HF")
    func tokenizerJSONOnly() throws {
        let tokenizer = try BertTokenizer(directory: Fixture.url("json_only"))
        #expect(tokenizer.options.lowercase == false && tokenizer.options.stripAccents == true)
        #expect(tokenizer.vocabularySize == 3000)
        let cases = try #require(try Fixture.json("json_only_cases.json")["cases"] as? [[String: Any]])
        var failures: [String] = []
        for record in cases {
            let text = try #require(record["text"] as? String), expected = try #require(record["ids"] as? [Int])
            let ids = tokenizer.encode(text, maxLength: 128).map(Int.init)
            if ids != expected { failures.append("\(text.debugDescription.prefix(60)): got \(ids), want \(expected)") }
        }
        #expect(cases.count > 100)
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(10).joined(separator: "\n"))")
    }
}
