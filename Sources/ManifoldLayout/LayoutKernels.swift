import Foundation

// Inner loops of the UMAP layout SGD (umap-learn `layouts.py`,
// `_optimize_layout_euclidean_single_epoch`). Notation: dim output dimensions, d² = ‖y_i − y_j‖²,
// a and b the curve parameters, γ the repulsion strength, α the current learning rate.
//
//   attractive coefficient  −2ab·(d²)^(b−1) / (1 + a·(d²)^b)     (0 when d² = 0)
//   repulsive coefficient    2γb / ((0.001 + d²)(1 + a·(d²)^b))   (no move when d² = 0)
//   every gradient component is clipped to [−4, 4], then multiplied by α.
//
// (d²)^(b−1) is computed as (d²)^b / d² so that one pow serves both terms (uwot gradient.h).
//
// Parallel and deterministic at once: the vertices are split into fixed contiguous chunks (the
// split depends on n only), each chunk moves only its own vertices and reads every other vertex
// from `snapshot`, the positions at the start of the epoch; each chunk draws its negative samples
// from its own SplitMix64 stream (seed, epoch·chunks + chunk). The result is therefore identical
// for any thread count. umap-learn moves both ends of a sampled edge (j moves towards k, k towards
// j); here the symmetric graph holds both (j, k) and (k, j) with the same schedule, so the owner
// of j applies the attraction towards k's snapshot with weight 2 and k's owner does the same for
// k: the expected displacement per epoch matches umap-learn's.

/// Scalar parameters of one epoch (umappp-style small step struct).
struct EpochParameters {
    var a: Float
    var b: Float
    var gamma: Float
    var alpha: Float
    var epoch: Int
    var dimension: Int
    var pointCount: Int
}

@inline(__always)
func clip(_ x: Float) -> Float { min(4, max(-4, x)) }

/// (d²)^b for d² > 0, as `exp2(b·log2(d²))` in plain Float arithmetic (no libm: the same bits on
/// every platform, and several times faster than `powf`). Relative error below 4e-6 for d² in [1e-8, 1e6] (tested
/// against Foundation.pow). Polynomials use Estrin's scheme to shorten the dependency chain, since
/// successive negative samples of a vertex are serially dependent.
///
///     log2(x) = e + log2(m),  x = m·2^e with m ∈ [√½, √2);  log2(m) = (2/ln 2)·atanh(t),
///     t = (m − 1)/(m + 1), |t| ≤ 0.172, atanh(t) ≈ t + t³/3 + t⁵/5 + t⁷/7   (error < 2e-8)
///     2^y = 2^i · exp(g), y = i + f, |f| ≤ ½, g = f·ln 2, exp by Taylor to g⁶   (error < 2e-7)
///     i = round-to-nearest-even(y) by adding and subtracting 1.5·2²³ (no libm rint call).
@inline(__always)
func powb(_ d2: Float, _ b: Float) -> Float {
    let x = max(d2, 1e-30)
    var bits = x.bitPattern
    var exponent = Int32(bitPattern: (bits >> 23) & 0xFF) - 127
    bits = (bits & 0x007F_FFFF) | 0x3F80_0000          // m ∈ [1, 2)
    var m = Float(bitPattern: bits)
    if m > 1.414_213_5 { m *= 0.5; exponent += 1 }      // m ∈ [√½, √2)
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    let t4 = t2 * t2
    let series = t * ((1 + t2 * (1.0 / 3)) + t4 * (1.0 / 5 + t2 * (1.0 / 7)))
    let log2x = Float(exponent) + series * 2.885_390_08   // 2 / ln 2
    let y = min(max(b * log2x, -126), 126)
    let i = (y + 12_582_912) - 12_582_912
    let g = (y - i) * 0.693_147_18                         // f·ln 2
    let g2 = g * g
    let g4 = g2 * g2
    let e = ((1 + g) + g2 * (0.5 + g * (1.0 / 6))) + g4 * ((1.0 / 24 + g * (1.0 / 120)) + g2 * (1.0 / 720))
    return e * Float(bitPattern: UInt32(Int32(i) + 127) << 23)
}

