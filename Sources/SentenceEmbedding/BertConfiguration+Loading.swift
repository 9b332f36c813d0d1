import Foundation
import MicseSupport

/// Reading a Hugging Face `config.json` into `BertConfiguration`.
///
/// Keys and defaults follow transformers' `BertConfig` (configuration_bert.py): a key that is absent
/// takes BertConfig's default (bert-base-uncased's value), as `from_pretrained` does.
extension BertConfiguration {
    /// The `config.json` keys this loader reads. Unknown keys (dropout rates, `architectures`, …) are ignored.
    private struct File: Decodable {
        var model_type: String?
        var vocab_size: Int?
        var hidden_size: Int?
        var num_hidden_layers: Int?
        var num_attention_heads: Int?
        var intermediate_size: Int?
        var max_position_embeddings: Int?
        var type_vocab_size: Int?
        var layer_norm_eps: Double?
        var hidden_act: String?
        var position_embedding_type: String?
    }

    /// Reads and validates a `config.json`.
    ///
    /// - Parameter url: the `config.json` file (or a model directory holding one).
    /// - Throws: `ModelLoadingError` naming the file: unreadable or malformed JSON, a non-BERT `model_type`
    ///   (only `"bert"` or an absent key is accepted), an activation the encoder cannot run (supported: `gelu`,
    ///   `gelu_new`, `gelu_pytorch_tanh`, `relu`), a relative position embedding, or inconsistent sizes
    ///   (a hidden size not divisible by the head count, a non-positive size).
    public static func load(from url: URL) throws -> BertConfiguration {
        let file = PathKind(url) == .directory && url.lastPathComponent != "config.json" ? url.appendingPathComponent("config.json") : url
        let kind = PathKind(file)
        if let problem = kind.problemForAFile { throw ModelLoadingError.unreadableFile(path: file.path, reason: problem) }
        guard kind == .file else { throw ModelLoadingError.fileMissing(path: file.path, what: "model configuration config.json") }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ModelLoadingError.unreadableFile(path: file.path, reason: "permission denied or unreadable")
        }
        return try parse(data, path: file.path)
    }

    /// Parses the bytes of a `config.json`; `path` is only used in error messages.
    public static func parse(_ data: Data, path: String) throws -> BertConfiguration {
        let raw: File
        do {
            raw = try JSONDecoder().decode(File.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelLoadingError.invalidConfiguration(
                path: path, reason: key.isEmpty ? "not a JSON object" : "key \"\(key)\" has the wrong type")
        } catch {
            throw ModelLoadingError.invalidConfiguration(path: path, reason: "not a JSON object")
        }
        if let modelType = raw.model_type, modelType != "bert" {
            throw ModelLoadingError.unsupportedModelType(path: path, modelType: modelType)
        }
        if let kind = raw.position_embedding_type, kind != "absolute" {
            throw ModelLoadingError.invalidConfiguration(
                path: path, reason: "position_embedding_type \"\(kind)\" is not supported (only \"absolute\")")
        }
        var configuration = BertConfiguration()
        if let activation = raw.hidden_act {
            switch activation {
            case "gelu": configuration.hiddenAct = .gelu
            case "gelu_new", "gelu_pytorch_tanh": configuration.hiddenAct = .geluTanh
            case "relu": configuration.hiddenAct = .relu
            default: throw ModelLoadingError.unsupportedActivation(path: path, activation: activation)
            }
        }
        func positive(_ value: Int?, _ key: String, default fallback: Int) throws -> Int {
            guard let value else { return fallback }
            guard value > 0, value <= 1 << 31 else {
                throw ModelLoadingError.invalidConfiguration(path: path, reason: "\(key) = \(value) is out of range")
            }
            return value
        }
        configuration.vocabSize = try positive(raw.vocab_size, "vocab_size", default: configuration.vocabSize)
        configuration.hiddenSize = try positive(raw.hidden_size, "hidden_size", default: configuration.hiddenSize)
        configuration.layerCount = try positive(raw.num_hidden_layers, "num_hidden_layers", default: configuration.layerCount)
        configuration.headCount = try positive(raw.num_attention_heads, "num_attention_heads", default: configuration.headCount)
        configuration.intermediateSize = try positive(
            raw.intermediate_size, "intermediate_size", default: configuration.intermediateSize)
        configuration.maxPositions = try positive(
            raw.max_position_embeddings, "max_position_embeddings", default: configuration.maxPositions)
        configuration.typeVocabSize = try positive(raw.type_vocab_size, "type_vocab_size", default: configuration.typeVocabSize)
        if let eps = raw.layer_norm_eps {
            guard eps > 0, eps < 1 else {
                throw ModelLoadingError.invalidConfiguration(path: path, reason: "layer_norm_eps = \(eps) is out of range")
            }
            configuration.layerNormEps = Float(eps)
        }
        guard configuration.hiddenSize % configuration.headCount == 0 else {
            throw ModelLoadingError.invalidConfiguration(
                path: path,
                reason: "hidden_size \(configuration.hiddenSize) is not a multiple of num_attention_heads \(configuration.headCount)")
        }
        return configuration
    }
}
