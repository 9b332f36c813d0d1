import Foundation
import MicseSupport

// Reading a tokenizer from a model directory, as `AutoTokenizer.from_pretrained` (transformers
// 5.25) does for a BERT model:
//   - `tokenizer.json` (the `tokenizers` serialisation) when present, as the fast tokenizer reads
//     it: `model` (WordPiece: vocab, unk_token, continuing_subword_prefix, max_input_chars_per_word),
//     `normalizer` (BertNormalizer) and `added_tokens`;
//   - else `vocab.txt` (one token per line, id = line number; tokenization_bert.py `load_vocab`),
//     with the added tokens of `tokenizer_config.json`'s `added_tokens_decoder` or `added_tokens.json`.
// `tokenizer_config.json` gives `do_lower_case`, `strip_accents`, `tokenize_chinese_chars`,
// `model_max_length` and the special-token names. When the tokenizer class is BERT's (named so
// in `tokenizer_config.json`, or implied by `config.json`'s `model_type`), BertTokenizer's
// defaults (lower case, accents stripped with it, CJK split) override tokenizer.json's
// normalizer, as `BertTokenizer.__init__` rebuilds it; a bare tokenizer.json keeps its own
// (AutoTokenizer then loads the generic `TokenizersBackend`).

extension BertTokenizer {
    /// Loads the tokenizer of the model in `directory` (see the comment above for which files).
    /// - Throws: `TokenizerError` naming the file that is missing, unreadable or malformed, or
    ///   the special token the vocabulary lacks.
    public init(directory: URL) throws {
        let vocabURL = directory.appendingPathComponent("vocab.txt")
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let jsonURL = directory.appendingPathComponent("tokenizer.json")
        var options = BertTokenizerOptions()
        var config: [String: Any] = [:]
        if try Self.isFile(configURL) {
            config = try Self.readJSONObject(configURL)
            try Self.apply(config: config, to: &options, path: configURL.path)
        }
        if try Self.isFile(jsonURL) {
            let usesBertClass = try Self.usesBertTokenizerClass(config: config, directory: directory)
            let (tokens, added) = try Self.readTokenizerJSON(jsonURL, into: &options, normalizerFromFile: !usesBertClass,
                                                             hasConfig: !config.isEmpty)
            try self.init(vocabulary: tokens, options: options, source: jsonURL.path, addedTokens: added)
        } else if try Self.isFile(vocabURL) {
            let tokens = try Self.readVocabularyFile(vocabURL)
            let added = try Self.addedTokens(config: config, configPath: configURL.path, directory: directory)
            try self.init(vocabulary: tokens, options: options, source: vocabURL.path, addedTokens: added)
        } else {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw TokenizerError.unreadableFile(path: directory.path, reason: "no such directory")
            }
            throw TokenizerError.vocabularyNotFound(directory: directory.path)
        }
    }

    /// Whether `url` exists as a file (false when missing).
    /// - Throws: `TokenizerError.unreadableFile` when it is a directory, or a symbolic link to nothing.
    static func isFile(_ url: URL) throws -> Bool {
        let kind = PathKind(url)
        if let problem = kind.problemForAFile { throw TokenizerError.unreadableFile(path: url.path, reason: problem) }
        return kind == .file
    }

    /// Whether AutoTokenizer would load a BERT tokenizer class (whose settings override
    /// tokenizer.json's normalizer): `tokenizer_class` of `tokenizer_config.json` when given,
    /// else whether `config.json` names a `model_type`.
    static func usesBertTokenizerClass(config: [String: Any], directory: URL) throws -> Bool {
        if let name = config["tokenizer_class"] as? String { return name.hasPrefix("Bert") }
        let modelConfigURL = directory.appendingPathComponent("config.json")
        guard try isFile(modelConfigURL), let modelConfig = try? readJSONObject(modelConfigURL) else { return false }
        return modelConfig["model_type"] is String
    }

    /// The added tokens of a `vocab.txt` tokenizer: `tokenizer_config.json`'s `added_tokens_decoder`
    /// (id → token object, transformers ≥ 4.34), else `added_tokens.json` (token → id; a token is
    /// normalised unless it is special, `AddedToken`'s default).
    static func addedTokens(config: [String: Any], configPath: String, directory: URL) throws -> [AddedToken] {
        if let decoder = config["added_tokens_decoder"] as? [String: Any] {
            return try decoder.compactMap { key, value in
                guard let object = value as? [String: Any], let id = Int32(key) else {
                    throw TokenizerError.malformedJSON(path: configPath, reason: "added_tokens_decoder entry \(key.debugDescription) is not an id and a token object")
                }
                return try AddedToken(object, id: id, path: configPath)
            }.sorted { $0.id < $1.id }
        }
        let legacyURL = directory.appendingPathComponent("added_tokens.json")
        guard try isFile(legacyURL) else { return [] }
        let legacy = try readJSONObject(legacyURL)
        var specials = Set<String>()
        for key in ["additional_special_tokens", "extra_special_tokens"] {   // transformers 4 and 5 names
            for case let name as String in config[key] as? [Any] ?? [] { specials.insert(name) }
        }
        return try legacy.map { token, value in
            guard let id = (value as? NSNumber)?.int32Value, id >= 0 else {
                throw TokenizerError.malformedJSON(path: legacyURL.path, reason: "the id of \(token.debugDescription) is not a non-negative integer")
            }
            return AddedToken(content: token, id: id, normalized: !specials.contains(token))
        }.sorted { $0.id < $1.id }
    }

    /// The lines of a `vocab.txt`. Python's `load_vocab` reads the file in text mode (universal
    /// newlines: \n, \r\n and \r all end a line) and strips only the newline, so every line,
    /// blank or not, is a token.
    static func readVocabularyFile(_ url: URL) throws -> [String] {
        let data = try readFile(url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.unreadableFile(path: url.path, reason: "not UTF-8 text")
        }
        var tokens: [String] = []
        var current = [UInt8]()
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }   // utf-8 BOM: Python keeps it; rare
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                tokens.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
            } else {
                current.append(b)
            }
            i += 1
        }
        if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
        if tokens.isEmpty { throw TokenizerError.unreadableFile(path: url.path, reason: "the vocabulary is empty") }
        return tokens
    }

    static func readJSONObject(_ url: URL) throws -> [String: Any] {
        let data = try readFile(url)
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw TokenizerError.malformedJSON(path: url.path, reason: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw TokenizerError.malformedJSON(path: url.path, reason: "expected a JSON object at the top level")
        }
        return dictionary
    }

    /// The bytes of `url`; errors name the file and say why in words (not a Cocoa error code).
    static func readFile(_ url: URL) throws -> Data {
        _ = try isFile(url)
        do { return try Data(contentsOf: url) } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "permission denied or unreadable" : "no such file"
            throw TokenizerError.unreadableFile(path: url.path, reason: reason)
        }
    }

    /// `tokenizer_config.json` keys over the defaults.
    static func apply(config: [String: Any], to options: inout BertTokenizerOptions, path: String) throws {
        func bool(_ key: String) throws -> Bool? {
            guard let value = config[key], !(value is NSNull) else { return nil }
            guard let flag = value as? Bool else {
                throw TokenizerError.malformedJSON(path: path, reason: "\"\(key)\" should be true, false or null")
            }
            return flag
        }
        if let lower = try bool("do_lower_case") { options.lowercase = lower }
        options.stripAccents = try bool("strip_accents")
        if let chinese = try bool("tokenize_chinese_chars") { options.tokenizeChineseCharacters = chinese }
        if let clean = try bool("clean_text") { options.cleanText = clean }
        // transformers writes a huge sentinel (1e30) when the length is unknown.
        if let length = config["model_max_length"] as? Double, length >= 1, length < 1e9 {
            options.modelMaxLength = Int(length)
        }
        func name(_ key: String) -> String? {
            if let text = config[key] as? String { return text }
            if let object = config[key] as? [String: Any], let text = object["content"] as? String { return text }
            return nil
        }
        if let v = name("cls_token") { options.clsToken = v }
        if let v = name("sep_token") { options.sepToken = v }
        if let v = name("unk_token") { options.unkToken = v }
        if let v = name("pad_token") { options.padToken = v }
        if let v = name("mask_token") { options.maskToken = v }
    }

    /// The vocabulary (in id order), settings and literal special tokens of a `tokenizer.json`.
    static func readTokenizerJSON(_ url: URL, into options: inout BertTokenizerOptions, normalizerFromFile: Bool,
                                  hasConfig: Bool) throws -> (tokens: [String], addedTokens: [AddedToken]) {
        let path = url.path
        let json = try readJSONObject(url)
        guard let model = json["model"] as? [String: Any] else {
            throw TokenizerError.malformedJSON(path: path, reason: "no \"model\" object")
        }
        guard (model["type"] as? String ?? "WordPiece") == "WordPiece" else {
            throw TokenizerError.unsupported(path: path, what: "model type \(model["type"] ?? "?")")
        }
        guard let vocab = model["vocab"] as? [String: Any] else {
            throw TokenizerError.malformedJSON(path: path, reason: "no \"model.vocab\" object")
        }
        var byID = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            guard let id = (value as? NSNumber)?.intValue, id >= 0, id < vocab.count, byID[id] == nil else {
                throw TokenizerError.malformedJSON(path: path, reason: "model.vocab ids are not 0..<\(vocab.count), each once (token \(token.debugDescription))")
            }
            byID[id] = token
        }
        let tokens = byID.map { $0 ?? "" }
        if let unk = model["unk_token"] as? String { options.unkToken = unk }
        if let prefix = model["continuing_subword_prefix"] as? String { options.continuingSubwordPrefix = prefix }
        if let chars = model["max_input_chars_per_word"] as? Int { options.maxInputCharactersPerWord = chars }

        if let normalizer = json["normalizer"] as? [String: Any] {
            guard normalizer["type"] as? String == "BertNormalizer" else {
                throw TokenizerError.unsupported(path: path, what: "normalizer \(normalizer["type"] ?? "?")")
            }
            // BertTokenizer keeps clean_text and replaces the other three by its settings.
            if let v = normalizer["clean_text"] as? Bool { options.cleanText = v }
            if normalizerFromFile {
                if let v = normalizer["handle_chinese_chars"] as? Bool { options.tokenizeChineseCharacters = v }
                if let v = normalizer["lowercase"] as? Bool { options.lowercase = v }
                options.stripAccents = normalizer["strip_accents"] as? Bool
            }
        }
        if let pre = json["pre_tokenizer"] as? [String: Any], pre["type"] as? String != "BertPreTokenizer" {
            throw TokenizerError.unsupported(path: path, what: "pre_tokenizer \(pre["type"] ?? "?")")
        }
        if !hasConfig, let truncation = json["truncation"] as? [String: Any], let length = truncation["max_length"] as? Int {
            options.modelMaxLength = length
        }
        var added: [AddedToken] = []
        for entry in json["added_tokens"] as? [Any] ?? [] {
            guard let object = entry as? [String: Any], let id = (object["id"] as? NSNumber)?.int32Value else {
                throw TokenizerError.malformedJSON(path: path, reason: "an added_tokens entry has no integer id")
            }
            added.append(try AddedToken(object, id: id, path: path))
        }
        return (tokens, added)
    }
}
