import Foundation
import MicseSupport

/// A sentence-encoder model directory as the Hugging Face hub lays it out: `config.json`, the tokenizer files
/// (`vocab.txt` and/or `tokenizer.json`, `tokenizer_config.json`), the weights (`model.safetensors` or
/// `pytorch_model.bin`, possibly sharded) and, for sentence-transformers models, `modules.json`,
/// `1_Pooling/config.json` and `sentence_bert_config.json`.
///
/// Opening one reads only the small JSON files; weights are read by `loadWeights()`.
public struct ModelDirectory: Sendable {
    /// The directory.
    public let url: URL
    /// A display name: the hub repository id for a cache snapshot, otherwise the directory's name.
    public let name: String
    public let configurationURL: URL
    public let configuration: BertConfiguration
    public let weightFiles: WeightFiles
    /// `vocab.txt` (WordPiece vocabulary), if present.
    public let vocabularyURL: URL?
    /// `tokenizer.json` (HF tokenizers), if present.
    public let tokenizerJSONURL: URL?
    /// `tokenizer_config.json`, if present.
    public let tokenizerConfigurationURL: URL?
    /// `added_tokens.json` (transformers 4's tokens added after training), if present.
    public let addedTokensURL: URL?
    /// `do_lower_case` from `tokenizer_config.json` (true when absent, as for bert-base-uncased and miCSE).
    public let lowercasesInput: Bool
    /// How this model's authors pool: `.mean` when `1_Pooling/config.json` sets `pooling_mode_mean_tokens`,
    /// `.cls` when it sets `pooling_mode_cls_token` or when the directory is not a sentence-transformers model
    /// (miCSE and SimCSE use the `[CLS]` vector).
    public let defaultPooling: Pooling
    /// Whether `modules.json` ends in a `sentence_transformers.models.Normalize` module (L2-normalised output).
    public let normalizesEmbeddings: Bool
    /// `max_seq_length` from `sentence_bert_config.json` (256 for all-MiniLM-L6-v2), if present.
    public let maxSequenceLength: Int?
    /// Tokens per text when none is asked for: the sentence-transformers `max_seq_length`, as its
    /// `encode` truncates, else 128 (`EncoderOptions`' default; miCSE has no sentence-transformers files).
    public var defaultMaxLength: Int { maxSequenceLength ?? EncoderOptions().maxLength }

    /// `defaultMaxLength` for a directory that may hold only tokenizer files (`micse-cluster tokenize`):
    /// `sentence_bert_config.json`'s `max_seq_length`, else 128.
    /// - Throws: `ModelLoadingError.invalidConfiguration` for a malformed `sentence_bert_config.json`.
    public static func defaultMaxLength(in directory: URL) throws -> Int {
        try SentenceTransformersLayout.maxSequenceLength(in: directory) ?? EncoderOptions().maxLength
    }

    /// Opens and validates `url`.
    /// - Parameter name: the display name (defaults to the directory's last path component).
    /// - Throws: `ModelLoadingError`: a missing or invalid `config.json`, no weights, no vocabulary, an unsupported
    ///   pooling mode.
    public init(url: URL, name: String? = nil) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelLoadingError.fileMissing(path: url.path, what: "model directory")
        }
        guard isDirectory.boolValue else {
            throw ModelLoadingError.invalidConfiguration(path: url.path, reason: "a model is a directory, not a file")
        }
        self.url = url
        self.name = name ?? Self.displayName(url)
        func optional(_ file: String) -> URL? {
            let candidate = url.appendingPathComponent(file)
            return manager.fileExists(atPath: candidate.path) ? candidate : nil
        }
        configurationURL = url.appendingPathComponent("config.json")
        configuration = try BertConfiguration.load(from: configurationURL)
        weightFiles = try WeightFiles.find(in: url)
        vocabularyURL = optional("vocab.txt")
        tokenizerJSONURL = optional("tokenizer.json")
        tokenizerConfigurationURL = optional("tokenizer_config.json")
        addedTokensURL = optional("added_tokens.json")
        guard vocabularyURL != nil || tokenizerJSONURL != nil else {
            throw ModelLoadingError.fileMissing(path: url.path, what: "tokenizer vocabulary (vocab.txt or tokenizer.json)")
        }
        lowercasesInput = try tokenizerConfigurationURL.map(Self.readLowercase) ?? true
        let sentenceTransformers = try SentenceTransformersLayout(directory: url)
        defaultPooling = sentenceTransformers.pooling ?? .cls
        normalizesEmbeddings = sentenceTransformers.normalizes
        maxSequenceLength = sentenceTransformers.maxSequenceLength
    }

    /// Loads and checks the encoder weights (see `WeightLoader`).
    public func loadWeights() throws -> BertWeights {
        try WeightLoader.load(files: weightFiles, configuration: configuration)
    }

    /// An identity for caches: the `MicseSupport.Fingerprint` of `config.json` followed by every weight file's bytes
    /// (read through a memory map, ~0.1 s per 100 MB from the page cache). Same 16 hex digits ⇔ same model.
    public func identityFingerprint() throws -> String {
        var fingerprint = Fingerprint()
        for file in [configurationURL] + weightFiles.urls {
            let data = try MappedFile.map(file)
            fingerprint.combine(file.lastPathComponent)
            fingerprint.combine(data)
        }
        return fingerprint.hexString
    }

    /// `org/name` for a hub cache snapshot (`…/models--org--name/snapshots/<commit>`), else the directory's name.
    static func displayName(_ url: URL) -> String {
        let components = url.standardizedFileURL.pathComponents
        if components.count >= 3, components[components.count - 2] == "snapshots" {
            let repository = components[components.count - 3]
            if repository.hasPrefix("models--") {
                return repository.dropFirst("models--".count).replacingOccurrences(of: "--", with: "/")
            }
        }
        return url.standardizedFileURL.lastPathComponent
    }

    private static func readLowercase(_ url: URL) throws -> Bool {
        struct TokenizerConfig: Decodable { var do_lower_case: Bool? }
        do {
            return try JSONDecoder().decode(TokenizerConfig.self, from: Data(contentsOf: url)).do_lower_case ?? true
        } catch {
            throw ModelLoadingError.invalidConfiguration(path: url.path, reason: "not a tokenizer configuration JSON object")
        }
    }
}

