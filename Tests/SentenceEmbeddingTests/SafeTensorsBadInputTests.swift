import Foundation
@testable import SentenceEmbedding
import TestSupport
import Testing

/// Rewrites safetensors files: split into (header JSON object, data region), edit, reassemble.
enum SafeTensorsSurgery {
    static func split(_ file: Data) throws -> (header: [String: Any], data: Data) {
        let length = Int(file.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        let header = try JSONSerialization.jsonObject(with: file.subdata(in: 8..<(8 + length))) as? [String: Any] ?? [:]
        return (header, file.subdata(in: (8 + length)..<file.count))
    }

    static func assemble(headerJSON: Data, data: Data) -> Data {
        var out = Data()
        withUnsafeBytes(of: UInt64(headerJSON.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(headerJSON)
        out.append(data)
        return out
    }

    static func assemble(header: [String: Any], data: Data) throws -> Data {
        assemble(headerJSON: try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]), data: data)
    }

    static var tinyFile: Data {
        get throws { try Data(contentsOf: ModelFixtures.directory("tiny-bert-safetensors").appendingPathComponent("model.safetensors")) }
    }
}

/// A copy of the tiny model in a temporary directory whose model.safetensors is `weights`.
private func withModel(weights: Data, config: String? = nil, _ body: (URL) throws -> Void) throws {
    let directory = try makeTemporaryDirectory("micse-bad-weights")
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = ModelFixtures.directory("tiny-bert-safetensors")
    for file in ["config.json", "vocab.txt", "tokenizer_config.json"] {
        try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: directory.appendingPathComponent(file))
    }
    try weights.write(to: directory.appendingPathComponent("model.safetensors"))
    if let config { try Data(config.utf8).write(to: directory.appendingPathComponent("config.json")) }
    try body(directory)
}

/// Loads the model in `directory` and returns the error's one-line description (or "no error").
private func loadError(_ directory: URL, configuration: BertConfiguration? = nil) -> String {
    do {
        let c = try configuration ?? BertConfiguration.load(from: directory)
        _ = try WeightLoader.load(directory: directory, configuration: c)
        return "no error"
    } catch let error as ModelLoadingError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}

private func expectOneLine(_ message: String, contains parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!message.contains("\n"), "not one line: \(message)", sourceLocation: sourceLocation)
    for part in parts {
        #expect(message.contains(part), "«\(message)» lacks «\(part)»", sourceLocation: sourceLocation)
    }
}

