import Foundation
import SentenceEmbedding
import Testing

/// The tiny BERT fixtures written by `Fixtures/make_model_fixtures.py`.
enum ModelFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// `tensor-checksums.json`: for each bare BertModel tensor name, its shape, float64 sum and first 4 values.
    struct Checksum: Decodable { var shape: [Int]; var sum: Double; var first: [Double] }
    static func checksums(_ name: String) throws -> [String: Checksum] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("tensor-checksums.json"))
        return try JSONDecoder().decode([String: Checksum].self, from: data)
    }

    /// The loaded weights as a name → tensor map with bare BertModel names, to compare with the checksums.
    static func named(_ weights: BertWeights) -> [String: Tensor] {
        var out: [String: Tensor] = [
            "embeddings.word_embeddings.weight": weights.wordEmbeddings,
            "embeddings.position_embeddings.weight": weights.positionEmbeddings,
            "embeddings.token_type_embeddings.weight": weights.tokenTypeEmbeddings,
            "embeddings.LayerNorm.weight": weights.embeddingLayerNorm.gamma,
            "embeddings.LayerNorm.bias": weights.embeddingLayerNorm.beta,
        ]
        for (i, layer) in weights.layers.enumerated() {
            let p = "encoder.layer.\(i)."
            let linears: [(String, LinearWeights)] = [
                ("attention.self.query", layer.query), ("attention.self.key", layer.key),
                ("attention.self.value", layer.value), ("attention.output.dense", layer.attentionOutput),
                ("intermediate.dense", layer.intermediate), ("output.dense", layer.output),
            ]
            for (name, linear) in linears {
                out[p + name + ".weight"] = linear.weight
                out[p + name + ".bias"] = linear.bias
            }
            for (name, norm) in [("attention.output.LayerNorm", layer.attentionLayerNorm), ("output.LayerNorm", layer.outputLayerNorm)] {
                out[p + name + ".weight"] = norm.gamma
                out[p + name + ".bias"] = norm.beta
            }
        }
        return out
    }

    /// Checks every loaded tensor against the Python checksums: exact shapes, first values equal (they are exactly
    /// representable), sums within float64 rounding of fp32 values.
    static func expectMatchesChecksums(_ weights: BertWeights, fixture: String) throws {
        let expected = try checksums(fixture)
        let loaded = named(weights)
        #expect(Set(loaded.keys) == Set(expected.keys), "tensor names differ for \(fixture)")
        for (name, checksum) in expected {
            guard let tensor = loaded[name] else { continue }
            #expect(tensor.shape == checksum.shape, "\(fixture) \(name) shape")
            let first = tensor.values.prefix(4).map(Double.init)
            #expect(first == checksum.first, "\(fixture) \(name) first values")
            let sum = tensor.values.reduce(0.0) { $0 + Double($1) }
            #expect(abs(sum - checksum.sum) <= 1e-9 * max(1, tensor.values.map { abs(Double($0)) }.reduce(0, +)),
                    "\(fixture) \(name) sum \(sum) vs \(checksum.sum)")
        }
    }
}
