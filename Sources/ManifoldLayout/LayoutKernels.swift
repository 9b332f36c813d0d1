import MicseSupport
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
// from its own SplitMix64 stream (seed, epoch·chunks + chunk), two 32-bit samples per output
// (`NegativeSampler`). The result is therefore identical
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
    /// Bound on the negative samples one positive sample draws: 2·rate + 2 (see `optimizePlanarEpochChunk`).
    var maxNegativesPerSample: Int
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

/// `powb` on four values at once (SSE2 on baseline x86-64): the same operations in the same order,
/// so each lane is bit-identical to `powb`. The int↔float conversions use the 1.5·2²³ bias: for
/// |i| < 2²², the bits of (i + 1.5·2²³) as a Float are 0x4B40_0000 + i.
@inline(__always)
func powb4(_ d2: SIMD4<Float>, _ b: Float) -> SIMD4<Float> {
    let bias: Float = 12_582_912, biasBits: UInt32 = 0x4B40_0000
    let x = d2.replacing(with: 1e-30, where: d2 .< 1e-30)
    let bits = unsafeBitCast(x, to: SIMD4<UInt32>.self)
    var exponent = ((bits &>> 23) & 0xFF) &- 127 &+ biasBits          // biased integer, see above
    var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD4<Float>.self)
    let big = m .> 1.414_213_5
    m = m.replacing(with: m * 0.5, where: big)
    exponent = exponent.replacing(with: exponent &+ 1, where: big)
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    let t4 = t2 * t2
    let c3: Float = 1.0 / 3, c5: Float = 1.0 / 5, c7: Float = 1.0 / 7
    let inner: SIMD4<Float> = (1 + t2 * c3) + t4 * (c5 + t2 * c7)
    let series: SIMD4<Float> = t * inner
    let exponentValue: SIMD4<Float> = unsafeBitCast(exponent, to: SIMD4<Float>.self) - bias
    let log2x: SIMD4<Float> = exponentValue + series * (2.885_390_08 as Float)
    var y = b * log2x
    y = y.replacing(with: -126, where: y .< -126)
    y = y.replacing(with: 126, where: y .> 126)
    let biased = y + bias
    let i = biased - bias
    let g: SIMD4<Float> = (y - i) * (0.693_147_18 as Float)
    let g2 = g * g
    let g4 = g2 * g2
    let e2: Float = 0.5, e3: Float = 1.0 / 6, e4: Float = 1.0 / 24, e5: Float = 1.0 / 120, e6: Float = 1.0 / 720
    let low: SIMD4<Float> = (1 + g) + g2 * (e2 + g * e3)
    let high: SIMD4<Float> = (e4 + g * e5) + g2 * e6
    let e: SIMD4<Float> = low + g4 * high
    let scaleBits = ((unsafeBitCast(biased, to: SIMD4<UInt32>.self) &- biasBits) &+ 127) &<< 23
    return e * unsafeBitCast(scaleBits, to: SIMD4<Float>.self)
}

/// One epoch of SGD for the head vertices in `vertices`, any output dimension (2-D layouts use
/// `optimizePlanarEpochChunk`, which applies the same steps faster).
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
                        sampler: inout NegativeSampler) {
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

            let ratio = (n - epochOfNextNegativeSample[e]) / epochsPerNegativeSample[e]
            let negatives = ratio.isFinite ? Int(ratio) : 0   // 0 when the negative sample rate is 0
            for _ in 0..<max(0, negatives) {
                let k = sampler.index(below: p.pointCount)
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
            // As umap-learn, also when int() truncated a negative count towards 0.
            if negatives != 0 { epochOfNextNegativeSample[e] += Double(negatives) * epochsPerNegativeSample[e] }
        }
    }
}

