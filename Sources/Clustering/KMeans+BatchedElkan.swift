// Elkan's bounds inside the batched restarts (the `elkan` algorithm; Elkan 2003, "Using the
// triangle inequality to accelerate k-means", ICML). Every restart keeps, per point i, an upper
// bound u(i) ≥ ‖xᵢ − c_a‖ to its assigned centre a and a lower bound l(i, j) ≤ ‖xᵢ − cⱼ‖ per
// centre; after an M-step that moved centre j by pⱼ, u(i) += p_a and l(i, j) −= pⱼ (done at the
// start of the next E-step, in the same pass as the tests). Centre j cannot be nearer than a when
//
//     u(i) ≤ l(i, j)   or   u(i) ≤ ½ ‖c_a − cⱼ‖,
//
// and no centre can when u(i) ≤ ½ min_{j≠a} ‖c_a − cⱼ‖. A point failing the test for some j gets
// its distance to a recomputed (u tightened); if centres still fail, either those few distances
// are computed one by one (fewer than k/4 of them; one dot product each), or the point's row is
// gathered with other such rows into a block assigned by one GEMM against the restart's k
// centres, which refreshes all k bounds.
// A restart's E-steps are the dense ones of KMeans+Batched.swift (all restarts in one GEMM) while
// more than n/32 of its labels change (early iterations, where most tests fail); the last of them
// initialise the bounds from their distances.
//
// Exactness: every distance is the GEMM's expansion ‖x‖² − 2x·c + ‖c‖², whose float cancellation
// is covered by widening the bounds by `slack` (u = √(d² + slack), l = √(max(0, d² − slack))), and
// shifts are rounded up, so a point is kept only when its centre is nearest; among computed
// distances the smallest −2x·c + ‖c‖² wins (lowest index on ties), as in the dense E-step. The
// fixed points are Lloyd's up to floating-point ties. Changes are recorded per
// slot in a fixed order, so results do not depend on the thread count.
import LinearAlgebra
import MicseSupport

/// Elkan bounds of every restart of a batch, (R, n) upper and (R, n, k) lower bounds.
final class BatchedElkanBounds: @unchecked Sendable {
    let n: Int, k: Int
    /// Slack on squared GEMM distances (see `KMeansWorkspace.slack`).
    let slack: Float
    let upper: UnsafeMutablePointer<Float>          // R × n: u(i) ≥ ‖xᵢ − c_a‖
    let lower: UnsafeMutablePointer<Float>          // R × n × k: l(i, j) ≤ ‖xᵢ − cⱼ‖
    let shifts: UnsafeMutablePointer<Float>         // R × k: ‖cⱼ(new) − cⱼ(old)‖ of the last M-step
    let halfDistances: UnsafeMutablePointer<Float>  // R × k × k: ½ ‖cⱼ − cⱼ'‖, +∞ on the diagonal
    let halfSeparation: UnsafeMutablePointer<Float> // R × k: ½ min_{j'≠j} ‖cⱼ − cⱼ'‖

    /// Fewest clusters for which the batched `elkan` fit uses bounds. Below, its E-steps stay dense:
    /// the stacked GEMM of a few centres per restart is cheaper than testing k bounds per point
    /// (measured on the MiniLM tweet embeddings: k = 3 and 10 no faster with bounds, k = 20 about
    /// 25% faster).
    static let minimumClusterCount = 12

    /// Most lower bounds a batch keeps: 64 M Floats (256 MiB).
    static let capacity = 64_000_000

    /// How many restarts of n points and k centres fit in `capacity` Floats of lower bounds (R·n·k), at most
    /// `restarts`; 0 when not even one does.
    static func restartsThatFit(rows n: Int, clusterCount k: Int, restarts: Int, capacity: Int = capacity) -> Int {
        let (perRestart, overflow) = n.multipliedReportingOverflow(by: k)
        guard !overflow, perRestart > 0 else { return 0 }
        return min(restarts, capacity / perRestart)
    }

    init(rows n: Int, clusterCount k: Int, restarts r: Int, slack: Float) {
        self.n = n; self.k = k; self.slack = slack
        upper = .allocate(capacity: r * n)
        lower = .allocate(capacity: r * n * k)
        shifts = .allocate(capacity: r * k)
        shifts.update(repeating: 0, count: r * k)
        halfDistances = .allocate(capacity: r * k * k)
        halfSeparation = .allocate(capacity: r * k)
    }

    deinit {
        upper.deallocate(); lower.deallocate(); shifts.deallocate()
        halfDistances.deallocate(); halfSeparation.deallocate()
    }

