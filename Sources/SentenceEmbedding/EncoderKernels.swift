// Inner loops of the BERT encoder forward pass (Devlin et al. 2019, "BERT: Pre-training of Deep
// Bidirectional Transformers for Language Understanding"; layer structure as in transformers
// `modeling_bert.py` `BertLayer`). The only file of the encoder with raw pointer arithmetic.
//
// Legend (llm.c style): T tokens of a packed batch (sequences laid end to end, no padding), H hidden
// size, I intermediate size, h attention heads of size d = H / h, L the length of one sequence.
// All matrices are row-major Float: a (T, H) buffer holds token t's hidden state at [t * H ..< (t + 1) * H].
//
// Kernels take pointers plus scalars, do no I/O, no allocation and never throw; buffers come from the
// caller (`EncoderWorkspace`). Reductions use SIMD8 accumulators (the compiler does not reassociate
// Float sums by itself, so a plain loop would not vectorise).

import LinearAlgebra
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

// MARK: - SIMD helpers

@inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Σᵢ a[i]·b[i] over `n` values.
@inline(__always)
func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        acc0 += load8(a + i) * load8(b + i)
        acc1 += load8(a + i + 8) * load8(b + i + 8)
        i += 16
    }
    while i + 8 <= n { acc0 += load8(a + i) * load8(b + i); i += 8 }
    var s = (acc0 + acc1).sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// y[i] += alpha · x[i] over `n` values.
@inline(__always)
func addScaled(_ y: UnsafeMutablePointer<Float>, _ alpha: Float, _ x: UnsafePointer<Float>, _ n: Int) {
    let a = SIMD8<Float>(repeating: alpha)
    var i = 0
    while i + 8 <= n { store8(load8(y + i) + a * load8(x + i), y + i); i += 8 }
    while i < n { y[i] += alpha * x[i]; i += 1 }
}

// MARK: - LayerNorm

/// LayerNorm of one row in place (Ba, Kiros & Hinton 2016): y = (x − μ) / √(σ² + ε) · γ + β, with
/// μ and σ² = mean((x − μ)²) in two passes over the row (the two-pass form does not lose the variance
/// to cancellation as E[x²] − μ² can).
@inline(__always)
func layerNormInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int, gamma: UnsafePointer<Float>,
                      beta: UnsafePointer<Float>, eps: Float) {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n { acc0 += load8(x + i); acc1 += load8(x + i + 8); i += 16 }
    while i + 8 <= n { acc0 += load8(x + i); i += 8 }
    var sum = (acc0 + acc1).sum()
    while i < n { sum += x[i]; i += 1 }
    let mean = sum / Float(n)

    let m = SIMD8<Float>(repeating: mean)
    acc0 = SIMD8<Float>(); acc1 = SIMD8<Float>()
    i = 0
    while i + 16 <= n {
        let u = load8(x + i) - m, v = load8(x + i + 8) - m
        acc0 += u * u; acc1 += v * v
        i += 16
    }
    while i + 8 <= n { let u = load8(x + i) - m; acc0 += u * u; i += 8 }
    var squares = (acc0 + acc1).sum()
    while i < n { let u = x[i] - mean; squares += u * u; i += 1 }
    let rstd = 1 / (squares / Float(n) + eps).squareRoot()

    let r = SIMD8<Float>(repeating: rstd)
    i = 0
    while i + 8 <= n { store8((load8(x + i) - m) * r * load8(gamma + i) + load8(beta + i), x + i); i += 8 }
    while i < n { x[i] = (x[i] - mean) * rstd * gamma[i] + beta[i]; i += 1 }
}

// MARK: - Embeddings

