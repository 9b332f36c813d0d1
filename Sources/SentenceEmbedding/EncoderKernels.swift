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

/// Score rows are padded to a multiple of 16 columns (two vectors) so that the attention loops have no
/// tails: L rounded up.
@inline(__always)
func paddedKeyCount(_ length: Int) -> Int { (length + 15) & ~15 }

/// Stable softmax of one score row in place, without the final division: p_j = exp(s_j − max_k s_k),
/// returning 1 / Σ_j p_j (the caller scales the d outputs instead of the L probabilities). Subtracting
/// the maximum keeps every exp ≤ 1. `width` is a multiple of 8; padding columns hold −∞ and come out as
/// e^−87 ≈ 1.6e-38 (see `fastExpNonPositive`), 15 of which are nothing beside the maximum's e⁰ = 1.
@inline(__always)
func softmaxUnnormalized(_ r: UnsafeMutablePointer<Float>, width: Int) -> Float {
    var m8 = SIMD8<Float>(repeating: -.infinity), j = 0
    while j < width { let x = load8(r + j); m8.replace(with: x, where: x .> m8); j += 8 }
    let m = SIMD8<Float>(repeating: m8.max())
    var sum8 = SIMD8<Float>()
    j = 0
    while j < width {
        let e = fastExpNonPositive(load8(r + j) - m)
        store8(e, r + j); sum8 += e; j += 8
    }
    return 1 / sum8.sum()
}

/// Scaled dot-product attention (Vaswani et al. 2017) of one sequence and one head:
/// context = softmax(Q Kᵀ / √d) V, over the sequence's own L tokens only. A packed sequence has no
/// padding, which is what transformers' additive padding mask achieves (masked scores of −3.4e38 give
/// exp(·) = 0 exactly), so the result equals the padded, masked computation.
///
/// A hand kernel rather than two GEMMs: at L ≈ 25 and d = 32, OpenBLAS spends most of a call on
/// packing and edge handling (attention was 8% of MiniLM's time for 1.3% of its FLOPs). Here Kᵀ is
/// copied once into `keys` (d, L′), L′ = `paddedKeyCount(L)`, and queries go in groups of 4:
/// 4 × 16 scores in 8 vector accumulators over d, the softmax of those 4 rows while they are in L1, then
/// their context rows, 2 queries × 32 columns at a time, accumulated over the L values and scaled by
/// 1 / Σ p. A group short of 4 repeats its last query (same values written twice to the same row).
///
/// - Parameters:
///   - qkv: (T, 3H), biases already added: columns [0, H) are Q, [H, 2H) K, [2H, 3H) V; head `head`
///     uses the d columns from head·d of each.
///   - start, length: the sequence's first token row and L.
///   - queries: how many of the sequence's first queries attend (L, or 1 for the [CLS] row alone).
///   - context: output rows (row stride H) for those queries, columns [head·d, (head + 1)·d).
///   - keys: scratch of at least d · L′ values; scores: scratch of at least 4 · L′ values.
func attentionHead(qkv: UnsafeMutablePointer<Float>, hidden: Int, headSize d: Int, head: Int,
                   start: Int, length: Int, queries: Int, context: UnsafeMutablePointer<Float>,
                   keys: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>) {
    let stride = 3 * hidden, width = paddedKeyCount(length)
    let base = qkv + start * stride + head * d
    let k = base + hidden, v = base + 2 * hidden
    for c in 0..<d {   // Kᵀ: row c of `keys` gathers column c of the L key rows, then zeros
        let out = keys + c * width
        var source = k + c
        for j in 0..<length { out[j] = source.pointee; source += stride }
        (out + length).update(repeating: 0, count: width - length)
    }

    let scale = 1 / Float(d).squareRoot()
    var i = 0
    while i < queries {
        let r0 = i, r1 = min(i + 1, queries - 1), r2 = min(i + 2, queries - 1), r3 = min(i + 3, queries - 1)
        scoreRows4(q0: base + r0 * stride, q1: base + r1 * stride, q2: base + r2 * stride, q3: base + r3 * stride,
                   keys: keys, headSize: d, width: width, scale: scale, out: scores)
        for r in 0..<4 { for j in length..<width { scores[r * width + j] = -.infinity } }
        let inverse0 = softmaxUnnormalized(scores, width: width)
        let inverse1 = softmaxUnnormalized(scores + width, width: width)
        let inverse2 = softmaxUnnormalized(scores + 2 * width, width: width)
        let inverse3 = softmaxUnnormalized(scores + 3 * width, width: width)
        let out = context + head * d
        contextRows2(p0: scores, p1: scores + width, inverse0: inverse0, inverse1: inverse1, values: v, stride: stride,
                     length: length, headSize: d, out0: out + r0 * hidden, out1: out + r1 * hidden)
        contextRows2(p0: scores + 2 * width, p1: scores + 3 * width, inverse0: inverse2, inverse1: inverse3, values: v,
                     stride: stride, length: length, headSize: d, out0: out + r2 * hidden, out1: out + r3 * hidden)
        i += 4
    }
}

