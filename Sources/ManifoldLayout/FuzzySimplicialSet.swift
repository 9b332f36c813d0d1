import Foundation
import NeighborGraph

// The fuzzy simplicial set of a kNN graph (McInnes, Healy & Melville 2018, §3; umap-learn
// `smooth_knn_dist`, `compute_membership_strengths`, `fuzzy_simplicial_set`).
//
// Notation: point i has k non-self neighbours at distances d_i1 ≤ … ≤ d_ik; n_neighbors = k + 1
// (umap-learn counts the point itself). ρ_i is the distance to the `local_connectivity`-th
// nearest neighbour at a positive distance (fractional values interpolate), and σ_i solves
//
//     Σ_j exp(−max(0, d_ij − ρ_i) / σ_i) = log2(k + 1)
//
// by bisection (64 iterations, stop when within 1e-5; doubling while no upper bound is known),
// floored at 1e-3 × (mean distance of the row, self included) — or of the whole graph when
// ρ_i = 0 — exactly as umap-learn's MIN_K_DIST_SCALE. The directed memberships
// w_ij = exp(−max(0, d_ij − ρ_i)/σ_i) are symmetrised as
//
//     W = mix · (P + Pᵀ − P∘Pᵀ) + (1 − mix) · P∘Pᵀ          (fuzzy union when mix = 1).

/// ρ and σ per point (smooth kNN distances).
public struct SmoothKNNDistances: Sendable, Equatable {
    public var rho: [Double]
    public var sigma: [Double]
}

public enum FuzzySimplicialSet {
    static let smoothKTolerance = 1e-5
    static let minKDistanceScale = 1e-3

    /// ρ and σ for every row of `graph` (umap-learn `smooth_knn_dist` with bandwidth 1).
    ///
    /// - Parameters:
    ///   - graph: k non-self neighbours per point, nearest first.
    ///   - localConnectivity: neighbours assumed connected (≥ 0, fractional allowed).
    ///   - iterations: bisection steps (umap-learn: 64).
    public static func smoothKNNDistances(_ graph: KNNGraph, localConnectivity: Double = 1,
                                          iterations: Int = 64) -> SmoothKNNDistances {
        let n = graph.pointCount, k = graph.neighborCount
        let target = Foundation.log2(Double(k + 1))
        var rho = [Double](repeating: 0, count: n)
        var sigma = [Double](repeating: 0, count: n)
        // umap-learn's mean over the whole (n, k+1) distance matrix, the self column (0) included.
        var total = 0.0
        for d in graph.distances { total += Double(d) }
        let meanDistance = n > 0 ? total / Double(n * (k + 1)) : 0
        var positive = [Double]()
        positive.reserveCapacity(k)
        for i in 0..<n {
            let row = (i * k)..<((i + 1) * k)
            positive.removeAll(keepingCapacity: true)
            var rowSum = 0.0
            for e in row {
                let d = Double(graph.distances[e])
                rowSum += d
                if d > 0 { positive.append(d) }
            }
            var r = 0.0
            if Double(positive.count) >= localConnectivity {
                let index = Int(localConnectivity.rounded(.down))
                let interpolation = localConnectivity - Double(index)
                if index > 0 {
                    r = positive[index - 1]
                    if interpolation > smoothKTolerance, index < positive.count {
                        r += interpolation * (positive[index] - positive[index - 1])
                    }
                } else if !positive.isEmpty {
                    r = interpolation * positive[0]
                }
            } else if let last = positive.last {
                r = last   // fewer positive distances than local_connectivity: the largest
            }
            rho[i] = r
            var lo = 0.0, hi = Double.infinity, mid = 1.0
            for _ in 0..<iterations {
                var psum = 0.0
                for e in row {
                    let d = Double(graph.distances[e]) - r
                    psum += d > 0 ? Foundation.exp(-(d / mid)) : 1
                }
                if abs(psum - target) < smoothKTolerance { break }
                if psum > target {
                    hi = mid; mid = (lo + hi) / 2
                } else {
                    lo = mid
                    mid = hi == .infinity ? mid * 2 : (lo + hi) / 2
                }
            }
            let floorScale = r > 0 ? rowSum / Double(k + 1) : meanDistance
            sigma[i] = max(mid, minKDistanceScale * floorScale)
        }
        return SmoothKNNDistances(rho: rho, sigma: sigma)
    }

