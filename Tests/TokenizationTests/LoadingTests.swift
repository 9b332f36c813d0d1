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

@Suite("Added tokens and which tokenizer file wins")
struct AddedTokenLoadingTests {
    /// A temporary copy of the fixture folder `name` without the files in `dropping`.
    func copy(_ name: String, dropping: Set<String> = []) throws -> URL {
        let directory = try makeTemporaryDirectory("tok-added")
        for file in try FileManager.default.contentsOfDirectory(atPath: Fixture.url(name).path) where !dropping.contains(file) {
            try FileManager.default.copyItem(at: Fixture.url(name).appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        return directory
    }

    /// Cases whose ids differ from the fixture's, leaving out texts with the whole-word tokens when `wholeWordTokens`
    /// is false (transformers 4's added_tokens.json cannot say single_word, so they are not in that layout).
    func mismatches(_ tokenizer: BertTokenizer, wholeWordTokens: Bool = true) throws -> [String] {
        let cases = try #require(try Fixture.json("added_cases.json")["cases"] as? [[String: Any]])
        #expect(cases.count >= 40)
        return try cases.compactMap { record in
            let text = try #require(record["text"] as? String), expected = try #require(record["ids"] as? [Int])
            if !wholeWordTokens && (text.contains("NewTok") || text.lowercased().contains("qq")) { return nil }
            let ids = tokenizer.encode(text, maxLength: 128).map(Int.init)
            return ids == expected ? nil : "\(text.debugDescription.prefix(50)): got \(ids), want \(expected)"
        }
    }

    @Test("tokens added after training (normalised, special, whole-word) get their ids, as AutoTokenizer gives them")
    func addedTokens() throws {
        // tokenizer.json (preferred), then the transformers 4 layout: vocab.txt + added_tokens.json.
        for dropping: Set<String> in [[], ["tokenizer.json"]] {
            let directory = try copy("added", dropping: dropping)
            defer { try? FileManager.default.removeItem(at: directory) }
            let tokenizer = try BertTokenizer(directory: directory)
            #expect(tokenizer.vocabularySize == (dropping.isEmpty ? 3006 : 3004))
            #expect(tokenizer.token(for: 3000) == "covid19" && tokenizer.token(for: 3003) == "<ent>")
            let failures = try mismatches(tokenizer, wholeWordTokens: dropping.isEmpty)
            #expect(failures.isEmpty, "without \(dropping): \(failures.count) mismatches:\n\(failures.prefix(8).joined(separator: "\n"))")
        }
    }

    @Test("tokenizer.json wins over a vocab.txt that disagrees with it, as in the fast tokenizer")
    func tokenizerJSONFirst() throws {
        let directory = try copy("added")
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = try BertTokenizer.readVocabularyFile(directory.appendingPathComponent("vocab.txt"))
        lines.swapAt(1996, 2002)   // "the" and "he"
        try lines.joined(separator: "\n").write(to: directory.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        #expect(try BertTokenizer(directory: directory).encode("the he") == [101, 1996, 2002, 102])
    }

    @Test("BERT's tokenizer class overrides tokenizer.json's normaliser with its own settings; a bare tokenizer.json keeps it")
    func bertClassSettings() throws {
        // json_only's tokenizer.json is cased with accents stripped. AutoTokenizer loads it as is
        // (TokenizersBackend), but with a config.json naming a model type it loads BertTokenizer,
        // whose defaults (lower case) replace the normaliser's flags.
        let bare = try copy("json_only")
        defer { try? FileManager.default.removeItem(at: bare) }
        #expect(try BertTokenizer(directory: bare).options.lowercase == false)
        try #"{"model_type": "bert"}"#.write(to: bare.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let bert = try BertTokenizer(directory: bare)
        #expect(bert.options.lowercase && bert.options.stripAccents == nil)
        // AutoTokenizer.from_pretrained of this folder (transformers 5.25): [101, 2002, 2140, 2140, 2080, 2088, 1039, 2050, 2546, 2063, 102].
        #expect(bert.encode("Hello World Café") == [101, 2002, 2140, 2140, 2080, 2088, 1039, 2050, 2546, 2063, 102])
    }

    @Test("A tokenizer file that is a directory or a dangling link is named, with the reason in words")
    func unreadableFiles() throws {
        let directory = try copy("added", dropping: ["tokenizer.json"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let vocab = directory.appendingPathComponent("vocab.txt")
        try FileManager.default.removeItem(at: vocab)
        try FileManager.default.createDirectory(at: vocab, withIntermediateDirectories: false)
        #expect(throws: TokenizerError.unreadableFile(path: vocab.path, reason: "a directory, not a file")) { try BertTokenizer(directory: directory) }
        try FileManager.default.removeItem(at: vocab)
        try FileManager.default.createSymbolicLink(atPath: vocab.path, withDestinationPath: "/nonexistent/vocab.txt")
        #expect(throws: TokenizerError.unreadableFile(path: vocab.path, reason: "a symbolic link to a file that does not exist")) {
            try BertTokenizer(directory: directory)
        }
    }
}
