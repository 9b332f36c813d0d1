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

/// (d²)^b through Foundation's powf (one libm call per gradient).
@inline(__always)
func powb(_ d2: Float, _ b: Float) -> Float { Foundation.powf(d2, b) }

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
            // As umap-learn, also when int() truncated a negative count towards 0.
            epochOfNextNegativeSample[e] += Double(negatives) * epochsPerNegativeSample[e]
        }
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