    /// The directed membership of the j-th neighbour of point i (umap-learn
    /// `compute_membership_strengths`): 1 within ρ (or when σ = 0), else exp(−(d − ρ)/σ).
    @inline(__always)
    static func membership(distance: Double, rho: Double, sigma: Double) -> Double {
        let excess = distance - rho
        return excess <= 0 || sigma == 0 ? 1 : Foundation.exp(-(excess / sigma))
    }

    /// The symmetric fuzzy simplicial set of `graph`.
    ///
    /// - Returns: the graph (symmetric CSR, no zeros) and the ρ/σ it was built from.
    /// - Complexity: O(n·k·log k) time, O(n·k) memory.
    public static func build(_ graph: KNNGraph, localConnectivity: Double = 1,
                             setOpMixRatio: Double = 1) -> (graph: SparseGraph, smooth: SmoothKNNDistances) {
        let n = graph.pointCount, k = graph.neighborCount
        let smooth = smoothKNNDistances(graph, localConnectivity: localConnectivity)
        // Entries of P and of Pᵀ bucketed by row (counting sort), then merged per row.
        var counts = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            for e in (i * k)..<((i + 1) * k) {
                let j = Int(graph.indices[e])
                guard j >= 0, j < n, j != i else { continue }
                counts[i + 1] += 1
                counts[j + 1] += 1
            }
        }
        for i in 0..<n { counts[i + 1] += counts[i] }
        var fill = counts
        let total = counts[n]
        // Each slot: column, value, and whether it came from P (row's own list) or Pᵀ.
        var slotColumn = [Int32](repeating: 0, count: total)
        var slotValue = [Double](repeating: 0, count: total)
        var slotTransposed = [Bool](repeating: false, count: total)
        for i in 0..<n {
            for e in (i * k)..<((i + 1) * k) {
                let j = Int(graph.indices[e])
                guard j >= 0, j < n, j != i else { continue }
                let w = membership(distance: Double(graph.distances[e]), rho: smooth.rho[i], sigma: smooth.sigma[i])
                var s = fill[i]; fill[i] += 1
                slotColumn[s] = Int32(j); slotValue[s] = w; slotTransposed[s] = false
                s = fill[j]; fill[j] += 1
                slotColumn[s] = Int32(i); slotValue[s] = w; slotTransposed[s] = true
            }
        }
        var offsets = [Int](repeating: 0, count: n + 1)
        var columns: [Int32] = [], weights: [Float] = []
        columns.reserveCapacity(total); weights.reserveCapacity(total)
        var order: [Int] = []
        for i in 0..<n {
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: counts[i]..<counts[i + 1])
            order.sort { slotColumn[$0] != slotColumn[$1] ? slotColumn[$0] < slotColumn[$1] : (!slotTransposed[$0] && slotTransposed[$1]) }
            var p = 0
            while p < order.count {
                let column = slotColumn[order[p]]
                var direct = 0.0, transposed = 0.0
                var q = p
                // A KNN row may (wrongly) repeat a neighbour; keep the largest value per direction.
                while q < order.count, slotColumn[order[q]] == column {
                    let s = order[q]
                    if slotTransposed[s] { transposed = max(transposed, slotValue[s]) } else { direct = max(direct, slotValue[s]) }
                    q += 1
                }
                let product = direct * transposed
                let value = setOpMixRatio * (direct + transposed - product) + (1 - setOpMixRatio) * product
                let stored = Float(value)
                if stored > 0 { columns.append(column); weights.append(stored) }
                p = q
            }
            offsets[i + 1] = columns.count
        }
        return (SparseGraph(pointCount: n, rowOffsets: offsets, columns: columns, weights: weights), smooth)
    }
}