/// The sentence-transformers files of a model directory (sentence-transformers `SentenceTransformer._load_sbert_model`):
/// `modules.json` lists the modules in order; the `Pooling` module's folder holds its `config.json`.
struct SentenceTransformersLayout {
    var pooling: Pooling?
    var normalizes = false
    var maxSequenceLength: Int?

    init(directory: URL) throws {
        struct Module: Decodable { var path: String?; var type: String }
        struct PoolingConfig: Decodable {
            var pooling_mode_cls_token: Bool?
            var pooling_mode_mean_tokens: Bool?
            var pooling_mode_max_tokens: Bool?
            var pooling_mode_mean_sqrt_len_tokens: Bool?
            var pooling_mode_weightedmean_tokens: Bool?
            var pooling_mode_lasttoken: Bool?
        }
        let manager = FileManager.default
        var poolingFolder = "1_Pooling"
        let modulesURL = directory.appendingPathComponent("modules.json")
        if manager.fileExists(atPath: modulesURL.path) {
            let modules: [Module]
            do { modules = try JSONDecoder().decode([Module].self, from: Data(contentsOf: modulesURL)) } catch {
                throw ModelLoadingError.invalidConfiguration(path: modulesURL.path, reason: "not a sentence-transformers module list")
            }
            if let module = modules.first(where: { $0.type.hasSuffix(".Pooling") }), let path = module.path,
               !path.isEmpty, !path.contains(".."), !path.hasPrefix("/") {
                poolingFolder = path
            }
            normalizes = modules.contains { $0.type.hasSuffix(".Normalize") }
        }
        let poolingURL = directory.appendingPathComponent(poolingFolder).appendingPathComponent("config.json")
        if manager.fileExists(atPath: poolingURL.path) {
            let config: PoolingConfig
            do { config = try JSONDecoder().decode(PoolingConfig.self, from: Data(contentsOf: poolingURL)) } catch {
                throw ModelLoadingError.invalidConfiguration(path: poolingURL.path, reason: "not a pooling configuration")
            }
            if config.pooling_mode_mean_tokens == true {
                pooling = .mean
            } else if config.pooling_mode_cls_token == true {
                pooling = .cls
            } else {
                let mode = [("max_tokens", config.pooling_mode_max_tokens), ("mean_sqrt_len_tokens", config.pooling_mode_mean_sqrt_len_tokens),
                            ("weightedmean_tokens", config.pooling_mode_weightedmean_tokens), ("lasttoken", config.pooling_mode_lasttoken)]
                    .first { $0.1 == true }?.0 ?? "none"
                throw ModelLoadingError.invalidConfiguration(
                    path: poolingURL.path, reason: "pooling mode \(mode) is not supported (only mean_tokens and cls_token)")
            }
        }
        maxSequenceLength = try Self.maxSequenceLength(in: directory)
    }

    /// `max_seq_length` of `sentence_bert_config.json` in `directory`, nil without that file or key.
    /// - Throws: `ModelLoadingError.invalidConfiguration` naming the file when it is not JSON, the value
    ///   is not an integer, or it leaves no room for [CLS] and [SEP] (< 2); sentence-transformers, too,
    ///   fails on a malformed file rather than use another length.
    static func maxSequenceLength(in directory: URL) throws -> Int? {
        struct BertSettings: Decodable { var max_seq_length: Int? }
        let settingsURL = directory.appendingPathComponent("sentence_bert_config.json")
        guard FileManager.default.fileExists(atPath: settingsURL.path) else { return nil }
        let settings: BertSettings
        do { settings = try JSONDecoder().decode(BertSettings.self, from: Data(contentsOf: settingsURL)) } catch {
            throw ModelLoadingError.invalidConfiguration(
                path: settingsURL.path, reason: "not a sentence-transformers settings object with an integer max_seq_length")
        }
        if let length = settings.max_seq_length, length < 2 {
            throw ModelLoadingError.invalidConfiguration(
                path: settingsURL.path, reason: "max_seq_length \(length) leaves no room for [CLS] and [SEP] (at least 2)")
        }
        return settings.max_seq_length
    }
}
