import Foundation
import LinearAlgebra
import MicseSupport
import Testing
import TestSupport
@testable import SentenceEmbedding

/// A BERT with N(0, scale²) weights and LayerNorm γ near 1, for testing the fast path against the reference.
func makeRandomWeights(_ c: BertConfiguration, seed: UInt64, scale: Double = 0.08) -> BertWeights {
    var rng = SplitMix64(seed: seed)
    func tensor(_ shape: [Int], mean: Double = 0, s: Double = scale) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(mean + s * rng.nextGaussian()) })
    }
    func linear(_ o: Int, _ i: Int) -> LinearWeights { LinearWeights(weight: tensor([o, i]), bias: tensor([o])) }
    func norm(_ n: Int) -> LayerNormWeights { LayerNormWeights(gamma: tensor([n], mean: 1, s: 0.1), beta: tensor([n])) }
    let h = c.hiddenSize, i = c.intermediateSize
    let layers = (0..<c.layerCount).map { _ in
        BertLayerWeights(query: linear(h, h), key: linear(h, h), value: linear(h, h), attentionOutput: linear(h, h),
                         attentionLayerNorm: norm(h), intermediate: linear(i, h), output: linear(h, i), outputLayerNorm: norm(h))
    }
    return BertWeights(configuration: c, wordEmbeddings: tensor([c.vocabSize, h], s: 0.5),
                       positionEmbeddings: tensor([c.maxPositions, h], s: 0.5), tokenTypeEmbeddings: tensor([c.typeVocabSize, h], s: 0.5),
                       embeddingLayerNorm: norm(h), layers: layers)
}

func smallConfiguration(hidden: Int = 40, heads: Int = 4, intermediate: Int = 76, layers: Int = 2,
                        activation: BertConfiguration.Activation = .gelu) -> BertConfiguration {
    var c = BertConfiguration()
    c.vocabSize = 97; c.hiddenSize = hidden; c.headCount = heads; c.intermediateSize = intermediate
    c.layerCount = layers; c.maxPositions = 64; c.hiddenAct = activation
    return c
}

/// Texts of mixed lengths 1…maxLength as random ids (first 101-style CLS = 2, last SEP = 3).
func randomSequences(count: Int, vocabulary: Int, maxLength: Int, seed: UInt64) -> [[Int32]] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        let length = 2 + rng.nextInt(below: maxLength - 1)
        return [2] + (0..<(length - 2)).map { _ in Int32(4 + rng.nextInt(below: vocabulary - 4)) } + [3]
    }
}

func expectClose(_ a: Matrix, _ b: Matrix, tolerance: Float, minimumCosine: Double = 0.99999,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.rows == b.rows && a.columns == b.columns, sourceLocation: sourceLocation)
    guard a.rows == b.rows, a.columns == b.columns else { return }
    let diff = maxAbsoluteDifference(a.storage, b.storage)
    #expect(diff <= tolerance, "max abs diff \(diff)", sourceLocation: sourceLocation)
    for r in 0..<a.rows {
        let cosine = cosineSimilarity(a.row(r), b.row(r))
        #expect(cosine >= minimumCosine, "row \(r): cosine \(cosine)", sourceLocation: sourceLocation)
        if cosine < minimumCosine { break }
    }
}

@Suite("Encoder kernels")
struct EncoderKernelTests {
    @Test("fastErf is within 5e-7 of erf on [-6, 6]")
    func erfAccuracy() {
        var worst = 0.0
        for k in -60000...60000 {
            let x = Float(k) / 10000
            worst = max(worst, abs(Double(fastErf(x)) - erf(Double(x))))
        }
        #expect(worst < 5e-7, "worst error \(worst)")
    }

    @Test("fastExpNonPositive is within 2e-7 (relative) of exp on [-87, 0], and tiny below")
    func expAccuracy() {
        var worst = 0.0
        for k in 0...870_000 {
            let x = -Float(k) / 10_000
            let e = Double(fastExpNonPositive(SIMD8(repeating: x))[3])
            worst = max(worst, abs(e - exp(Double(x))) / exp(Double(x)))
        }
        #expect(worst < 2e-7, "worst relative error \(worst)")
        let far = fastExpNonPositive(SIMD8(repeating: -1e30))
        #expect(far[0] >= 0 && far[0] < 2e-38)
        #expect(fastExpNonPositive(SIMD8(repeating: -.infinity))[0] < 2e-38)
    }

