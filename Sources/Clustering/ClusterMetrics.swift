// Partition-comparison and cluster-quality scores, mirroring scikit-learn 1.x
// (sklearn/metrics/cluster/_supervised.py and _unsupervised.py) including its limit cases.
//
//   ARI (Hubert & Arabie 1985) from the pair confusion matrix [[tn, fp], [fn, tp]] over ordered pairs:
//       ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)),  1 when fn = fp = 0.
//   NMI (Strehl & Ghosh 2002; Vinh, Epps & Bailey 2010) with arithmetic-mean normalisation:
//       NMI = I(U; V) / ((H(U) + H(V)) / 2); 1 if both have a single class; 0 if I = 0.
//   Silhouette (Rousseeuw 1987): s(i) = (b − a) / max(a, b) with a the mean distance to the other
//       members of i's cluster and b the lowest mean distance to another cluster; s(i) = 0 for a
//       singleton cluster; the score is the mean of s(i). Defined for 2 ≤ #clusters ≤ n − 1.
import LinearAlgebra
import MicseSupport

public enum ClusterMetrics {
    /// Adjusted Rand index of two partitions of the same points (any integer codes).
    public static func adjustedRandIndex<A: BinaryInteger, B: BinaryInteger>(_ truth: [A], _ predicted: [B]) -> Double {
        precondition(truth.count == predicted.count, "ARI: partitions of different lengths")
        let table = Contingency(truth, predicted)
        let n = Double(truth.count)
        var sumSquares = 0.0, rowDot = 0.0, columnDot = 0.0
        for (pair, count) in table.cells {
            let r = pair.r, c = pair.c
            let v = Double(count)
            sumSquares += v * v
            rowDot += v * Double(table.columnTotals[c])   // contingency · n_k
            columnDot += v * Double(table.rowTotals[r])   // contingencyᵀ · n_c
        }
        let tp = sumSquares - n
        let fp = rowDot - sumSquares
        let fn = columnDot - sumSquares
        let tn = n * n - fp - fn - sumSquares
        if fn == 0 && fp == 0 { return 1 }
        return 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    }

    /// Normalised mutual information with arithmetic-mean normalisation (sklearn's default).
    public static func normalizedMutualInformation<A: BinaryInteger, B: BinaryInteger>(_ truth: [A], _ predicted: [B]) -> Double {
        precondition(truth.count == predicted.count, "NMI: partitions of different lengths")
        let table = Contingency(truth, predicted)
        let classes = table.rowTotals.count, clusters = table.columnTotals.count
        if (classes == 1 && clusters == 1) || (classes == 0 && clusters == 0) { return 1 }
        let mi = mutualInformation(table)
        if mi == 0 { return 0 }
        let hTrue = entropy(table.rowTotals), hPredicted = entropy(table.columnTotals)
        return mi / ((hTrue + hPredicted) / 2)
    }

    /// Mutual information in nats (sklearn `mutual_info_score`, incl. its zeroing of terms below ε).
    static func mutualInformation(_ table: Contingency) -> Double {
        if table.rowTotals.count == 1 || table.columnTotals.count == 1 { return 0 }
        let total = Double(table.total)
        let logTotal = log(total)
        var mi = 0.0
        for (pair, count) in table.cells.sorted(by: { $0.key < $1.key }) {
            let r = pair.r, c = pair.c
            let v = Double(count)
            let pij = v / total
            let outer = Double(table.rowTotals[r]) * Double(table.columnTotals[c])
            let term = pij * (log(v) - logTotal) + pij * (-log(outer) + 2 * logTotal)
            if abs(term) >= Double.ulpOfOne { mi += term }
        }
        return max(0, mi)
    }

    /// Shannon entropy (nats) of a partition given its class sizes.
    static func entropy(_ sizes: [Int]) -> Double {
        let total = Double(sizes.reduce(0, +))
        guard total > 0 else { return 1 }
        var h = 0.0
        for s in sizes where s > 0 { let p = Double(s) / total; h -= p * (log(Double(s)) - log(total)) }
        return h
    }

    /// Mean silhouette of a partition under Euclidean distance, on all points or on a seeded
    /// subsample of `sampleSize` points (distances among the subsample only, as sklearn's
    /// `silhouette_score(sample_size=…)`).
    ///
    /// - Returns: nil when the (sub)sample has fewer than 2 or more than m − 1 clusters (sklearn raises).
    /// - Complexity: O(m²·d) with m = min(n, sampleSize), parallel over rows.
    public static func silhouette<L: BinaryInteger>(_ data: Matrix, labels: [L], sampleSize: Int? = nil, seed: UInt64 = 0,
                                                    threads: Int? = nil) -> Double? {
        precondition(labels.count == data.rows, "silhouette: \(labels.count) labels for \(data.rows) points")
        let sample = sampleIndices(count: data.rows, sampleSize: sampleSize, seed: seed)
        let distances = PairwiseDistances(data.selectingRows(sample), threads: threads)
        return distances.silhouette(labels: sample.map { Int(labels[$0]) })
    }