/// Scores of 4 queries against all keys: out[r][j] = scale · q_r · k_j for j < L′ (row stride L′),
/// from the transposed keys (d, L′). 16 columns at a time: per step of d, two key vectors, four
/// broadcast query values, eight multiply-adds (not fused: see Package.swift on FMA).
@inline(__always)
private func scoreRows4(q0: UnsafePointer<Float>, q1: UnsafePointer<Float>, q2: UnsafePointer<Float>,
                        q3: UnsafePointer<Float>, keys: UnsafePointer<Float>, headSize d: Int, width: Int,
                        scale: Float, out: UnsafeMutablePointer<Float>) {
    let s = SIMD8<Float>(repeating: scale)
    var j = 0
    while j < width {
        var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
        var a20 = SIMD8<Float>(), a21 = SIMD8<Float>(), a30 = SIMD8<Float>(), a31 = SIMD8<Float>()
        var kp = keys + j
        for c in 0..<d {
            let k0 = load8(kp), k1 = load8(kp + 8)
            let b0 = SIMD8(repeating: q0[c]), b1 = SIMD8(repeating: q1[c])
            let b2 = SIMD8(repeating: q2[c]), b3 = SIMD8(repeating: q3[c])
            a00 += b0 * k0; a01 += b0 * k1
            a10 += b1 * k0; a11 += b1 * k1
            a20 += b2 * k0; a21 += b2 * k1
            a30 += b3 * k0; a31 += b3 * k1
            kp += width
        }
        store8(a00 * s, out + j); store8(a01 * s, out + j + 8)
        store8(a10 * s, out + width + j); store8(a11 * s, out + width + j + 8)
        store8(a20 * s, out + 2 * width + j); store8(a21 * s, out + 2 * width + j + 8)
        store8(a30 * s, out + 3 * width + j); store8(a31 * s, out + 3 * width + j + 8)
        j += 16
    }
}

/// Context rows of 2 queries: out_r[c] = inverse_r · Σ_{j<L} p_r[j] · v_j[c] for c < d, from the
/// unnormalised probabilities p_r and the values (rows of `stride`). Columns go 32 at a time (eight
/// accumulators), then 8, then one by one.
@inline(__always)
private func contextRows2(p0: UnsafePointer<Float>, p1: UnsafePointer<Float>, inverse0: Float, inverse1: Float,
                          values v: UnsafePointer<Float>, stride: Int, length: Int, headSize d: Int,
                          out0: UnsafeMutablePointer<Float>, out1: UnsafeMutablePointer<Float>) {
    let i0 = SIMD8<Float>(repeating: inverse0), i1 = SIMD8<Float>(repeating: inverse1)
    var c = 0
    while c + 32 <= d {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
        for j in 0..<length {
            let row = v + j * stride + c
            let v0 = load8(row), v1 = load8(row + 8), v2 = load8(row + 16), v3 = load8(row + 24)
            let x = SIMD8(repeating: p0[j]), y = SIMD8(repeating: p1[j])
            a0 += x * v0; a1 += x * v1; a2 += x * v2; a3 += x * v3
            b0 += y * v0; b1 += y * v1; b2 += y * v2; b3 += y * v3
        }
        store8(a0 * i0, out0 + c); store8(a1 * i0, out0 + c + 8); store8(a2 * i0, out0 + c + 16); store8(a3 * i0, out0 + c + 24)
        store8(b0 * i1, out1 + c); store8(b1 * i1, out1 + c + 8); store8(b2 * i1, out1 + c + 16); store8(b3 * i1, out1 + c + 24)
        c += 32
    }
    while c + 8 <= d {
        var a = SIMD8<Float>(), b = SIMD8<Float>()
        for j in 0..<length {
            let row = load8(v + j * stride + c)
            a += SIMD8(repeating: p0[j]) * row; b += SIMD8(repeating: p1[j]) * row
        }
        store8(a * i0, out0 + c); store8(b * i1, out1 + c)
        c += 8
    }
    while c < d {
        var a: Float = 0, b: Float = 0
        for j in 0..<length { let x = v[j * stride + c]; a += p0[j] * x; b += p1[j] * x }
        out0[c] = a * inverse0; out1[c] = b * inverse1
        c += 1
    }
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