@Suite("safetensors and config.json: bad input gives one-line errors naming the file")
struct SafeTensorsBadInputTests {
    @Test("Missing and truncated weight files")
    func missingAndTruncated() throws {
        let file = try SafeTensorsSurgery.tinyFile
        try withModel(weights: file) { directory in
            try FileManager.default.removeItem(at: directory.appendingPathComponent("model.safetensors"))
            expectOneLine(loadError(directory), contains: [directory.path, "model.safetensors or pytorch_model.bin", "not found"])
        }
        for cut in [0, 5, 100, file.count / 2, file.count - 1] {
            try withModel(weights: file.prefix(cut)) { directory in
                let message = loadError(directory)
                expectOneLine(message, contains: ["model.safetensors"])
                #expect(message != "no error", "cut at \(cut)")
                if cut == file.count / 2 || cut == file.count - 1 { #expect(message.contains("truncated")) }
            }
        }
    }

    @Test("A header length that lies")
    func headerLength() throws {
        let file = try SafeTensorsSurgery.tinyFile
        func withLength(_ length: UInt64) -> Data {
            var copy = file
            withUnsafeBytes(of: length.littleEndian) { copy.replaceSubrange(0..<8, with: $0) }
            return copy
        }
        try withModel(weights: withLength(UInt64(file.count))) { directory in
            expectOneLine(loadError(directory), contains: ["model.safetensors", "header claims \(file.count) bytes", "truncated"])
        }
        try withModel(weights: withLength(200_000_000)) { directory in
            expectOneLine(loadError(directory), contains: ["model.safetensors", "100000000-byte limit"])
        }
        try withModel(weights: withLength(UInt64.max)) { directory in
            expectOneLine(loadError(directory), contains: ["model.safetensors", "limit"])
        }
        try withModel(weights: withLength(20)) { directory in  // cuts the JSON short
            expectOneLine(loadError(directory), contains: ["model.safetensors", "invalid safetensors header"])
        }
    }

    @Test("Offsets and sizes that lie", arguments: [
        ("past the end", [0, 1_000_000_000], "exceed"),
        ("backwards", [400, 100], "run backwards"),
        ("wrong size", [0, 4], "needs 128 bytes but data_offsets span 4"),
        ("one value", [0], "[begin, end]"),
        ("huge", [UInt64.max - 1, UInt64.max], "exceed"),
    ] as [(String, [UInt64], String)])
    func offsets(label: String, offsets: [UInt64], expected: String) throws {
        var (header, data) = try SafeTensorsSurgery.split(try SafeTensorsSurgery.tinyFile)
        var entry = try #require(header["embeddings.LayerNorm.bias"] as? [String: Any])
        entry["data_offsets"] = offsets.map { NSNumber(value: $0) }
        header["embeddings.LayerNorm.bias"] = entry
        try withModel(weights: try SafeTensorsSurgery.assemble(header: header, data: data)) { directory in
            expectOneLine(loadError(directory), contains: ["model.safetensors", "embeddings.LayerNorm.bias", expected])
        }
    }

    @Test("Overlapping tensors, negative shapes and shape products that overflow")
    func overlapAndShape() throws {
        let (header, data) = try SafeTensorsSurgery.split(try SafeTensorsSurgery.tinyFile)
        var overlapping = header
        let offsets = try #require((header["embeddings.LayerNorm.bias"] as? [String: Any])?["data_offsets"])
        var weight = try #require(header["embeddings.LayerNorm.weight"] as? [String: Any])
        weight["data_offsets"] = offsets
        overlapping["embeddings.LayerNorm.weight"] = weight
        try withModel(weights: try SafeTensorsSurgery.assemble(header: overlapping, data: data)) { directory in
            expectOneLine(loadError(directory), contains: ["model.safetensors", "overlaps"])
        }
        for shape: [Int] in [[-32], [Int.max, 4], [1 << 40, 1 << 40]] {
            var bad = header
            var entry = try #require(header["embeddings.LayerNorm.bias"] as? [String: Any])
            entry["shape"] = shape
            bad["embeddings.LayerNorm.bias"] = entry
            try withModel(weights: try SafeTensorsSurgery.assemble(header: bad, data: data)) { directory in
                let message = loadError(directory)
                expectOneLine(message, contains: ["model.safetensors"])
                #expect(message.contains("embeddings.LayerNorm.bias") || message.contains("malformed"), "\(message)")
            }
        }
    }

    @Test("Malformed header JSON")
    func malformedJSON() throws {
        let data = Data(repeating: 0, count: 16)
        for json in ["[1, 2]", "{\"a\": 3}", "{\"a\": {\"dtype\": \"F32\", \"shape\": [4]}}", "{\"a\": {\"dtype\": 1, \"shape\": [4], \"data_offsets\": [0, 16]}}",
                     "{\"a\": {\"dtype\": \"F32\", \"shape\": [4.5], \"data_offsets\": [0, 16]}}", "{\"__metadata__\": {\"x\": 1}}", "{ not json", "{\"a\": \u{0}}"] {
            #expect {
                try SafeTensorsFile(data: SafeTensorsSurgery.assemble(headerJSON: Data(json.utf8), data: data), url: URL(fileURLWithPath: "/x/h.safetensors"))
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("/x/h.safetensors: invalid safetensors header") && !text.contains("\n")
            }
        }
        let ok = try SafeTensorsFile(data: SafeTensorsSurgery.assemble(headerJSON: Data("{\"a\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 16]}, \"__metadata__\": {\"format\": \"pt\"}}".utf8), data: data), url: URL(fileURLWithPath: "/x/h.safetensors"))
        #expect(ok.metadata == ["format": "pt"] && ok.tensors["a"]?.shape == [2, 2])
        #expect(try ok.tensors["a"]?.floats().values == [0, 0, 0, 0])
    }

