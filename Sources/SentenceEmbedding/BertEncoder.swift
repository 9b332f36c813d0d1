import LinearAlgebra
import MicseSupport

/// A BERT encoder (Devlin et al. 2019) ready to run: the weights of `BertWeights` laid out for the
/// forward pass, with Q, K and V fused into one (3H, H) projection so that each layer starts with a
/// single large GEMM over all tokens of a batch.
///
/// Structure mirrors transformers' `BertModel` (`modeling_bert.py`): `BertEmbeddings`, then per layer
/// `BertSelfAttention` → `BertSelfOutput` (dense, residual, LayerNorm) → `BertIntermediate` (dense,
/// activation) → `BertOutput` (dense, residual, LayerNorm). Dropout is inference-time identity and the
/// pooler is not used (sentence vectors come from `Pooling`).
///
/// The forward pass works on *packed* batches (`PackedBatch`): sequences are laid end to end with no
/// padding, so every token row of a GEMM is a real token; attention runs per (sequence, head) over the
/// sequence's own tokens, which is exactly what the padding mask achieves in the padded form (see
/// `BertReference`, the padded and masked oracle the tests compare against).
public struct BertEncoder: Sendable {
    public let configuration: BertConfiguration

    /// One `BertLayer`'s weights in forward-pass layout. PyTorch `nn.Linear` weights stay (out, in):
    /// the GEMMs use them transposed, y = x Wᵀ.
    struct Layer: Sendable {
        /// (3H, H): rows [0, H) query, [H, 2H) key, [2H, 3H) value; bias (3H).
        let qkvWeight: WeightBuffer, qkvBias: WeightBuffer
        let attentionOutputWeight: WeightBuffer, attentionOutputBias: WeightBuffer   // (H, H), (H)
        let attentionNormGamma: WeightBuffer, attentionNormBeta: WeightBuffer        // (H)
        let intermediateWeight: WeightBuffer, intermediateBias: WeightBuffer         // (I, H), (I)
        let outputWeight: WeightBuffer, outputBias: WeightBuffer                     // (H, I), (H)
        let outputNormGamma: WeightBuffer, outputNormBeta: WeightBuffer              // (H)
    }

    let wordEmbeddings: WeightBuffer        // (V, H)
    let positionEmbeddings: WeightBuffer    // (P, H)
    let tokenTypeEmbeddings: WeightBuffer   // (types, H); row 0 is used (single-segment inputs)
    let embeddingNormGamma: WeightBuffer, embeddingNormBeta: WeightBuffer
    let layers: [Layer]

    /// The size of the vectors this encoder produces (H).
    public var hiddenSize: Int { configuration.hiddenSize }
    /// The longest sequence the position table allows.
    public var maxPositions: Int { configuration.maxPositions }