    /// Restart r's centre–centre half distances and half separations, from its (k, d) centres.
    /// The diagonal is +∞ so that the test `u > ½‖c_a − c_a‖` never counts a point's own centre.
    func updateCenterDistances(restart r: Int, centers: UnsafePointer<Float>, dimension d: Int) {
        let half = halfDistances + r * k * k, separation = halfSeparation + r * k
        for j in 0..<k { separation[j] = .infinity; half[j * k + j] = .infinity }
        for j in 0..<k {
            for j2 in (j + 1)..<max(j + 1, k) {
                let h = 0.5 * squaredDistance(centers + j * d, centers + j2 * d, dimension: d).squareRoot()
                half[j * k + j2] = h
                half[j2 * k + j] = h
                separation[j] = min(separation[j], h)
                separation[j2] = min(separation[j2], h)
            }
        }
    }
}

/// Number of centres j that the Elkan test cannot exclude: u > l(j) and u > ½‖c_a − cⱼ‖
/// (`halfDistances`: row a of the half distances, +∞ at a itself). With `shifts`, first decays
/// the bounds in place, l(j) ← max(0, l(j) − pⱼ). Branch-free, 8 centres at a time.
@inline(__always)
func elkanFailingCount(upper u: Float, lower: UnsafeMutablePointer<Float>, halfDistances: UnsafePointer<Float>,
                       decayingBy shifts: UnsafePointer<Float>?, clusterCount k: Int) -> Int {
    var failing = SIMD8<Int32>()
    let uu = SIMD8<Float>(repeating: u)
    var j = 0
    while j + 8 <= k {
        var l = UnsafeRawPointer(lower + j).loadUnaligned(as: SIMD8<Float>.self)
        if let shifts {
            l -= UnsafeRawPointer(shifts + j).loadUnaligned(as: SIMD8<Float>.self)
            l.replace(with: 0, where: l .< 0)
            UnsafeMutableRawPointer(lower + j).storeBytes(of: l, as: SIMD8<Float>.self)
        }
        let h = UnsafeRawPointer(halfDistances + j).loadUnaligned(as: SIMD8<Float>.self)
        failing &+= SIMD8<Int32>().replacing(with: 1, where: (uu .> l) .& (uu .> h))
        j += 8
    }
    var count = Int(failing.wrappedSum())
    while j < k {
        if let shifts { lower[j] = max(0, lower[j] - shifts[j]) }
        if u > lower[j] && u > halfDistances[j] { count += 1 }
        j += 1
    }
    return count
}

extension BatchedLloyd {
    /// Bounded E-step of restart `r` over the rows of `range` (one slot): decays the bounds by the
    /// last shifts, tests them, and reassigns only the points whose test fails. Label changes go
    /// to `slot.changes[r]`, the number of point–centre distances computed to `slot.distances[r]`.
    func boundedAssignment(restart r: Int, slot: BatchedSlot, range: Range<Int>, bounds b: BatchedElkanBounds) {
        let k = self.k, d = self.d, n = self.n, x = self.x, slack = b.slack
        let centers = self.centers + r * k * d, norms = centerNorms + r * k
        let labels = self.labels + r * n, pointNorms = self.pointNorms
        let upper = b.upper + r * n, lowerAll = b.lower + r * n * k
        let shifts = b.shifts + r * k, half = b.halfDistances + r * k * k, separation = b.halfSeparation + r * k
        var gathered = 0, distances = 0

        /// Assigns the gathered rows by one GEMM and refreshes all their bounds.
        func flush() {
            guard gathered > 0 else { return }
            BLAS.sgemm(.noTranspose, .transpose, m: gathered, n: k, k: d, alpha: -2,
                       a: slot.gather, lda: d, b: centers, ldb: d, beta: 0, c: slot.gatherScratch, ldc: k)
            for row in 0..<gathered {
                let i = slot.gatherIndex[row]
                let xNorm = pointNorms[i]
                let best = elkanBoundsFromDots(slot.gatherScratch + row * k, pointNorm: xNorm, centerNorms: norms,
                                               clusterCount: k, slack: slack, lower: lowerAll + i * k)
                upper[i] = (max(0, xNorm + best.value) + slack).squareRoot()
                let old = labels[i]
                if old != best.index {
                    slot.changes[r].append(SIMD3(Int32(i), old, best.index))
                    labels[i] = best.index
                }
            }
            distances += gathered * k
            gathered = 0
        }

        for i in range {
            let a = Int(labels[i])
            let lower = lowerAll + i * k
            var u = upper[i] + shifts[a]
            upper[i] = u
            let halfRow = UnsafePointer(half + a * k)
            // Decay the bounds by the last shifts and test them (Elkan's steps 1–2).
            let looseFailing = elkanFailingCount(upper: u, lower: lower, halfDistances: halfRow, decayingBy: shifts, clusterCount: k)
            if u <= separation[a] || looseFailing == 0 { continue }
            // Tighten u with the distance to the assigned centre, then test again. Distances by the
            // GEMM's expansion ‖x‖² − 2x·c + ‖c‖² with its slack; `best` is −2x·c + ‖c‖² as the
            // dense argmin compares it.
            let row = x + i * d, xNorm = pointNorms[i]
            var best = norms[a] - 2 * dotProduct(row, centers + a * d, dimension: d)
            u = (max(0, xNorm + best) + slack).squareRoot()
            upper[i] = u
            lower[a] = max(0, xNorm + best - slack).squareRoot()
            distances += 1
            let failing = elkanFailingCount(upper: u, lower: lower, halfDistances: halfRow, decayingBy: nil, clusterCount: k)
            if failing == 0 { continue }
            if failing * 4 >= k {
                // Many candidates: cheaper as a GEMM row (which also refreshes all k bounds).
                (slot.gather + gathered * d).update(from: x + i * d, count: d)
                slot.gatherIndex[gathered] = i
                gathered += 1
                if gathered == kmeansBlockRows { flush() }
                continue
            }
            // Few candidates: their exact distances, one by one (Elkan's step 3).
            var assigned = a
            for j in 0..<k where j != assigned {
                if u <= lower[j] || u <= half[assigned * k + j] { continue }
                let v = norms[j] - 2 * dotProduct(row, centers + j * d, dimension: d)
                distances += 1
                lower[j] = max(0, xNorm + v - slack).squareRoot()
                if v < best || (v == best && j < assigned) {   // lowest index on ties, as the dense argmin
                    assigned = j; best = v
                    u = (max(0, xNorm + v) + slack).squareRoot()
                }
            }
            upper[i] = u
            if assigned != a {
                slot.changes[r].append(SIMD3(Int32(i), Int32(a), Int32(assigned)))
                labels[i] = Int32(assigned)
            }
        }
        flush()
        slot.distances[r] += distances
    }
}