/// One epoch of SGD for the head vertices in `vertices`.
///
/// - Parameters:
///   - embedding: (n, dim) row-major; rows of `vertices` are updated in place (OUT).
///   - snapshot: (n, dim) positions at the start of the epoch (IN).
///   - rowOffsets/columns: the CSR graph (IN); schedule arrays are indexed by edge (IN/OUT).
func optimizeEpochChunk(vertices: Range<Int>, parameters p: EpochParameters,
                        embedding: UnsafeMutablePointer<Float>, snapshot: UnsafePointer<Float>,
                        rowOffsets: UnsafePointer<Int>, columns: UnsafePointer<Int32>,
                        epochsPerSample: UnsafePointer<Double>, epochsPerNegativeSample: UnsafePointer<Double>,
                        epochOfNextSample: UnsafeMutablePointer<Double>,
                        epochOfNextNegativeSample: UnsafeMutablePointer<Double>,
                        rng: inout SplitMixStream) {
    let dim = p.dimension
    let n = Double(p.epoch)
    let twoAB = 2 * p.a * p.b
    let twoGammaB = 2 * p.gamma * p.b
    for j in vertices {
        let current = embedding + j * dim
        for e in rowOffsets[j]..<rowOffsets[j + 1] {
            guard epochOfNextSample[e] <= n else { continue }
            let k = Int(columns[e])
            let other = snapshot + k * dim
            var d2: Float = 0
            for d in 0..<dim { let t = current[d] - other[d]; d2 += t * t }
            var coefficient: Float = 0
            if d2 > 0 {
                let pd2b = powb(d2, p.b)
                coefficient = -twoAB * (pd2b / d2) / (p.a * pd2b + 1)
            }
            for d in 0..<dim {
                let g = clip(coefficient * (current[d] - other[d]))
                current[d] += 2 * g * p.alpha
            }
            epochOfNextSample[e] += epochsPerSample[e]

            let negatives = Int((n - epochOfNextNegativeSample[e]) / epochsPerNegativeSample[e])
            if negatives > 0 {
                if dim == 2 {
                    repelPlanar(head: j, current: current, count: negatives, p: p, twoGammaB: twoGammaB,
                                snapshot: snapshot, rng: &rng)
                } else {
                    for _ in 0..<negatives {
                        let k = rng.nextInt(below: p.pointCount)
                        if k == j { continue }
                        let other = snapshot + k * dim
                        var d2: Float = 0
                        for d in 0..<dim { let t = current[d] - other[d]; d2 += t * t }
                        guard d2 > 0 else { continue }   // umap-learn: grad_d = 0 when d² = 0
                        let pd2b = powb(d2, p.b)
                        let coefficient = twoGammaB / ((0.001 + d2) * (p.a * pd2b + 1))
                        for d in 0..<dim {
                            current[d] += clip(coefficient * (current[d] - other[d])) * p.alpha
                        }
                    }
                }
            }
            // As umap-learn, also when int() truncated a negative count towards 0.
            epochOfNextNegativeSample[e] += Double(negatives) * epochsPerNegativeSample[e]
        }
    }
}

/// The negative samples of one positive sample, for 2-D layouts, applied sequentially as
/// umap-learn does, but evaluated four at a time: sample i's gradient is taken at the position left
/// by the samples before its group of four (so the four evaluations are independent and overlap in
/// the pipeline), then the four clipped steps are added in order. (A SIMD4 version was slower.) With α ≤ 1 and the
/// repulsive coefficient bounded, the difference from strictly sequential evaluation is a
/// second-order term; the result is still deterministic.
@inline(__always)
func repelPlanar(head j: Int, current: UnsafeMutablePointer<Float>, count: Int, p: EpochParameters,
                 twoGammaB: Float, snapshot: UnsafePointer<Float>, rng: inout SplitMixStream) {
    // One repulsive step against the snapshot position of vertex k (k < 0: no sample).
    @inline(__always)
    func step(_ x: Float, _ y: Float, _ k: Int) -> (Float, Float) {
        guard k >= 0 else { return (0, 0) }
        let dx = x - snapshot[2 * k], dy = y - snapshot[2 * k + 1]
        let d2 = dx * dx + dy * dy
        guard d2 > 0 else { return (0, 0) }   // umap-learn: grad_d = 0 when d² = 0
        let coefficient = twoGammaB / ((0.001 + d2) * (p.a * powb(d2, p.b) + 1))
        return (clip(coefficient * dx) * p.alpha, clip(coefficient * dy) * p.alpha)
    }
    @inline(__always)
    func draw(_ available: Bool) -> Int {
        guard available else { return -1 }
        let k = rng.nextInt(below: p.pointCount)
        return k == j ? -1 : k
    }
    var remaining = count
    while remaining > 0 {
        let k0 = draw(true), k1 = draw(remaining > 1), k2 = draw(remaining > 2), k3 = draw(remaining > 3)
        remaining -= min(4, remaining)
        let x = current[0], y = current[1]
        let g0 = step(x, y, k0), g1 = step(x, y, k1), g2 = step(x, y, k2), g3 = step(x, y, k3)
        current[0] = (((x + g0.0) + g1.0) + g2.0) + g3.0
        current[1] = (((y + g0.1) + g1.1) + g2.1) + g3.1
    }
}

/// SplitMix64 inlined for the hot loop (same sequence as `MicseSupport.SplitMix64`).
struct SplitMixStream {
    var state: UInt64
    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    @inline(__always)
    mutating func nextInt(below bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