/// One epoch of SGD for the head vertices in `vertices`, 2-D layouts (the hot path).
///
/// Same updates as `optimizeEpochChunk`, with every step applied strictly in umap-learn's order
/// *per vertex*, but organised for instruction-level parallelism. A vertex only moves itself and
/// reads every other vertex from `snapshot`, so its steps form one serial chain (≈ 100 cycles of
/// latency each: distance, `powb`, a division, clip) that is independent of every other vertex's
/// chain. The kernel therefore runs in phases:
///
/// 1. *Due edges*: one branch-free pass over the chunk's edges in CSR order writes the index of
///    every edge whose sample is due (`epochOfNextSample ≤ n`, about a third of them) to
///    `workspace.due`, and where each vertex's due edges start. (A branch here mispredicts on most
///    due edges: which edges are due changes from epoch to epoch.)
/// 2. *Plan*: walk the due edges (in CSR order, so grouped by vertex), advance the schedule, and
///    draw the negative samples from `sampler` (in vertex order, as `optimizeEpochChunk` does). Each
///    vertex gets a list of steps: `~k` = attract towards k (weight 2), `k` = repel from k. Nothing
///    here reads a position.
/// 3. *Apply*: `planarLaneCount` (16) vertices are advanced in lockstep, one step each per round,
///    as four SSE vectors of four lanes, so the out-of-order core overlaps their chains; a lane
///    whose vertex is done takes the next vertex.
///
/// A vertex's final position depends only on its own step list, so the result does not depend on
/// the lane interleaving (nor on the thread count).
///
/// - Parameters:
///   - embedding: (n, 2) row-major; rows of `vertices` are updated in place (OUT).
///   - snapshot: (n, 2) positions at the start of the epoch (IN).
///   - rowOffsets/columns: the CSR graph (IN); schedule arrays are indexed by edge (IN/OUT).
///   - workspace: this chunk's scratch buffers (`PlanarWorkspace.chunk`), reused every epoch.
func optimizePlanarEpochChunk(vertices: Range<Int>, parameters p: EpochParameters,
                              embedding: UnsafeMutablePointer<Float>, snapshot: UnsafePointer<Float>,
                              rowOffsets: UnsafePointer<Int>, columns: UnsafePointer<Int32>,
                              epochsPerSample: UnsafePointer<Double>, epochsPerNegativeSample: UnsafePointer<Double>,
                              epochOfNextSample: UnsafeMutablePointer<Double>,
                              epochOfNextNegativeSample: UnsafeMutablePointer<Double>,
                              workspace: PlanarChunkWorkspace, sampler: inout NegativeSampler) {
    guard !vertices.isEmpty else { return }
    let n = Double(p.epoch)
    // Negative samples due for edge e this epoch (umap-learn: int() truncates towards 0; 0 when the
    // negative sample rate is 0, i.e. epochsPerNegativeSample = ∞).
    @inline(__always)
    func negativeCount(_ e: Int) -> Int {
        let ratio = (n - epochOfNextNegativeSample[e]) / epochsPerNegativeSample[e]
        return ratio.isFinite ? Int(ratio) : 0
    }
    // Phase 2 writes each drawn sample before deciding to keep it, hence the + 1 in the capacity.
    // Steps per due edge: 1 attraction plus at most 2·rate + 1 negative samples. (After a sample
    // at epoch n, n − nextNegative ∈ [0, eps/rate); the next sample comes before n + eps + 1, so it
    // draws fewer than (eps + 1)/(eps/rate) + 1 ≤ 2·rate + 1 negatives, as eps ≥ 1.) The limit
    // below has one step of slack and is enforced, so a rounding corner cannot overrun the plan.
    let maxNegatives = p.maxNegativesPerSample
    let plan = workspace.steps, offsets = workspace.stepOffsets
    let due = workspace.due, dueStarts = workspace.dueStarts
    let firstEdge = rowOffsets[vertices.lowerBound]
    // Phase 1: due edges (chunk-local indices), branch-free: every index is written, and the count
    // advances by 1 when due. Both epochs are non-negative doubles, whose bit patterns order as
    // their values, so `next ≤ n` is the sign bit of the integer difference (the compiler turns a
    // Bool-to-Int conversion back into a branch).
    let epochBits = Int64(bitPattern: n.bitPattern)
    let edgeCount = rowOffsets[vertices.upperBound] - firstEdge
    UnsafeRawPointer(epochOfNextSample + firstEdge).withMemoryRebound(to: Int64.self, capacity: edgeCount) { nextBits in
        var d = 0, local = 0
        for (v, j) in vertices.enumerated() {
            dueStarts[v] = d
            let end = rowOffsets[j + 1] &- firstEdge
            while local < end {
                due[d] = Int32(truncatingIfNeeded: local)
                d &+= 1 &- Int(truncatingIfNeeded: UInt64(bitPattern: epochBits &- nextBits[local]) >> 63)
                local &+= 1
            }
        }
        dueStarts[vertices.count] = d
    }
    // Phase 2: the plan (the sampler is copied to a local so that it stays in registers).
    var random = sampler
    defer { sampler = random }
    var c = 0
    for v in 0..<vertices.count {
        offsets[v] = c
        let j = vertices.lowerBound + v
        for t in dueStarts[v]..<dueStarts[v + 1] {
            let e = firstEdge + Int(due[t])
            plan[c] = ~columns[e]; c += 1
            epochOfNextSample[e] += epochsPerSample[e]
            let negatives = min(negativeCount(e), maxNegatives)
            if negatives > 0 {
                for _ in 0..<negatives {
                    // Written always, kept unless it is the head itself (no branch to mispredict).
                    let k = random.index(below: p.pointCount)
                    plan[c] = Int32(truncatingIfNeeded: k)
                    c += k != j ? 1 : 0
                }
            }
            // As umap-learn, also when int() truncated a negative count towards 0.
            if negatives != 0 { epochOfNextNegativeSample[e] += Double(negatives) * epochsPerNegativeSample[e] }
        }
    }
    offsets[vertices.count] = c
    // Phase 3: apply.
    applyPlanarSteps(plan: plan, offsets: offsets, firstVertex: vertices.lowerBound, vertexCount: vertices.count,
                     parameters: p, embedding: embedding, snapshot: snapshot)
}