    /// Checks every tensor's shape against the configuration and prepares the fused layout.
    ///
    /// - Throws: `EncoderError.badConfiguration` or `.shapeMismatch(tensor:expected:found:)` naming the
    ///   checkpoint key of the first tensor whose shape disagrees.
    public init(weights: BertWeights) throws {
        let c = weights.configuration
        guard c.hiddenSize > 0, c.headCount > 0, c.hiddenSize % c.headCount == 0 else {
            throw EncoderError.badConfiguration("hidden_size \(c.hiddenSize) is not a multiple of num_attention_heads \(c.headCount)")
        }
        guard c.layerCount >= 0, c.intermediateSize > 0, c.maxPositions > 0, c.typeVocabSize > 0, c.vocabSize > 0 else {
            throw EncoderError.badConfiguration("sizes must be positive (intermediate_size \(c.intermediateSize), max_position_embeddings \(c.maxPositions), type_vocab_size \(c.typeVocabSize), vocab_size \(c.vocabSize))")
        }
        guard weights.layers.count == c.layerCount else {
            throw EncoderError.badConfiguration("config has num_hidden_layers \(c.layerCount) but the checkpoint has \(weights.layers.count) layers")
        }
        let h = c.hiddenSize, i = c.intermediateSize
        func check(_ t: Tensor, _ shape: [Int], _ key: String) throws -> WeightBuffer {
            guard t.shape == shape || (shape.count == 1 && t.values.count == shape[0] && t.shape.count <= 1) else {
                throw EncoderError.shapeMismatch(tensor: key, expected: shape, found: t.shape)
            }
            return WeightBuffer(t.values)
        }
        configuration = c
        wordEmbeddings = try check(weights.wordEmbeddings, [c.vocabSize, h], "embeddings.word_embeddings.weight")
        positionEmbeddings = try check(weights.positionEmbeddings, [c.maxPositions, h], "embeddings.position_embeddings.weight")
        tokenTypeEmbeddings = try check(weights.tokenTypeEmbeddings, [c.typeVocabSize, h], "embeddings.token_type_embeddings.weight")
        embeddingNormGamma = try check(weights.embeddingLayerNorm.gamma, [h], "embeddings.LayerNorm.weight")
        embeddingNormBeta = try check(weights.embeddingLayerNorm.beta, [h], "embeddings.LayerNorm.bias")
        layers = try weights.layers.enumerated().map { index, w in
            let p = "encoder.layer.\(index)."
            for (t, key) in [(w.query.weight, "attention.self.query.weight"), (w.key.weight, "attention.self.key.weight"),
                             (w.value.weight, "attention.self.value.weight")] where t.shape != [h, h] {
                throw EncoderError.shapeMismatch(tensor: p + key, expected: [h, h], found: t.shape)
            }
            for (t, key) in [(w.query.bias, "attention.self.query.bias"), (w.key.bias, "attention.self.key.bias"),
                             (w.value.bias, "attention.self.value.bias")] where t.values.count != h {
                throw EncoderError.shapeMismatch(tensor: p + key, expected: [h], found: t.shape)
            }
            return Layer(
                qkvWeight: WeightBuffer(w.query.weight.values + w.key.weight.values + w.value.weight.values),
                qkvBias: WeightBuffer(w.query.bias.values + w.key.bias.values + w.value.bias.values),
                attentionOutputWeight: try check(w.attentionOutput.weight, [h, h], p + "attention.output.dense.weight"),
                attentionOutputBias: try check(w.attentionOutput.bias, [h], p + "attention.output.dense.bias"),
                attentionNormGamma: try check(w.attentionLayerNorm.gamma, [h], p + "attention.output.LayerNorm.weight"),
                attentionNormBeta: try check(w.attentionLayerNorm.beta, [h], p + "attention.output.LayerNorm.bias"),
                intermediateWeight: try check(w.intermediate.weight, [i, h], p + "intermediate.dense.weight"),
                intermediateBias: try check(w.intermediate.bias, [i], p + "intermediate.dense.bias"),
                outputWeight: try check(w.output.weight, [h, i], p + "output.dense.weight"),
                outputBias: try check(w.output.bias, [h], p + "output.dense.bias"),
                outputNormGamma: try check(w.outputLayerNorm.gamma, [h], p + "output.LayerNorm.weight"),
                outputNormBeta: try check(w.outputLayerNorm.beta, [h], p + "output.LayerNorm.bias"))
        }
    }