/// From one row of −2 x·cⱼ (GEMM) and the norms, the Elkan lower bounds
/// l(j) = √(max(0, ‖x‖² − 2x·cⱼ + ‖cⱼ‖² − slack)) of every centre, and the index (lowest on ties)
/// and value of the smallest −2x·cⱼ + ‖cⱼ‖².
@inline(__always)
func elkanBoundsFromDots(_ dots: UnsafePointer<Float>, pointNorm: Float, centerNorms: UnsafePointer<Float>,
                         clusterCount k: Int, slack: Float, lower: UnsafeMutablePointer<Float>) -> (index: Int32, value: Float) {
    var best = Float.infinity, arg: Int32 = 0
    for j in 0..<k {
        let v = dots[j] + centerNorms[j]
        if v < best { best = v; arg = Int32(j) }
        lower[j] = max(0, pointNorm + v - slack).squareRoot()
    }
    return (arg, best)
}

extension BatchedLloyd {
    /// Elkan bounds of restart r for up to 16 consecutive points from a dense E-step: `block`
    /// holds −2 cⱼ·xᵢ at block[j · stride + lane], `best` the smallest −2 cⱼ·xᵢ + ‖cⱼ‖² per lane.
    @inline(__always)
    func fillElkanBounds(_ b: BatchedElkanBounds, restart r: Int, firstRow: Int, lanes: Int, best: SIMD16<Float>,
                         block: UnsafePointer<Float>, stride: Int, centerNorms norms: UnsafePointer<Float>) {
        let k = self.k, upper = b.upper + r * n + firstRow, lower = b.lower + (r * n + firstRow) * k
        var xNorm = SIMD16<Float>()
        for lane in 0..<lanes { xNorm[lane] = pointNorms[firstRow + lane] }
        let slack = SIMD16<Float>(repeating: b.slack)
        var u = xNorm + best
        u.replace(with: 0, where: u .< 0)
        u = (u + slack).squareRoot()
        for lane in 0..<lanes { upper[lane] = u[lane] }
        for j in 0..<k {
            var dots = SIMD16<Float>()
            if lanes == 16 {
                dots = UnsafeRawPointer(block + j * stride).loadUnaligned(as: SIMD16<Float>.self)
            } else {
                for lane in 0..<lanes { dots[lane] = block[j * stride + lane] }
            }
            var l = xNorm + dots + SIMD16(repeating: norms[j]) - slack
            l.replace(with: 0, where: l .< 0)
            l = l.squareRoot()
            for lane in 0..<lanes { lower[lane * k + j] = l[lane] }
        }
    }
}