/// Scratch buffers of one chunk for `optimizePlanarEpochChunk` (views into a `PlanarWorkspace`).
struct PlanarChunkWorkspace {
    /// Steps of the epoch's plan: (1 + maxNegativesPerSample) per edge of the chunk, + 1.
    let steps: UnsafeMutablePointer<Int32>
    /// Where each vertex's steps start (vertices + 1).
    let stepOffsets: UnsafeMutablePointer<Int>
    /// Chunk-local indices of the due edges (one per edge of the chunk).
    let due: UnsafeMutablePointer<Int32>
    /// Where each vertex's due edges start (vertices + 1).
    let dueStarts: UnsafeMutablePointer<Int>
}

/// The scratch memory of all chunks of a layout run, allocated once (not per epoch) and left
/// uninitialised: every entry is written before it is read within an epoch.
final class PlanarWorkspace: @unchecked Sendable {
    private let steps: UnsafeMutablePointer<Int32>
    private let due: UnsafeMutablePointer<Int32>
    private let offsets: UnsafeMutablePointer<Int>
    private let stepsPerEdge: Int
    private let rowOffsets: [Int]
    private let chunkCount: Int
    private let pointCount: Int

    init(rowOffsets: [Int], chunkCount: Int, maxNegativesPerSample: Int) {
        let n = rowOffsets.count - 1, edges = rowOffsets[n]
        self.rowOffsets = rowOffsets
        self.chunkCount = chunkCount
        self.pointCount = n
        stepsPerEdge = 1 + maxNegativesPerSample
        steps = .allocate(capacity: edges * stepsPerEdge + chunkCount)
        due = .allocate(capacity: max(1, edges))
        offsets = .allocate(capacity: 2 * (n + chunkCount))
    }

    deinit {
        steps.deallocate(); due.deallocate(); offsets.deallocate()
    }