/// `BertEmbeddings`: out[t] = LayerNorm(word[ids[t]] + position[positions[t]] + tokenType[0]).
///
/// - Parameters:
///   - ids, positions: (T) token ids (checked against the vocabulary by the caller) and positions.
///   - word: (V, H); position: (P, H); tokenType0: (H), the first token-type row (single segments).
///   - out: (T, H).
func embeddingsForward(ids: UnsafePointer<Int32>, positions: UnsafePointer<Int32>, tokenCount: Int,
                       word: UnsafePointer<Float>, position: UnsafePointer<Float>, tokenType0: UnsafePointer<Float>,
                       gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float, hidden: Int,
                       out: UnsafeMutablePointer<Float>) {
    for t in 0..<tokenCount {
        let w = word + Int(ids[t]) * hidden, p = position + Int(positions[t]) * hidden
        let o = out + t * hidden
        var i = 0
        while i + 8 <= hidden { store8(load8(w + i) + load8(p + i) + load8(tokenType0 + i), o + i); i += 8 }
        while i < hidden { o[i] = w[i] + p[i] + tokenType0[i]; i += 1 }
        layerNormInPlace(o, hidden, gamma: gamma, beta: beta, eps: eps)
    }
}

// MARK: - Fused element-wise steps
//
// The GEMMs of a layer accumulate into buffers that already hold what is added to their product
// (`beta = 1`): the bias rows for Q/K/V and the intermediate projection (`broadcastRows`), the residual
// stream itself for the two output projections. So no step re-reads a GEMM output just to add a bias
// or a residual, and OpenBLAS skips its separate pass that clears C for `beta = 0`.

/// `BertSelfOutput` / `BertOutput` after their GEMM has added the projection to the residual stream:
/// x[t] ← LayerNorm(x[t] + bias), one pass per row (the row stays in L1 across the sweeps of
/// `layerNormInPlace`).
///
/// - Parameters: x: (rows, hidden), residual + projection without bias, updated in place; bias: (hidden).
func biasLayerNorm(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, hidden: Int,
                   gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
    for t in 0..<rows {
        let r = x + t * hidden
        var i = 0
        while i + 8 <= hidden { store8(load8(r + i) + load8(bias + i), r + i); i += 8 }
        while i < hidden { r[i] += bias[i]; i += 1 }
        layerNormInPlace(r, hidden, gamma: gamma, beta: beta, eps: eps)
    }
}

/// x[t] ← bias for every row of a (rows, width) matrix: the starting value of a GEMM that then
/// accumulates with `beta = 1`.
func broadcastRows(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, width: Int) {
    for t in 0..<rows { (x + t * width).update(from: bias, count: width) }
}

// Rational approximation of erf on [−4, 4] (odd numerator of degree 13 over an even denominator of
// degree 8), the coefficients Eigen and TensorFlow use for float (`generic_fast_erf_float`). Beyond |x| = 4,
// erf(x) = ±1 to within 1.6e-8. Maximum absolute error against erf in Double: 4.2e-7 (checked by a test).

/// erf(x) lane-wise (see the coefficients above).
@inline(__always)
func fastErf(_ value: SIMD8<Float>) -> SIMD8<Float> {
    var x = value
    x.replace(with: 4, where: x .> 4)
    x.replace(with: -4, where: x .< -4)
    let x2 = x * x
    var p = x2 * SIMD8(repeating: -2.72614225801306e-10) + SIMD8(repeating: 2.77068142495902e-08)
    p = x2 * p + SIMD8(repeating: -2.10102402082508e-06)
    p = x2 * p + SIMD8(repeating: -5.69250639462346e-05)
    p = x2 * p + SIMD8(repeating: -7.34990630326855e-04)
    p = x2 * p + SIMD8(repeating: -2.95459980854025e-03)
    p = x2 * p + SIMD8(repeating: -1.60960333262415e-02)
    p = x * p
    var q = x2 * SIMD8(repeating: -1.45660718464996e-05) + SIMD8(repeating: -2.13374055278905e-04)
    q = x2 * q + SIMD8(repeating: -1.68282697438203e-03)
    q = x2 * q + SIMD8(repeating: -7.37332916720468e-03)
    q = x2 * q + SIMD8(repeating: -1.42647390514189e-02)
    return p / q
}