    @Test("Unsupported dtypes are reported for the tensor that needs converting, and only then")
    func unsupportedDType() throws {
        let (header, data) = try SafeTensorsSurgery.split(try SafeTensorsSurgery.tinyFile)
        for dtype in ["I32", "F4"] {
            var bad = header
            var entry = try #require(header["encoder.layer.1.output.dense.bias"] as? [String: Any])
            entry["dtype"] = dtype
            bad["encoder.layer.1.output.dense.bias"] = entry
            try withModel(weights: try SafeTensorsSurgery.assemble(header: bad, data: data)) { directory in
                expectOneLine(loadError(directory), contains: ["model.safetensors", "encoder.layer.1.output.dense.bias", "unsupported dtype \(dtype)"])
            }
        }
        // An I64 buffer the encoder does not use (like MiniLM's embeddings.position_ids) is fine.
        var extra = header
        extra["embeddings.position_ids"] = ["dtype": "I64", "shape": [1, 2], "data_offsets": [data.count, data.count + 16]]
        var padded = data
        padded.append(Data(repeating: 0, count: 16))
        try withModel(weights: try SafeTensorsSurgery.assemble(header: extra, data: padded)) { directory in
            #expect(loadError(directory) == "no error")
        }
    }

    @Test("Missing tensors, wrong shapes and a config from another model are named")
    func missingAndWrongShape() throws {
        var (header, data) = try SafeTensorsSurgery.split(try SafeTensorsSurgery.tinyFile)
        header.removeValue(forKey: "encoder.layer.0.attention.self.value.weight")
        try withModel(weights: try SafeTensorsSurgery.assemble(header: header, data: data)) { directory in
            expectOneLine(loadError(directory), contains: [
                "model.safetensors", "tensor encoder.layer.0.attention.self.value.weight not found",
                "bert.encoder.layer.0.attention.self.value.weight"])
        }
        let directory = ModelFixtures.directory("tiny-bert-safetensors")
        var c = try BertConfiguration.load(from: directory)
        c.intermediateSize = 65
        expectOneLine(loadError(directory, configuration: c), contains: [
            "model.safetensors", "encoder.layer.0.intermediate.dense.weight", "shape [64, 32]", "implies [65, 32]"])
        c = try BertConfiguration.load(from: directory)
        c.vocabSize = 30522
        expectOneLine(loadError(directory, configuration: c), contains: ["embeddings.word_embeddings.weight", "[30522, 32]"])
        c = try BertConfiguration.load(from: directory)
        c.layerCount = 1
        expectOneLine(loadError(directory, configuration: c), contains: ["encoder.layer.1.", "num_hidden_layers = 1"])
    }

    @Test("config.json: non-BERT model types, unknown activations, inconsistent sizes", arguments: [
        (#"{"model_type": "roberta"}"#, #"model_type "roberta" is not supported"#),
        (#"{"model_type": "bert", "hidden_act": "swish"}"#, #"hidden_act "swish" is not supported"#),
        (#"{"hidden_size": 30, "num_attention_heads": 4}"#, "not a multiple of num_attention_heads"),
        (#"{"hidden_size": "big"}"#, #"key "hidden_size" has the wrong type"#),
        (#"{"num_hidden_layers": -2}"#, "num_hidden_layers = -2 is out of range"),
        (#"{"layer_norm_eps": 0}"#, "layer_norm_eps"),
        (#"{"position_embedding_type": "relative_key"}"#, "relative_key"),
        (#"[1, 2]"#, "not a JSON object"),
        ("", "not a JSON object"),
    ])
    func badConfiguration(json: String, expected: String) throws {
        try withModel(weights: try SafeTensorsSurgery.tinyFile, config: json) { directory in
            expectOneLine(loadError(directory), contains: [directory.appendingPathComponent("config.json").path, expected])
        }
    }

    @Test("Activations map to the encoder's cases; an absent model_type is accepted")
    func activations() throws {
        for (name, expected) in [("gelu", BertConfiguration.Activation.gelu), ("gelu_new", .geluTanh),
                                 ("gelu_pytorch_tanh", .geluTanh), ("relu", .relu)] {
            let c = try BertConfiguration.parse(Data(#"{"hidden_act": "\#(name)", "hidden_size": 64, "num_attention_heads": 2}"#.utf8), path: "c.json")
            #expect(c.hiddenAct == expected && c.hiddenSize == 64 && c.headSize == 32)
        }
        let defaults = try BertConfiguration.parse(Data("{}".utf8), path: "c.json")
        #expect(defaults == BertConfiguration())
    }
}
