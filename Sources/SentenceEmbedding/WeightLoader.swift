import Foundation
import MicseSupport

/// The weight files of a model directory, in the order of preference `WeightFiles.find(in:)` uses.
public enum WeightFiles: Sendable, Equatable {
    /// `model.safetensors`, or the shards listed by `model.safetensors.index.json`.
    case safetensors([URL])
    /// `pytorch_model.bin` (torch.save zip format), or the shards listed by `pytorch_model.bin.index.json`.
    case pytorch([URL])

    public var urls: [URL] {
        switch self { case let .safetensors(urls), let .pytorch(urls): return urls }
    }

    /// Finds the weights in `directory`: `model.safetensors`, then `model.safetensors.index.json`, then
    /// `pytorch_model.bin`, then `pytorch_model.bin.index.json` (transformers' `from_pretrained` order).
    /// - Throws: `ModelLoadingError.fileMissing` if there are none, or a malformed index / missing shard.
    public static func find(in directory: URL) throws -> WeightFiles {
        func exists(_ name: String) throws -> URL? {
            let url = directory.appendingPathComponent(name)
            let kind = PathKind(url)
            if kind == .danglingLink, let problem = kind.problemForAFile {   // e.g. a cache blob deleted
                throw ModelLoadingError.unreadableFile(path: url.path, reason: problem)
            }
            return kind == .missing ? nil : url
        }
        if let single = try exists("model.safetensors") { return .safetensors([single]) }
        if let index = try exists("model.safetensors.index.json") { return .safetensors(try shards(index: index, in: directory)) }
        if let single = try exists("pytorch_model.bin") { return .pytorch([single]) }
        if let index = try exists("pytorch_model.bin.index.json") { return .pytorch(try shards(index: index, in: directory)) }
        throw ModelLoadingError.fileMissing(
            path: directory.path, what: "weights (model.safetensors or pytorch_model.bin)")
    }

    /// The distinct shard files named by a transformers index (`{"weight_map": {tensor: file}}`), in first-use order.
    private static func shards(index: URL, in directory: URL) throws -> [URL] {
        struct Index: Decodable { var weight_map: [String: String] }
        let decoded: Index
        do {
            decoded = try JSONDecoder().decode(Index.self, from: Data(contentsOf: index))
        } catch {
            throw ModelLoadingError.checkpointInvalid(path: index.path, reason: "not a shard index with a \"weight_map\" object")
        }
        var seen = Set<String>(), urls: [URL] = []
        for file in decoded.weight_map.values.sorted() where seen.insert(file).inserted {
            guard !file.isEmpty, !file.contains("/"), !file.hasPrefix(".") else {
                throw ModelLoadingError.checkpointInvalid(path: index.path, reason: "shard name \"\(file)\" is not a plain file name")
            }
            let url = directory.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ModelLoadingError.fileMissing(path: url.path, what: "weight shard listed in \(index.lastPathComponent)")
            }
            urls.append(url)
        }
        guard !urls.isEmpty else { throw ModelLoadingError.checkpointInvalid(path: index.path, reason: "the weight_map is empty") }
        return urls
    }
}

/// Loads BERT encoder weights from a model directory into `BertWeights`.
///
/// Names follow transformers' `BertModel` state dict (modeling_bert.py). Accepted variants, as candle's
/// `VarBuilder` retries them: bare names (`embeddings.word_embeddings.weight`), the `bert.` prefix of task models
/// (`BertForPreTraining`, `BertForMaskedLM`, SimCSE/miCSE training checkpoints), and the TF-era `LayerNorm.gamma` /
/// `LayerNorm.beta` for `LayerNorm.weight` / `LayerNorm.bias`. Everything else (`cls.*`, `pooler.*`, `lm_head.*`,
/// SimCSE's `mlp.*`, the `embeddings.position_ids` buffer) is ignored. Every expected tensor must be present with the
/// shape `config.json` implies.
public enum WeightLoader {
    /// Loads the weights found by `WeightFiles.find(in:)` in `directory`.
    /// - Throws: `ModelLoadingError` naming the file and the tensor.
    public static func load(directory: URL, configuration: BertConfiguration) throws -> BertWeights {
        try load(files: WeightFiles.find(in: directory), configuration: configuration)
    }

    /// Loads the weights from explicit files (all shards of one checkpoint).
    public static func load(files: WeightFiles, configuration: BertConfiguration) throws -> BertWeights {
        let tensors = try storedTensors(files)
        let path = files.urls.count == 1 ? files.urls[0].path : files.urls[0].deletingLastPathComponent().path
        return try assemble(tensors, configuration: configuration, path: path)
    }