/// erf(x) for one value, same approximation as the SIMD form (for tails shorter than 8).
@inline(__always)
func fastErf(_ value: Float) -> Float { fastErf(SIMD8(repeating: value))[0] }

/// `BertIntermediate` after its GEMM (which started from the bias rows): x ← act(x) in place, for
/// (rows, width) row-major x.
///   gelu:     0.5·x·(1 + erf(x/√2))                       (Hendrycks & Gimpel 2016, exact form)
///   gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))  (transformers `NewGELUActivation`)
///   relu:     max(0, x)
func activationInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, activation: BertConfiguration.Activation) {
    let invSqrt2: Float = 0.70710678118654752
    switch activation {
    case .gelu:
        let half = SIMD8<Float>(repeating: 0.5), one = SIMD8<Float>(repeating: 1), s = SIMD8<Float>(repeating: invSqrt2)
        var i = 0
        while i + 8 <= count {
            let v = load8(x + i)
            store8(half * v * (one + fastErf(v * s)), x + i)
            i += 8
        }
        while i < count { let v = x[i]; x[i] = 0.5 * v * (1 + fastErf(v * invSqrt2)); i += 1 }
    case .geluTanh:
        let c: Float = 0.79788456080286536   // √(2/π)
        for i in 0..<count {
            let v = x[i]
            x[i] = 0.5 * v * (1 + tanhf(c * (v + 0.044715 * v * v * v)))
        }
    case .relu:
        for i in 0..<count { x[i] = max(0, x[i]) }
    }
}

// MARK: - Attention

/// exp(x) lane-wise for x ≤ 0 (the shifted softmax scores), Cephes `expf`'s scheme: x = n·ln 2 + r with
/// n = round(x / ln 2) and |r| ≤ ln 2 / 2 (ln 2 split in a high and a low part so r is exact), e^r by
/// its degree-6 Taylor–minimax polynomial, then 2ⁿ put into the exponent bits. Inputs below −87 give
/// e^−87 ≈ 1.6e-38 instead of underflowing to 0 or a denormal, which no softmax can tell apart.
/// Relative error below 2e-7 (checked by a test against exp in Double).
@inline(__always)
func fastExpNonPositive(_ value: SIMD8<Float>) -> SIMD8<Float> {
    let x = value.replacing(with: -87, where: value .< -87)
    // n = round(x / ln 2) by the 1.5·2²³ trick: adding it leaves n in the low mantissa bits of `shifted`.
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let shifted = x * SIMD8(repeating: 1.44269504088896341) + magic
    let n = shifted - magic
    var r = x - n * SIMD8(repeating: 0.693359375)
    r = r - n * SIMD8(repeating: -2.12194440e-4)
    var p = SIMD8<Float>(repeating: 1.9875691500e-4)
    p = p * r + SIMD8(repeating: 1.3981999507e-3)
    p = p * r + SIMD8(repeating: 8.3334519073e-3)
    p = p * r + SIMD8(repeating: 4.1665795894e-2)
    p = p * r + SIMD8(repeating: 1.6666665459e-1)
    p = p * r + SIMD8(repeating: 5.0000001201e-1)
    p = p * r * r + r + SIMD8(repeating: 1)
    // 2ⁿ: n + 127 in the exponent field (−126 ≤ n ≤ 0 here, so the result is a normal number).
    let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- SIMD8(repeating: 0x4B40_0000)
    let bits = (nBits &+ 127) &<< 23
    return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
}