    @Test("softmaxUnnormalized gives exp(s - max) and 1 / sum; -inf padding columns add nothing")
    func softmaxPadded() {
        var random = SplitMix64(seed: 3)
        for length in [1, 2, 7, 8, 9, 16, 25, 33] {
            let width = paddedKeyCount(length)
            let scores = (0..<length).map { _ in Float(random.nextDouble() * 20 - 10) }
            var row = scores + [Float](repeating: -.infinity, count: width - length)
            let inverse = row.withUnsafeMutableBufferPointer { softmaxUnnormalized($0.baseAddress!, width: width) }
            let m = Double(scores.max()!), z = scores.map { exp(Double($0) - m) }.reduce(0, +)
            #expect(abs(Double(inverse) * z - 1) < 1e-6, "length \(length)")
            for j in 0..<length {
                #expect(abs(Double(row[j]) - exp(Double(scores[j]) - m)) < 1e-6, "length \(length) col \(j)")
            }
        }
    }

    @Test("attentionHead equals softmax(QKᵀ/√d)V in Double for head sizes with and without vector tails",
          arguments: [8, 10, 12, 32, 40, 64])
    func attentionKernel(headSize d: Int) {
        var random = SplitMix64(seed: UInt64(d))
        let heads = 3, hidden = heads * d
        for (length, queries) in [(1, 1), (2, 2), (5, 5), (16, 16), (17, 17), (33, 33), (33, 1), (128, 128)] {
            let offset = 3   // the sequence starts at row 3 of the batch
            let tokens = offset + length
            let qkv = (0..<(tokens * 3 * hidden)).map { _ in Float(random.nextGaussian()) }
            var context = [Float](repeating: .nan, count: tokens * hidden)
            let width = paddedKeyCount(length)
            var keys = [Float](repeating: .nan, count: d * width), scores = [Float](repeating: .nan, count: 4 * width)
            var qkvCopy = qkv
            for head in 0..<heads {
                qkvCopy.withUnsafeMutableBufferPointer { q in
                    context.withUnsafeMutableBufferPointer { c in
                        keys.withUnsafeMutableBufferPointer { k in
                            scores.withUnsafeMutableBufferPointer { s in
                                attentionHead(qkv: q.baseAddress!, hidden: hidden, headSize: d, head: head, start: offset,
                                              length: length, queries: queries, context: c.baseAddress! + offset * hidden,
                                              keys: k.baseAddress!, scores: s.baseAddress!)
                            }
                        }
                    }
                }
            }
            #expect(qkvCopy == qkv)
            var worst = 0.0
            for head in 0..<heads {
                for i in 0..<queries {
                    let q = (0..<d).map { Double(qkv[(offset + i) * 3 * hidden + head * d + $0]) }
                    let s = (0..<length).map { j in
                        (0..<d).reduce(0.0) { $0 + q[$1] * Double(qkv[(offset + j) * 3 * hidden + hidden + head * d + $1]) }
                            / Double(d).squareRoot()
                    }
                    let m = s.max()!, e = s.map { exp($0 - m) }, z = e.reduce(0, +)
                    for c in 0..<d {
                        let expected = (0..<length).reduce(0.0) {
                            $0 + e[$1] / z * Double(qkv[(offset + $1) * 3 * hidden + 2 * hidden + head * d + c])
                        }
                        worst = max(worst, abs(Double(context[(offset + i) * hidden + head * d + c]) - expected))
                    }
                }
            }
            #expect(worst < 1e-5, "d \(d), L \(length), \(queries) queries: worst \(worst)")
        }
    }

    @Test("LayerNorm of a row with a large offset keeps its variance (two-pass)")
    func layerNormStable() {
        let n = 37
        var x = (0..<n).map { 10_000 + Float($0 % 5) - 2 }
        let gamma = [Float](repeating: 1, count: n), beta = [Float](repeating: 0, count: n)
        x.withUnsafeMutableBufferPointer { layerNormInPlace($0.baseAddress!, n, gamma: gamma, beta: beta, eps: 1e-12) }
        let reference = BertReference.layerNorm((0..<n).map { 10_000 + Float($0 % 5) - 2 },
                                                LayerNormWeights(gamma: Tensor(shape: [n], values: gamma), beta: Tensor(shape: [n], values: beta)),
                                                eps: 1e-12)
        #expect(maxAbsoluteDifference(x, reference) < 1e-4)   // E[x²] − μ² would lose all digits here
    }

    @Test("Batches are packed longest first, within budget, each text once")
    func planning() {
        let lengths = [5, 9, 2, 9, 30, 7, 1, 12]
        let plan = planBatches(lengths: lengths, tokenBudget: 20, maxBatchSize: 3, workers: 1)
        #expect(plan.flatMap { $0 }.sorted() == Array(lengths.indices))
        #expect(plan.first == [4])                       // longer than the budget: a batch of its own
        for batch in plan.dropFirst() {
            #expect(batch.count <= 3 && batch.reduce(0) { $0 + lengths[$1] } <= 20)
        }
        // Small inputs are split so that both workers get one.
        #expect(planBatches(lengths: [3, 3, 3, 3], tokenBudget: 100, maxBatchSize: 100, workers: 2).count == 2)
    }
}