    /// The disjoint buffers of chunk `chunk` (vertices `chunkRange(chunk, of: chunkCount, count: n)`).
    func chunk(_ chunk: Int) -> PlanarChunkWorkspace {
        let vertices = chunkRange(chunk, of: chunkCount, count: pointCount)
        let firstEdge = rowOffsets[vertices.lowerBound]
        let vertexBase = 2 * (vertices.lowerBound + chunk)
        return PlanarChunkWorkspace(steps: steps + firstEdge * stepsPerEdge + chunk,
                                    stepOffsets: offsets + vertexBase,
                                    due: due + firstEdge,
                                    dueStarts: offsets + vertexBase + vertices.count + 1)
    }
}

/// Uniform vertex indices for negative sampling: each SplitMix64 output gives two 32-bit draws,
/// mapped to 0..<bound by Lemire's multiply-shift ((x·bound) >> 32; bound < 2³¹ as vertex indices
/// are Int32). Half the generator work of one 64-bit draw per sample.
struct NegativeSampler {
    var rng: SplitMix64
    private var spare: UInt64 = 0
    private var hasSpare = false

    init(_ rng: SplitMix64) { self.rng = rng }

    @inline(__always)
    mutating func index(below bound: Int) -> Int {
        let bits: UInt64
        if hasSpare {
            bits = spare >> 32
        } else {
            spare = rng.next()
            bits = spare & 0xFFFF_FFFF
        }
        hasSpare.toggle()
        return Int(truncatingIfNeeded: (bits &* UInt64(truncatingIfNeeded: bound)) >> 32)
    }
}

/// Lanes advanced in lockstep by `applyPlanarSteps`.
let planarLaneCount = 16