    /// Every tensor of the checkpoint (all shards), not yet converted.
    public static func storedTensors(_ files: WeightFiles) throws -> [String: StoredTensor] {
        var all: [String: StoredTensor] = [:]
        for url in files.urls {
            let tensors: [String: StoredTensor]
            switch files {
            case .safetensors: tensors = try SafeTensorsFile(url: url).tensors
            case .pytorch: tensors = try PyTorchCheckpoint(url: url).tensors
            }
            for (name, tensor) in tensors {
                guard all.updateValue(tensor, forKey: name) == nil else {
                    throw ModelLoadingError.duplicateTensor(path: url.path, tensor: name)
                }
            }
        }
        return all
    }

    /// Picks the encoder tensors out of a checkpoint, checks their shapes against `configuration` and converts them
    /// to fp32. `path` names the checkpoint in error messages.
    public static func assemble(_ tensors: [String: StoredTensor], configuration c: BertConfiguration,
                                path: String) throws -> BertWeights {
        try checkLayerCount(tensors, configuration: c, path: path)
        func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
            var candidates = [name, "bert." + name]
            if name.hasSuffix("LayerNorm.weight") || name.hasSuffix("LayerNorm.bias") {
                let old = name.hasSuffix(".weight")
                    ? String(name.dropLast("weight".count)) + "gamma" : String(name.dropLast("bias".count)) + "beta"
                candidates += [old, "bert." + old]
            }
            guard let stored = candidates.lazy.compactMap({ tensors[$0] }).first else {
                throw ModelLoadingError.missingTensor(path: path, tensor: name, tried: candidates)
            }
            guard stored.shape == shape else {
                throw ModelLoadingError.wrongShape(path: stored.path, tensor: stored.name, expected: shape, found: stored.shape)
            }
            return try stored.floats()
        }
        func linear(_ prefix: String, out: Int, in inputs: Int) throws -> LinearWeights {
            LinearWeights(weight: try tensor(prefix + ".weight", [out, inputs]), bias: try tensor(prefix + ".bias", [out]))
        }
        func layerNorm(_ prefix: String) throws -> LayerNormWeights {
            LayerNormWeights(gamma: try tensor(prefix + ".weight", [c.hiddenSize]), beta: try tensor(prefix + ".bias", [c.hiddenSize]))
        }
        let h = c.hiddenSize
        let word = try tensor("embeddings.word_embeddings.weight", [c.vocabSize, h])
        let position = try tensor("embeddings.position_embeddings.weight", [c.maxPositions, h])
        let tokenType = try tensor("embeddings.token_type_embeddings.weight", [c.typeVocabSize, h])
        let embeddingNorm = try layerNorm("embeddings.LayerNorm")
        var layers: [BertLayerWeights] = []
        layers.reserveCapacity(c.layerCount)
        for i in 0..<c.layerCount {
            let p = "encoder.layer.\(i)"
            layers.append(BertLayerWeights(
                query: try linear("\(p).attention.self.query", out: h, in: h),
                key: try linear("\(p).attention.self.key", out: h, in: h),
                value: try linear("\(p).attention.self.value", out: h, in: h),
                attentionOutput: try linear("\(p).attention.output.dense", out: h, in: h),
                attentionLayerNorm: try layerNorm("\(p).attention.output.LayerNorm"),
                intermediate: try linear("\(p).intermediate.dense", out: c.intermediateSize, in: h),
                output: try linear("\(p).output.dense", out: h, in: c.intermediateSize),
                outputLayerNorm: try layerNorm("\(p).output.LayerNorm")))
        }
        return BertWeights(configuration: c, wordEmbeddings: word, positionEmbeddings: position,
                           tokenTypeEmbeddings: tokenType, embeddingLayerNorm: embeddingNorm, layers: layers)
    }

    /// A checkpoint with more encoder layers than `num_hidden_layers` almost always means a config.json from another
    /// model; loading its first layers would silently compute something else.
    private static func checkLayerCount(_ tensors: [String: StoredTensor], configuration: BertConfiguration,
                                        path: String) throws {
        for name in tensors.keys {
            let bare = name.hasPrefix("bert.") ? name.dropFirst(5) : Substring(name)
            guard bare.hasPrefix("encoder.layer.") else { continue }
            let digits = bare.dropFirst("encoder.layer.".count).prefix { $0.isASCII && $0.isNumber }
            if let index = Int(digits), index >= configuration.layerCount {
                throw ModelLoadingError.checkpointInvalid(
                    path: path,
                    reason: "it has tensor \(name) but config.json says num_hidden_layers = \(configuration.layerCount)")
            }
        }
    }
}