    /// The indices of a seeded subsample (sorted), or all indices when `sampleSize` is nil or ≥ count.
    public static func sampleIndices(count: Int, sampleSize: Int?, seed: UInt64) -> [Int] {
        guard let sampleSize, sampleSize < count else { return Array(0..<count) }
        var indices = Array(0..<count)
        var rng = SplitMix64(seed: seed)
        indices.seededShuffle(using: &rng)
        return Array(indices.prefix(max(0, sampleSize))).sorted()
    }
}

/// Euclidean distances among m points (m × m, Double), computed once and reused, e.g. by the
/// silhouette curve of `ClusterCountSelection`.
public struct PairwiseDistances: Sendable {
    public let count: Int
    /// m × m row-major.
    public let values: [Double]

    public init(_ points: Matrix, threads: Int? = nil) {
        let m = points.rows, d = points.columns
        count = m
        var values = [Double](repeating: 0, count: m * m)
        points.withUnsafeBufferPointer { x in
            values.withUnsafeMutableBufferPointer { out in
                guard let base = x.baseAddress, let outBase = out.baseAddress else { return }
                let box = UnsafeSendableBox((base, outBase))
                let chunks = min(64, max(1, m))
                parallelFor(chunks: chunks, threads: resolvedThreadCount(threads)) { chunk in
                    let (x, o) = box.value
                    // Interleave rows so chunks get equal triangle work.
                    var i = chunk
                    while i < m {
                        for j in (i + 1)..<max(i + 1, m) {
                            let dist = squaredDistanceDouble(x + i * d, x + j * d, dimension: d).squareRoot()
                            o[i * m + j] = dist
                        }
                        i += chunks
                    }
                }
                for i in 0..<m { for j in 0..<i { outBase[i * m + j] = outBase[j * m + i] } }
            }
        }
        self.values = values
    }

    /// Mean silhouette of `labels` (length m); nil unless 2 ≤ #clusters ≤ m − 1.
    public func silhouette(labels: [Int]) -> Double? {
        precondition(labels.count == count)
        var codes: [Int: Int] = [:]
        let dense = labels.map { label -> Int in
            if let c = codes[label] { return c }
            let c = codes.count; codes[label] = c; return c
        }
        let clusters = codes.count
        guard clusters >= 2, clusters <= count - 1 else { return nil }
        var sizes = [Int](repeating: 0, count: clusters)
        for c in dense { sizes[c] += 1 }
        var total = 0.0
        var perCluster = [Double](repeating: 0, count: clusters)
        for i in 0..<count {
            for c in 0..<clusters { perCluster[c] = 0 }
            let row = i * count
            for j in 0..<count { perCluster[dense[j]] += values[row + j] }
            let own = dense[i]
            guard sizes[own] > 1 else { continue }   // s(i) = 0
            let a = perCluster[own] / Double(sizes[own] - 1)
            var b = Double.infinity
            for c in 0..<clusters where c != own { b = min(b, perCluster[c] / Double(sizes[c])) }
            let s = (b - a) / max(a, b)
            if s.isFinite { total += s }
        }
        return total / Double(count)
    }
}

/// Contingency table of two labelings (sparse, dense codes in first-seen order).
struct Contingency {
    var cells: [Pair: Int] = [:]
    var rowTotals: [Int] = []
    var columnTotals: [Int] = []
    var total = 0

    struct Pair: Hashable, Comparable {
        let r: Int, c: Int
        static func < (a: Pair, b: Pair) -> Bool { (a.r, a.c) < (b.r, b.c) }
    }

    init<A: BinaryInteger, B: BinaryInteger>(_ a: [A], _ b: [B]) {
        var rowCodes: [Int64: Int] = [:], columnCodes: [Int64: Int] = [:]
        for (x, y) in zip(a, b) {
            let r: Int
            if let code = rowCodes[Int64(x)] { r = code } else { r = rowCodes.count; rowCodes[Int64(x)] = r; rowTotals.append(0) }
            let c: Int
            if let code = columnCodes[Int64(y)] { c = code } else { c = columnCodes.count; columnCodes[Int64(y)] = c; columnTotals.append(0) }
            cells[Pair(r: r, c: c), default: 0] += 1
            rowTotals[r] += 1
            columnTotals[c] += 1
            total += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