/// Phase 2 of `optimizePlanarEpochChunk`: applies each vertex's steps `plan[offsets[v]..<offsets[v+1]]`
/// to vertex `firstVertex + v`, `planarLaneCount` vertices at a time.
///
/// One step at position (x, y) against vertex k's snapshot (d² = ‖(x, y) − y_k‖², Δ = (x, y) − y_k):
///
///     attract (~k):  (x, y) += 2α·clip(−2ab·(d²)^b / (d²·(1 + a·(d²)^b)) · Δ)     (no move when d² = 0)
///     repel   (k):   (x, y) +=  α·clip(2γb / ((0.001 + d²)·(1 + a·(d²)^b)) · Δ)    (no move when d² = 0)
///
/// Both are evaluated as one quotient num/den with selects, so the mixed stream has no branch to
/// mispredict, four lanes per SSE vector (`powb4` is bit-identical to `powb` lane by lane).
@inline(__always)
func applyPlanarSteps(plan: UnsafePointer<Int32>, offsets: UnsafePointer<Int>, firstVertex: Int, vertexCount: Int,
                      parameters p: EpochParameters, embedding: UnsafeMutablePointer<Float>, snapshot: UnsafePointer<Float>) {
    let a = p.a, b = p.b, alpha = p.alpha
    let minusTwoAB = -2 * p.a * p.b, twoGammaB = 2 * p.gamma * p.b
    // One step on each of four lanes. Lanes never interact, and every operation is a plain IEEE
    // single-precision one (no FMA contraction), so a lane's result does not depend on its neighbours.
    // d² = 0 means Δ = 0: any finite coefficient gives no move, so the attractive quotient is kept finite.
    @inline(__always)
    func step4(_ x: SIMD4<Float>, _ y: SIMD4<Float>, _ op: SIMD4<Int32>) -> (SIMD4<Float>, SIMD4<Float>) {
        let attract = op .< 0
        let k = op ^ (op &>> 31)   // ~op for attraction (op < 0), op otherwise
        let sx = SIMD4(snapshot[2 * Int(k[0])], snapshot[2 * Int(k[1])], snapshot[2 * Int(k[2])], snapshot[2 * Int(k[3])])
        let sy = SIMD4(snapshot[2 * Int(k[0]) + 1], snapshot[2 * Int(k[1]) + 1], snapshot[2 * Int(k[2]) + 1], snapshot[2 * Int(k[3]) + 1])
        let dx = x - sx, dy = y - sy
        let d2 = dx * dx + dy * dy
        let pd2b = powb4(d2, b)
        let curve = a * pd2b + 1
        let num = SIMD4(repeating: twoGammaB).replacing(with: minusTwoAB * pd2b, where: attract)
        let attractD2 = d2.replacing(with: 1, where: .!(d2 .> 0))
        let den = (0.001 + d2).replacing(with: attractD2, where: attract) * curve
        let coefficient = num / den
        // 1 for attraction, 0 for repulsion, from the sign bit (the float 1.0 is 0x3F80_0000).
        let attractOne = unsafeBitCast((unsafeBitCast(op, to: SIMD4<UInt32>.self) &>> 31) &* 0x3F80_0000, to: SIMD4<Float>.self)
        let scale = alpha * (1 + attractOne)   // 2α or α, exactly
        var gx = coefficient * dx, gy = coefficient * dy
        gx = gx.replacing(with: -4, where: gx .< -4)
        gx = gx.replacing(with: 4, where: gx .> 4)
        let stepX = gx * scale
        gy = gy.replacing(with: -4, where: gy .< -4)
        gy = gy.replacing(with: 4, where: gy .> 4)
        return (x + stepX, y + gy * scale)
    }
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * planarLaneCount) { laneInts in
        withUnsafeTemporaryAllocation(of: SIMD4<Float>.self, capacity: planarLaneCount / 2) { laneVectors in
            let vertex = laneInts.baseAddress!, position = vertex + planarLaneCount, end = position + planarLaneCount
            // Lane l is element l % 4 of group l / 4; xs[g], ys[g] hold group g's coordinates.
            let xs = laneVectors.baseAddress!, ys = xs + planarLaneCount / 4
            var nextVertex = 0
            // Gives lane l the next vertex that has steps; false when none is left.
            @inline(__always)
            func refill(_ l: Int) -> Bool {
                while nextVertex < vertexCount {
                    let v = nextVertex
                    nextVertex += 1
                    guard offsets[v] < offsets[v + 1] else { continue }
                    let j = firstVertex + v
                    vertex[l] = j; position[l] = offsets[v]; end[l] = offsets[v + 1]
                    xs[l / 4][l % 4] = embedding[2 * j]; ys[l / 4][l % 4] = embedding[2 * j + 1]
                    return true
                }
                return false
            }
            var active = 0
            while active < planarLaneCount && refill(active) { active += 1 }
            // Idle lanes (the chunk's last vertices) compute on the plan's first steps and are discarded:
            // a round count never exceeds an active lane's remaining steps, so they read only written steps.
            for l in active..<planarLaneCount { position[l] = 0; end[l] = 0 }
            while active > 0 {
                var rounds = Int.max
                for l in 0..<active { rounds = min(rounds, end[l] - position[l]) }
                // Groups of four lanes in SSE registers; the groups' chains overlap in the core.
                let groups = (active + 3) / 4
                for r in 0..<rounds {
                    for g in 0..<groups {
                        let op = SIMD4(plan[position[4 * g] + r], plan[position[4 * g + 1] + r],
                                       plan[position[4 * g + 2] + r], plan[position[4 * g + 3] + r])
                        (xs[g], ys[g]) = step4(xs[g], ys[g], op)
                    }
                }
                for l in 0..<active { position[l] += rounds }
                // Retire finished lanes (write back, refill or compact).
                var l = 0
                while l < active {
                    guard position[l] == end[l] else { l += 1; continue }
                    embedding[2 * vertex[l]] = xs[l / 4][l % 4]; embedding[2 * vertex[l] + 1] = ys[l / 4][l % 4]
                    if refill(l) { l += 1; continue }
                    active -= 1
                    if l < active {
                        vertex[l] = vertex[active]; position[l] = position[active]; end[l] = end[active]
                        xs[l / 4][l % 4] = xs[active / 4][active % 4]; ys[l / 4][l % 4] = ys[active / 4][active % 4]
                    }
                    position[active] = 0; end[active] = 0
                }
            }
        }
    }
}