@Suite("Encoder forward pass against the reference")
struct EncoderReferenceTests {
    @Test("Packed fast path equals the padded, masked reference", arguments: [
        (BertConfiguration.Activation.gelu, Pooling.cls), (.gelu, .mean), (.geluTanh, .cls), (.relu, .mean),
    ])
    func parity(activation: BertConfiguration.Activation, pooling: Pooling) throws {
        let c = smallConfiguration(activation: activation)
        let weights = makeRandomWeights(c, seed: 7)
        let sequences = randomSequences(count: 23, vocabulary: c.vocabSize, maxLength: 40, seed: 11) + [[2, 3]]
        let encoder = try BertEncoder(weights: weights)
        let expected = BertReference.embed(weights: weights, tokenIDs: sequences, pooling: pooling)
        for (threads, budget) in [(1, 10_000), (2, 64), (2, 1)] {
            let options = EncoderOptions(pooling: pooling, batchTokenBudget: budget, maxBatchSize: 5, threadCount: threads)
            let fast = try encoder.embed(tokenIDs: sequences, options: options)
            expectClose(fast, expected, tolerance: 2e-5)
        }
    }

    @Test("Head sizes 32, 8, 64 and 12 (vector blocks of 32 and 8 columns, and a scalar tail) agree")
    func simdHeads() throws {
        for (hidden, heads) in [(64, 2), (96, 3), (48, 6), (128, 2), (36, 3)] {
            let c = smallConfiguration(hidden: hidden, heads: heads, intermediate: 4 * hidden, layers: 1)
            let weights = makeRandomWeights(c, seed: UInt64(hidden))
            let sequences = randomSequences(count: 9, vocabulary: c.vocabSize, maxLength: 33, seed: 3)
            let fast = try BertEncoder(weights: weights).embed(tokenIDs: sequences, options: EncoderOptions(pooling: .mean))
            expectClose(fast, BertReference.embed(weights: weights, tokenIDs: sequences, pooling: .mean), tolerance: 2e-5)
        }
    }

    @Test("Normalised vectors have unit length and the direction of the raw ones")
    func normalisation() throws {
        let c = smallConfiguration()
        let encoder = try BertEncoder(weights: makeRandomWeights(c, seed: 1))
        let sequences = randomSequences(count: 6, vocabulary: c.vocabSize, maxLength: 20, seed: 5)
        let raw = try encoder.embed(tokenIDs: sequences, options: EncoderOptions(pooling: .mean))
        let unit = try encoder.embed(tokenIDs: sequences, options: EncoderOptions(pooling: .mean, normalize: true))
        for r in 0..<raw.rows {
            let norm = unit.row(r).reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
            #expect(cosineSimilarity(raw.row(r), unit.row(r)) > 0.99999)
        }
    }

    @Test("Bad inputs: ids outside the vocabulary, empty or too long sequences, wrong tensor shapes")
    func badInputs() throws {
        let c = smallConfiguration()
        let weights = makeRandomWeights(c, seed: 2)
        let encoder = try BertEncoder(weights: weights)
        #expect(throws: EncoderError.tokenIDOutOfRange(row: 1, id: 97, vocabularySize: 97)) {
            try encoder.embed(tokenIDs: [[2, 3], [2, 97, 3]], options: EncoderOptions())
        }
        #expect(throws: EncoderError.sequenceLength(row: 0, length: 0, limit: 64)) {
            try encoder.embed(tokenIDs: [[]], options: EncoderOptions())
        }
        #expect(throws: EncoderError.sequenceLength(row: 0, length: 65, limit: 64)) {
            try encoder.embed(tokenIDs: [[Int32](repeating: 5, count: 65)], options: EncoderOptions())
        }
        var broken = weights
        broken.layers[1].intermediate.weight = Tensor(shape: [c.hiddenSize, c.intermediateSize],
                                                     values: broken.layers[1].intermediate.weight.values)
        #expect(throws: EncoderError.shapeMismatch(tensor: "encoder.layer.1.intermediate.dense.weight",
                                                   expected: [c.intermediateSize, c.hiddenSize],
                                                   found: [c.hiddenSize, c.intermediateSize])) {
            try BertEncoder(weights: broken)
        }
    }

    @Test("A NaN weight is reported as an error naming the first affected row")
    func nonFinite() throws {
        let c = smallConfiguration()
        var weights = makeRandomWeights(c, seed: 4)
        weights.wordEmbeddings.values[50 * c.hiddenSize + 3] = .nan       // token id 50
        let encoder = try BertEncoder(weights: weights)
        #expect(throws: EncoderError.nonFiniteOutput(row: 2)) {
            try encoder.embed(tokenIDs: [[2, 3], [2, 7, 3], [2, 50, 3], [2, 50, 3]], options: EncoderOptions())
        }
    }
}
