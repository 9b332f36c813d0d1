import CorpusIO
import Foundation
import LinearAlgebra
import MicseSupport
import Testing
import TestSupport
import Tokenization
@testable import SentenceEmbedding

/// Fixtures written by Fixtures/make_embedding_fixtures.py (transformers BertModel, fp32).
enum EmbeddingReference {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/embedding-reference")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func texts() throws -> [String] {
        struct File: Decodable { var texts: [String] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: folder.appendingPathComponent("texts.json"))).texts
    }

    static func ids(_ model: String) throws -> (maxLength: Int, ids: [[Int32]]) {
        struct File: Decodable { var max_length: Int; var ids: [[Int32]] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: folder.appendingPathComponent("\(model)_ids.json")))
        return (file.max_length, file.ids)
    }

    static func vectors(_ model: String, _ pooling: Pooling) throws -> Matrix {
        let array = try NPYFile.read(folder.appendingPathComponent("\(model)_\(pooling.rawValue).npy"))
        return Matrix(rows: array.rows, columns: array.columns, storage: array.values)
    }

    /// The bundled default model (installed by .ci/install-deps; required).
    static var miniLM: URL { ModelResolver.bundledDirectory(environment: ProcessInfo.processInfo.environment) }
}

@Suite("Encoder parity with PyTorch (transformers BertModel)")
struct EncoderParityTests {
    @Test("Tiny random BERT, safetensors and pytorch_model.bin, CLS and mean, end to end from text",
          arguments: ["tiny-bert-safetensors", "tiny-bert-bin"], Pooling.allCases)
    func tiny(folder: String, pooling: Pooling) throws {
        let model = try ModelDirectory(url: EmbeddingReference.fixtures.appendingPathComponent(folder))
        let (maxLength, ids) = try EmbeddingReference.ids("tiny")
        let texts = try EmbeddingReference.texts()
        let encoder = try SentenceEncoder(model: model, options: EncoderOptions(pooling: pooling, maxLength: 128,
                                                                                 batchTokenBudget: 300, threadCount: 2))
        #expect(encoder.effectiveMaxLength == maxLength)              // 128 capped by 64 positions
        let result = try encoder.embed(texts)
        #expect(result.truncatedCount == ids.filter { $0.count == maxLength }.count)
        #expect(result.truncatedCount >= 1)
        #expect(result.tokenCount == ids.reduce(0) { $0 + $1.count })
        expectClose(result.embeddings, try EmbeddingReference.vectors("tiny", pooling), tolerance: 1e-4)
    }

    @Test("all-MiniLM-L6-v2 on 96 texts (94 tweets, an empty one, a truncated one), CLS and mean", arguments: Pooling.allCases)
    func miniLM(pooling: Pooling) throws {
        let url = EmbeddingReference.miniLM
        try #require(FileManager.default.fileExists(atPath: url.path),
                     "the default model is missing at \(url.path): run .ci/install-deps (make setup)")
        let model = try ModelDirectory(url: url)
        let texts = try EmbeddingReference.texts()
        let expected = try EmbeddingReference.vectors("minilm", pooling)
        #expect(texts.count == expected.rows && texts.count >= 64)

        // Model only, on the ids transformers' tokenizer produced.
        let encoder = try BertEncoder(weights: model.loadWeights())
        let (_, ids) = try EmbeddingReference.ids("minilm")
        for (budget, threads) in [(512, 2), (4096, 1)] {
            let fromIDs = try encoder.embed(tokenIDs: ids, options: EncoderOptions(pooling: pooling, batchTokenBudget: budget,
                                                                                  threadCount: threads))
            expectClose(fromIDs, expected, tolerance: 1e-4)
        }

        // End to end from text with the project's tokenizer.
        let sentenceEncoder = try SentenceEncoder(encoder: encoder, tokenizer: BertTokenizer(directory: url),
                                                  options: EncoderOptions(pooling: pooling, maxLength: 128))
        let result = try sentenceEncoder.embed(texts)
        #expect(result.truncatedCount == 1)
        expectClose(result.embeddings, expected, tolerance: 1e-4)
    }
}