    /// Runs the encoder on one packed batch and leaves the final hidden states, (T, H), in
    /// `workspace.hidden`. Mirrors `BertModel.forward`: a straight sequence of named steps.
    ///
    /// With `firstTokensOnly` (CLS pooling), the last layer computes only what the `[CLS]` vectors
    /// need: keys and values of every token, but attention, its projection and the feed-forward block
    /// for the first token of each sequence alone, whose final states are left in rows 0..<S of
    /// `workspace.hidden` (S sequences). The other tokens' last-layer outputs are never read, so this
    /// is the same function with about 70% of the last layer's work removed (a twelfth of bert-base,
    /// a sixth of MiniLM-L6).
    ///
    /// - Precondition: `batch.tokenCount <= workspace.tokenCapacity`, ids < vocabulary size and every
    ///   sequence no longer than `maxPositions` (checked by `PackedBatch`'s builder).
    func forward(_ batch: PackedBatch, workspace ws: EncoderWorkspace, firstTokensOnly: Bool = false) {
        let c = configuration
        let t = batch.tokenCount, h = c.hiddenSize, inter = c.intermediateSize, d = c.headSize
        precondition(t <= ws.tokenCapacity && batch.longestSequence <= ws.longestSequence && ws.hiddenSize == h && ws.intermediateSize == inter, "workspace too small for the batch")
        guard t > 0 else { return }
        let eps = c.layerNormEps

        batch.ids.withUnsafeBufferPointer { ids in
            batch.positions.withUnsafeBufferPointer { positions in
                embeddingsForward(ids: ids.baseAddress!, positions: positions.baseAddress!, tokenCount: t,
                                  word: wordEmbeddings.pointer, position: positionEmbeddings.pointer,
                                  tokenType0: tokenTypeEmbeddings.pointer, gamma: embeddingNormGamma.pointer,
                                  beta: embeddingNormBeta.pointer, eps: eps, hidden: h, out: ws.hidden)
            }
        }
        for (index, layer) in layers.enumerated() {
            // Self-attention: one GEMM for Q, K and V of every token (accumulated onto the bias rows),
            // then attention per (sequence, head). In a first-tokens-only last layer, each sequence's
            // first query alone attends; its context goes to row s, and so does its hidden state,
            // and the rest of the layer runs on those S rows (`rows`).
            broadcastRows(ws.qkv, bias: layer.qkvBias.pointer, rows: t, width: 3 * h)
            BLAS.sgemm(.noTranspose, .transpose, m: t, n: 3 * h, k: h, a: ws.hidden, lda: h,
                       b: layer.qkvWeight.pointer, ldb: h, beta: 1, c: ws.qkv, ldc: 3 * h)
            let compact = firstTokensOnly && index == layers.count - 1
            let rows = compact ? batch.sequenceCount : t
            for s in 0..<batch.sequenceCount {
                let start = batch.offsets[s], length = batch.offsets[s + 1] - start
                for head in 0..<c.headCount {
                    attentionHead(qkv: ws.qkv, hidden: h, headSize: d, head: head, start: start, length: length,
                                  queries: compact ? 1 : length, context: ws.context + (compact ? s : start) * h,
                                  keys: ws.keys, scores: ws.scores)
                }
                // Row s ≤ start: rows still to be read (later starts) are never overwritten.
                if compact && s != start { (ws.hidden + s * h).update(from: ws.hidden + start * h, count: h) }
            }
            let t = rows
            // BertSelfOutput: the dense projection is added onto the residual stream by the GEMM
            // (beta = 1), then bias + LayerNorm in one pass.
            BLAS.sgemm(.noTranspose, .transpose, m: t, n: h, k: h, a: ws.context, lda: h,
                       b: layer.attentionOutputWeight.pointer, ldb: h, beta: 1, c: ws.hidden, ldc: h)
            biasLayerNorm(ws.hidden, bias: layer.attentionOutputBias.pointer, rows: t, hidden: h,
                          gamma: layer.attentionNormGamma.pointer, beta: layer.attentionNormBeta.pointer, eps: eps)
            // BertIntermediate: dense onto the bias rows, then the activation in one pass.
            broadcastRows(ws.intermediate, bias: layer.intermediateBias.pointer, rows: t, width: inter)
            BLAS.sgemm(.noTranspose, .transpose, m: t, n: inter, k: h, a: ws.hidden, lda: h,
                       b: layer.intermediateWeight.pointer, ldb: h, beta: 1, c: ws.intermediate, ldc: inter)
            activationInPlace(ws.intermediate, count: t * inter, activation: c.hiddenAct)
            // BertOutput: dense onto the residual stream, then bias + LayerNorm in one pass.
            BLAS.sgemm(.noTranspose, .transpose, m: t, n: h, k: inter, a: ws.intermediate, lda: inter,
                       b: layer.outputWeight.pointer, ldb: inter, beta: 1, c: ws.hidden, ldc: h)
            biasLayerNorm(ws.hidden, bias: layer.outputBias.pointer, rows: t, hidden: h,
                          gamma: layer.outputNormGamma.pointer, beta: layer.outputNormBeta.pointer, eps: eps)
        }
    }

