import Foundation
import LinearAlgebra

/// A plain, slow BERT forward pass written for clarity: the test oracle of `BertEncoder` (llm.c keeps
/// `matmul_forward_naive` beside its fast kernels for the same reason).
///
/// It follows transformers' `BertModel` literally: texts are padded to the batch's longest one, the
/// attention mask adds −3.4028235e38 (`torch.finfo(float32).min`) to scores of padding keys, every
/// position (padding included) is computed, GELU uses `erf` in Double, and pooling masks padding out.
/// Sums run in Double. No BLAS, no SIMD, no packing: nothing shared with the fast path but the weights.
public enum BertReference {
    /// Sentence vectors (N, H) of `sequences` (token ids with `[CLS]`/`[SEP]`), pooled, not normalised.
    public static func embed(weights w: BertWeights, tokenIDs sequences: [[Int32]], pooling: Pooling) -> Matrix {
        let c = w.configuration
        let h = c.hiddenSize, heads = c.headCount, d = c.headSize
        let n = sequences.count, l = sequences.map(\.count).max() ?? 0
        var out = Matrix(rows: n, columns: h)
        guard n > 0, l > 0 else { return out }

        // x[b][t] is a vector of H values.
        var x = [[[Float]]](repeating: [[Float]](repeating: [Float](repeating: 0, count: h), count: l), count: n)
        for b in 0..<n {
            for t in 0..<l {
                let id = t < sequences[b].count ? Int(sequences[b][t]) : 0   // pad id 0, as HF pads
                var v = [Float](repeating: 0, count: h)
                for j in 0..<h {
                    v[j] = w.wordEmbeddings.values[id * h + j] + w.positionEmbeddings.values[t * h + j]
                        + w.tokenTypeEmbeddings.values[j]
                }
                x[b][t] = layerNorm(v, w.embeddingLayerNorm, eps: c.layerNormEps)
            }
        }
        for layer in w.layers {
            for b in 0..<n {
                let valid = sequences[b].count
                let q = x[b].map { linear($0, layer.query) }
                let k = x[b].map { linear($0, layer.key) }
                let v = x[b].map { linear($0, layer.value) }
                var context = [[Float]](repeating: [Float](repeating: 0, count: h), count: l)
                for head in 0..<heads {
                    for i in 0..<l {
                        var scores = [Double](repeating: 0, count: l)
                        for j in 0..<l {
                            var s = 0.0
                            for e in 0..<d { s += Double(q[i][head * d + e]) * Double(k[j][head * d + e]) }
                            s /= Double(d).squareRoot()
                            if j >= valid { s += Double(-Float.greatestFiniteMagnitude) }
                            scores[j] = s
                        }
                        let m = scores.max() ?? 0
                        let e = scores.map { exp($0 - m) }
                        let sum = e.reduce(0, +)
                        for f in 0..<d {
                            var acc = 0.0
                            for j in 0..<l { acc += e[j] / sum * Double(v[j][head * d + f]) }
                            context[i][head * d + f] = Float(acc)
                        }
                    }
                }
                for t in 0..<l {
                    let attended = linear(context[t], layer.attentionOutput)
                    let h1 = layerNorm(zip(attended, x[b][t]).map { $0 + $1 }, layer.attentionLayerNorm, eps: c.layerNormEps)
                    let inner = linear(h1, layer.intermediate).map { activate($0, c.hiddenAct) }
                    let h2 = linear(inner, layer.output)
                    x[b][t] = layerNorm(zip(h2, h1).map { $0 + $1 }, layer.outputLayerNorm, eps: c.layerNormEps)
                }
            }
        }
        for b in 0..<n {
            let valid = sequences[b].count
            for j in 0..<h {
                switch pooling {
                case .cls: out[b, j] = x[b][0][j]
                case .mean:
                    var s = 0.0
                    for t in 0..<valid { s += Double(x[b][t][j]) }
                    out[b, j] = Float(s / Double(valid))
                }
            }
        }
        return out
    }

    /// y = W x + b for a PyTorch `nn.Linear` (weight (out, in)).
    static func linear(_ x: [Float], _ l: LinearWeights) -> [Float] {
        let outCount = l.weight.shape[0], inCount = l.weight.shape[1]
        return (0..<outCount).map { o in
            var s = Double(l.bias.values[o])
            for i in 0..<inCount { s += Double(l.weight.values[o * inCount + i]) * Double(x[i]) }
            return Float(s)
        }
    }

    static func layerNorm(_ x: [Float], _ p: LayerNormWeights, eps: Float) -> [Float] {
        let mean = x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(x.count)
        let rstd = 1 / (variance + Double(eps)).squareRoot()
        return x.indices.map { Float((Double(x[$0]) - mean) * rstd) * p.gamma.values[$0] + p.beta.values[$0] }
    }

    static func activate(_ v: Float, _ a: BertConfiguration.Activation) -> Float {
        let x = Double(v)
        switch a {
        case .gelu: return Float(0.5 * x * (1 + erf(x / 2.0.squareRoot())))
        case .geluTanh: return Float(0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x))))
        case .relu: return Float(max(0, x))
        }
    }
}