/// Row-wise softmax in place of a (rows, width) block with row stride `stride`:
/// p_j = exp(s_j − max_k s_k) / Σ_j exp(s_j − max_k s_k). Subtracting the maximum keeps every exp ≤ 1.
func softmaxRows(_ s: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int) {
    let ninf = SIMD8<Float>(repeating: -.infinity)
    for i in 0..<rows {
        let r = s + i * stride
        var m8 = ninf, j = 0
        while j + 8 <= width { m8 = pointwiseMax(m8, load8(r + j)); j += 8 }
        var maximum = m8.max()
        while j < width { maximum = max(maximum, r[j]); j += 1 }
        let m = SIMD8<Float>(repeating: maximum)
        var sum8 = SIMD8<Float>()
        j = 0
        while j + 8 <= width {
            let e = fastExpNonPositive(load8(r + j) - m)
            store8(e, r + j); sum8 += e; j += 8
        }
        var sum = sum8.sum()
        if j < width {   // the tail, through one partly filled vector
            var tail = ninf
            for l in j..<width { tail[l - j] = r[l] - maximum }
            let e = fastExpNonPositive(tail)
            for l in j..<width { r[l] = e[l - j]; sum += e[l - j] }
        }
        let inverse = SIMD8<Float>(repeating: 1 / sum)
        j = 0
        while j + 8 <= width { store8(load8(r + j) * inverse, r + j); j += 8 }
        while j < width { r[j] *= inverse[0]; j += 1 }
    }
}

/// Scaled dot-product attention (Vaswani et al. 2017) of one sequence and one head:
/// context = softmax(Q Kᵀ / √d) V, over the sequence's own L tokens only. A packed sequence has no
/// padding, which is what transformers' additive padding mask achieves (masked scores of −3.4e38 give
/// exp(·) = 0 exactly), so the result equals the padded, masked computation.
///
/// Two single-threaded GEMMs on strided views of the fused QKV buffer (OpenBLAS's kernels beat any
/// hand loop here even at L ≈ 25), with a stable softmax between them.
///
/// - Parameters:
///   - qkv: (T, 3H), biases already added: columns [0, H) are Q, [H, 2H) K, [2H, 3H) V; head `head`
///     uses the d columns from head·d of each.
///   - start, length: the sequence's first token row and L.
///   - queries: how many of the sequence's first queries attend (L, or 1 for the [CLS] row alone).
///   - context: output rows (row stride H) for those queries, columns [head·d, (head + 1)·d).
///   - scores: scratch of at least L² values.
func attentionHead(qkv: UnsafeMutablePointer<Float>, hidden: Int, headSize d: Int, head: Int,
                   start: Int, length: Int, queries: Int, context: UnsafeMutablePointer<Float>,
                   scores: UnsafeMutablePointer<Float>) {
    let stride = 3 * hidden
    let base = qkv + start * stride + head * d
    let q = base, k = base + hidden, v = base + 2 * hidden
    BLAS.sgemm(.noTranspose, .transpose, m: queries, n: length, k: d, alpha: 1 / Float(d).squareRoot(),
               a: q, lda: stride, b: k, ldb: stride, c: scores, ldc: length)
    softmaxRows(scores, rows: queries, width: length, stride: length)
    BLAS.sgemm(.noTranspose, .noTranspose, m: queries, n: d, k: length, a: scores, lda: length,
               b: v, ldb: stride, c: context + head * d, ldc: hidden)
}

// MARK: - Pooling

/// Pools one sequence's final hidden states into `out` (H): the first row ([CLS]) or the mean of its L
/// rows (all rows are real tokens, [CLS] and [SEP] included, as sentence-transformers' masked mean).
func poolSequence(_ hidden: UnsafePointer<Float>, width: Int, start: Int, length: Int, pooling: Pooling,
                  out: UnsafeMutablePointer<Float>) {
    switch pooling {
    case .cls:
        out.update(from: hidden + start * width, count: width)
    case .mean:
        out.update(repeating: 0, count: width)
        for t in start..<(start + length) { addScaled(out, 1, hidden + t * width, width) }
        let inverse = 1 / Float(max(1, length))
        for c in 0..<width { out[c] *= inverse }
    }
}
