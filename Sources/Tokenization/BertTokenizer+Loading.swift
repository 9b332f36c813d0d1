import Foundation

// Reading a tokenizer from a model directory, as `BertTokenizerFast.from_pretrained` would:
//   - `vocab.txt` (one token per line, id = line number; transformers 5.24.0 tokenization_bert.py
//     L30 `load_vocab`) with the settings of `tokenizer_config.json` (`do_lower_case`, `strip_accents`,
//     `tokenize_chinese_chars`, `model_max_length`, `cls_token`/`sep_token`/`unk_token`/
//     `pad_token`/`mask_token`), each defaulting to the BertTokenizer default when absent;
//   - or, when there is no `vocab.txt`, `tokenizer.json` (the `tokenizers` serialisation):
//     `normalizer` (BertNormalizer), `model` (WordPiece: vocab, unk_token,
//     continuing_subword_prefix, max_input_chars_per_word) and `added_tokens`.

extension BertTokenizer {
    /// Loads the tokenizer of the model in `directory` (see the comment above for which files).
    /// - Throws: `TokenizerError` naming the file that is missing, unreadable or malformed, or
    ///   the special token the vocabulary lacks.
    public init(directory: URL) throws {
        let vocabURL = directory.appendingPathComponent("vocab.txt")
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let jsonURL = directory.appendingPathComponent("tokenizer.json")
        let manager = FileManager.default
        var options = BertTokenizerOptions()
        var config: [String: Any] = [:]
        if manager.fileExists(atPath: configURL.path) {
            config = try Self.readJSONObject(configURL)
            try Self.apply(config: config, to: &options, path: configURL.path)
        }
        if manager.fileExists(atPath: vocabURL.path) {
            let tokens = try Self.readVocabularyFile(vocabURL)
            try self.init(vocabulary: tokens, options: options, source: vocabURL.path)
        } else if manager.fileExists(atPath: jsonURL.path) {
            let (tokens, extra) = try Self.readTokenizerJSON(jsonURL, into: &options, hasConfig: !config.isEmpty)
            try self.init(vocabulary: tokens, options: options, source: jsonURL.path, extraSpecialTokens: extra)
        } else {
            var isDirectory: ObjCBool = false
            if !manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw TokenizerError.unreadableFile(path: directory.path, reason: "no such directory")
            }
            throw TokenizerError.vocabularyNotFound(directory: directory.path)
        }
    }

    /// The lines of a `vocab.txt`. Python's `load_vocab` reads the file in text mode (universal
    /// newlines: \n, \r\n and \r all end a line) and strips only the newline, so every line,
    /// blank or not, is a token.
    static func readVocabularyFile(_ url: URL) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
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
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw TokenizerError.malformedJSON(path: url.path, reason: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw TokenizerError.malformedJSON(path: url.path, reason: "expected a JSON object at the top level")
        }
        return dictionary
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
    static func readTokenizerJSON(_ url: URL, into options: inout BertTokenizerOptions, hasConfig: Bool) throws
        -> (tokens: [String], specialTokens: [String]) {
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
            if !hasConfig {   // tokenizer_config.json, when present, was applied already and agrees
                if let v = normalizer["clean_text"] as? Bool { options.cleanText = v }
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
        var specials: [String] = []
        for case let added as [String: Any] in json["added_tokens"] as? [Any] ?? [] {
            // Tokens with `normalized: true` would be matched after normalisation; BERT's are all
            // `normalized: false` and such tokens are not supported.
            if let content = added["content"] as? String, (added["normalized"] as? Bool) != true { specials.append(content) }
        }
        return (tokens, specials)
    }
}
