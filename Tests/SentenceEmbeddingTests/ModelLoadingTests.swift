import Foundation
import SentenceEmbedding
import TestSupport
import Testing

@Suite("Model loading: tiny BERT fixtures against PyTorch's values")
struct ModelLoadingTests {
    @Test("config.json of the tiny model", arguments: ["tiny-bert-safetensors", "tiny-bert-bin"])
    func configuration(fixture: String) throws {
        let c = try BertConfiguration.load(from: ModelFixtures.directory(fixture))
        #expect(c.hiddenSize == 32 && c.layerCount == 2 && c.headCount == 4 && c.intermediateSize == 64)
        #expect(c.maxPositions == 64 && c.typeVocabSize == 2 && c.vocabSize == 741)
        #expect(c.hiddenAct == .gelu && c.layerNormEps == 1e-12)
    }

    @Test("Weights load with the values PyTorch saved",
          arguments: ["tiny-bert-safetensors", "tiny-bert-f16", "tiny-bert-bf16", "tiny-bert-sharded",
                      "tiny-bert-sentence-transformers", "tiny-bert-bin", "tiny-bert-bin-prefixed"])
    func weights(fixture: String) throws {
        let directory = ModelFixtures.directory(fixture)
        let configuration = try BertConfiguration.load(from: directory)
        let weights = try WeightLoader.load(directory: directory, configuration: configuration)
        #expect(weights.layers.count == 2)
        #expect(weights.configuration == configuration)
        try ModelFixtures.expectMatchesChecksums(weights, fixture: fixture)
    }

    @Test("F16 and BF16 files hold the F32 weights rounded")
    func reducedPrecisionIsClose() throws {
        let c = try BertConfiguration.load(from: ModelFixtures.directory("tiny-bert-safetensors"))
        let full = try WeightLoader.load(directory: ModelFixtures.directory("tiny-bert-safetensors"), configuration: c)
        for (fixture, relative) in [("tiny-bert-f16", Float(1.0 / 1024)), ("tiny-bert-bf16", Float(1.0 / 128))] {
            let low = try WeightLoader.load(directory: ModelFixtures.directory(fixture), configuration: c)
            for (a, b) in zip(full.wordEmbeddings.values, low.wordEmbeddings.values) {
                #expect(abs(a - b) <= relative * abs(a) + 1e-7, "\(fixture): \(a) vs \(b)")
            }
            #expect(full.wordEmbeddings.values != low.wordEmbeddings.values)
        }
    }

    @Test("The bundled all-MiniLM-L6-v2 loads (skipped when not installed)")
    func bundledMiniLM() throws {
        let directory = URL(fileURLWithPath: "/root/.cache/micse-cluster/models/all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path) else { return }
        let c = try BertConfiguration.load(from: directory)
        let weights = try WeightLoader.load(directory: directory, configuration: c)
        #expect(weights.layers.count == 6)
        #expect(weights.wordEmbeddings.shape == [30522, 384])
    }

    @Test("Sharded pytorch_model.bin.index.json checkpoints load; a bad index is named")
    func shardedBin() throws {
        let directory = try makeTemporaryDirectory("micse-sharded-bin")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = ModelFixtures.directory("tiny-bert-bin")
        for file in ["config.json", "vocab.txt"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        try FileManager.default.copyItem(at: source.appendingPathComponent("pytorch_model.bin"),
                                         to: directory.appendingPathComponent("pytorch_model-00001-of-00001.bin"))
        let names = try PyTorchCheckpoint(url: source.appendingPathComponent("pytorch_model.bin")).tensors.keys
        let index = ["metadata": [String: Int](), "weight_map": Dictionary(uniqueKeysWithValues: names.map { ($0, "pytorch_model-00001-of-00001.bin") })] as [String: Any]
        let indexURL = directory.appendingPathComponent("pytorch_model.bin.index.json")
        try JSONSerialization.data(withJSONObject: index).write(to: indexURL)
        let model = try ModelDirectory(url: directory)
        #expect(model.weightFiles == .pytorch([directory.appendingPathComponent("pytorch_model-00001-of-00001.bin")]))
        try ModelFixtures.expectMatchesChecksums(try model.loadWeights(), fixture: "tiny-bert-bin")

        for (map, expected) in [(["a": "../../etc/passwd"], "is not a plain file name"), (["a": "missing.bin"], "not found")] {
            try JSONSerialization.data(withJSONObject: ["weight_map": map]).write(to: indexURL)
            #expect { try ModelDirectory(url: directory) } throws: { "\($0)".contains(expected) }
        }
    }

    @Test("A config.json that is a directory, or weights linked to a deleted file, are named with the reason")
    func unreadableModelFiles() throws {
        let directory = try makeTemporaryDirectory("micse-bad-files")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = ModelFixtures.directory("tiny-bert-safetensors")
        try FileManager.default.copyItem(at: source.appendingPathComponent("vocab.txt"), to: directory.appendingPathComponent("vocab.txt"))
        let config = directory.appendingPathComponent("config.json")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: false)
        #expect(throws: ModelLoadingError.unreadableFile(path: config.path, reason: "a directory, not a file")) { try ModelDirectory(url: directory) }
        try FileManager.default.removeItem(at: config)
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"), to: config)
        let weights = directory.appendingPathComponent("model.safetensors")
        try FileManager.default.createSymbolicLink(atPath: weights.path, withDestinationPath: "../blobs/deleted")
        #expect(throws: ModelLoadingError.unreadableFile(path: weights.path, reason: "a symbolic link to a file that does not exist")) {
            try ModelDirectory(url: directory)
        }
    }
}
