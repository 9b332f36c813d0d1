import Foundation
import Testing
@testable import Tokenization
import TestSupport

@Suite("Loading a tokenizer from a model directory")
struct LoadingTests {
    /// A directory with the fixture vocab.txt and the given tokenizer_config.json text.
    func modelDirectory(config: String?) throws -> URL {
        let directory = try makeTemporaryDirectory("tok-load")
        try FileManager.default.copyItem(at: Fixture.url("vocab.txt"), to: directory.appendingPathComponent("vocab.txt"))
        if let config { try config.write(to: directory.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8) }
        return directory
    }

    @Test("vocab.txt + tokenizer_config.json (MiniLM's): settings, special ids, model_max_length")
    func vocabularyAndConfig() throws {
        let directory = try modelDirectory(config: """
            {"do_lower_case": true, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
             "mask_token": "[MASK]", "tokenize_chinese_chars": true, "strip_accents": null, "model_max_length": 512}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizer = try BertTokenizer(directory: directory)
        #expect(tokenizer.options.lowercase && tokenizer.options.stripAccents == nil && tokenizer.options.resolvedStripAccents)
        #expect((tokenizer.clsID, tokenizer.sepID, tokenizer.padID, tokenizer.unkID) == (101, 102, 0, 100))
        #expect(tokenizer.modelMaxLength == 512 && tokenizer.vocabularySize == 30522)
        #expect(tokenizer.tokens("Héllo, WORLD!") == ["[CLS]", "hello", ",", "world", "!", "[SEP]"])
    }

    @Test("do_lower_case false, strip_accents true, a 1e30 model_max_length sentinel")
    func casedConfig() throws {
        let directory = try modelDirectory(config: #"{"do_lower_case": false, "strip_accents": true, "model_max_length": 1000000000000000019884624838656}"#)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizer = try BertTokenizer(directory: directory)
        #expect(!tokenizer.options.lowercase && tokenizer.options.resolvedStripAccents)
        #expect(tokenizer.modelMaxLength == nil)
        #expect(tokenizer.tokens("Héllo") == ["[CLS]", "[UNK]", "[SEP]"])   // "Hello" is not in an uncased vocabulary
        #expect(tokenizer.tokens("héllo") == ["[CLS]", "hello", "[SEP]"])
    }

    @Test("No tokenizer_config.json: BertTokenizer defaults (uncased)")
    func defaults() throws {
        let directory = try modelDirectory(config: nil)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizer = try BertTokenizer(directory: directory)
        #expect(tokenizer.options == BertTokenizerOptions())
    }

    @Test("The installed all-MiniLM-L6-v2 loads from vocab.txt and from its tokenizer.json alone, with equal ids")
    func installedModel() throws {
        let model = URL(fileURLWithPath: "/root/.cache/micse-cluster/models/all-MiniLM-L6-v2")
        try #require(FileManager.default.fileExists(atPath: model.appendingPathComponent("tokenizer.json").path),
                     "the default model is not installed at \(model.path)")
        let fromVocab = try BertTokenizer(directory: model)
        let jsonOnly = try makeTemporaryDirectory("tok-json")
        defer { try? FileManager.default.removeItem(at: jsonOnly) }
        try FileManager.default.copyItem(at: model.appendingPathComponent("tokenizer.json"), to: jsonOnly.appendingPathComponent("tokenizer.json"))
        let fromJSON = try BertTokenizer(directory: jsonOnly)
        #expect(fromJSON.options.lowercase && fromJSON.vocabularySize == 30522 && fromJSON.modelMaxLength == 128)
        for text in ["Hello [SEP] wörld 😀 中文", "@user it's #fine https://t.co/x", ""] {
            #expect(fromVocab.encode(text) == fromJSON.encode(text))
        }
    }

    @Test("Errors name the path: missing directory, no vocabulary, missing special token, bad JSON")
    func errors() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/model-dir")
        #expect(throws: TokenizerError.unreadableFile(path: missing.path, reason: "no such directory")) { try BertTokenizer(directory: missing) }

        let empty = try makeTemporaryDirectory("tok-empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: TokenizerError.vocabularyNotFound(directory: empty.path)) { try BertTokenizer(directory: empty) }

        let vocab = empty.appendingPathComponent("vocab.txt")
        try "[PAD]\n[UNK]\n[CLS]\nhello\n".write(to: vocab, atomically: true, encoding: .utf8)
        do {
            _ = try BertTokenizer(directory: empty)
            Issue.record("a vocabulary without [SEP] was accepted")
        } catch let error as TokenizerError {
            #expect(error == .missingSpecialToken(token: "[SEP]", path: vocab.path))
            #expect(error.description.contains(vocab.path) && !error.description.contains("\n"))
        }

        try "[PAD]\n[UNK]\n[CLS]\n[SEP]\n".write(to: vocab, atomically: true, encoding: .utf8)
        try "{not json".write(to: empty.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
        #expect(throws: TokenizerError.malformedJSON(path: empty.appendingPathComponent("tokenizer_config.json").path, reason: "not valid JSON")) {
            try BertTokenizer(directory: empty)
        }
    }

    @Test("vocab.txt line endings: \\n, \\r\\n and \\r all end a token (Python universal newlines)")
    func lineEndings() throws {
        let directory = try makeTemporaryDirectory("tok-crlf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("vocab.txt")
        try "[PAD]\r\n[UNK]\r[CLS]\n[SEP]\n\nhello\n##s".write(to: url, atomically: true, encoding: .utf8)
        #expect(try BertTokenizer.readVocabularyFile(url) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "", "hello", "##s"])
        let tokenizer = try BertTokenizer(directory: directory)
        #expect(tokenizer.encode("hellos hello x") == [2, 5, 6, 5, 1, 3])
    }
}