    /// Encoder matmul FLOPs of one sequence of `length` tokens (the count bench_embed.py uses):
    /// per layer 2·(4H² + 2HI) per token plus 4L²H for Q Kᵀ and attention × V.
    public func flops(sequenceLength length: Int) -> Double {
        Double(configuration.layerCount) * layerFlops(sequenceLength: length)
    }

    /// The matmul FLOPs `embed` actually computes for one sequence: `flops(sequenceLength:)`, except
    /// that with CLS pooling the last layer projects keys and values (and queries, fused) for all L
    /// tokens but attends, projects and runs the feed-forward block for the [CLS] row only.
    public func computedFlops(sequenceLength length: Int, pooling: Pooling) -> Double {
        let full = flops(sequenceLength: length)
        guard pooling == .cls, configuration.layerCount > 0 else { return full }
        let h = Double(configuration.hiddenSize), i = Double(configuration.intermediateSize), l = Double(length)
        let lastLayerCLS = l * 2 * 3 * h * h + 4 * l * h + 2 * (h * h + 2 * h * i)
        return full - layerFlops(sequenceLength: length) + lastLayerCLS
    }

    /// One layer's share of `flops(sequenceLength:)`.
    private func layerFlops(sequenceLength length: Int) -> Double {
        let h = Double(configuration.hiddenSize), i = Double(configuration.intermediateSize), l = Double(length)
        return l * 2 * (4 * h * h + 2 * h * i) + 4 * l * l * h
    }
}

/// An immutable Float array at a stable address, shared read-only by all workers.
final class WeightBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(_ values: [Float]) {
        count = values.count
        pointer = .allocate(capacity: max(1, values.count))
        values.withUnsafeBufferPointer { if let b = $0.baseAddress { pointer.initialize(from: b, count: values.count) } }
    }
    deinit { pointer.deallocate() }
}

/// The activation buffers of one worker, sized for `tokenCapacity` tokens and reused across batches.
final class EncoderWorkspace {
    let tokenCapacity: Int, hiddenSize: Int, intermediateSize: Int
    let hidden: UnsafeMutablePointer<Float>        // (T, H) hidden states, updated in place layer by layer
    let qkv: UnsafeMutablePointer<Float>           // (T, 3H)
    let context: UnsafeMutablePointer<Float>       // (T, H) attention output before its projection
    let intermediate: UnsafeMutablePointer<Float>  // (T, I)
    let keys: UnsafeMutablePointer<Float>          // (d, L′) one head's keys, transposed (`attentionHead`)
    let scores: UnsafeMutablePointer<Float>        // (4, L′) scores of 4 queries, L′ = paddedKeyCount(L)
    let longestSequence: Int

    init(tokenCapacity: Int, longestSequence: Int, configuration c: BertConfiguration) {
        self.longestSequence = longestSequence
        self.tokenCapacity = tokenCapacity
        hiddenSize = c.hiddenSize
        intermediateSize = c.intermediateSize
        let t = max(1, tokenCapacity)
        hidden = .allocate(capacity: t * c.hiddenSize)
        qkv = .allocate(capacity: t * 3 * c.hiddenSize)
        context = .allocate(capacity: t * c.hiddenSize)
        intermediate = .allocate(capacity: t * c.intermediateSize)
        let width = paddedKeyCount(max(1, longestSequence))
        keys = .allocate(capacity: c.headSize * width)
        scores = .allocate(capacity: 4 * width)
    }

    deinit {
        for p in [hidden, qkv, context, intermediate, keys, scores] { p.deallocate() }
    }
}
