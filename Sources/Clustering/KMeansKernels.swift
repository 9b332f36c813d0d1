// Inner loops of k-means. Notation: n points, d dimensions, k centres, x (n, d) and c (k, d)
// row-major Float; squared distances by the expansion scikit-learn uses in `_update_chunk_dense`:
//
//     ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²,
//
// where −2 X·Cᵀ for a block of rows is one `cblas_sgemm` (BLAS.sgemm, RowMajor, NoTrans, Trans).
// Kernels take raw pointers and scalars, do no I/O and no allocation; buffers come from the
// caller (sklearn's `# IN` / `# OUT` buffers).
import LinearAlgebra
import MicseSupport

/// Rows per GEMM block: 256 rows × k centres of scratch per block.
let kmeansBlockRows = 256

/// The fixed partition of the rows into work slots. Every slot owns its scratch and its partial
/// sums; slots are reduced in slot order, so results do not depend on the thread count.
struct RowPartition {
    let pointCount: Int
    let slotCount: Int

    init(pointCount: Int) {
        self.pointCount = pointCount
        // At most 16 slots and at least 256 rows per slot: independent of the thread count.
        slotCount = max(1, min(16, pointCount / kmeansBlockRows))
    }

    func range(_ slot: Int) -> Range<Int> { chunkRange(slot, of: slotCount, count: pointCount) }
}

/// ‖xᵢ‖² for every row, accumulated in Double. x: (n, d); out: n.
func computeSquaredNorms(_ x: UnsafePointer<Float>, rows: Int, dimension d: Int, into out: UnsafeMutablePointer<Float>) {
    for i in 0..<rows {
        var s = 0.0
        let row = x + i * d
        for j in 0..<d { let v = Double(row[j]); s += v * v }
        out[i] = Float(s)
    }
}

/// ‖a − b‖² over `d` Floats, with 16-wide partial sums.
@inline(__always)
func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension d: Int) -> Float {
    var acc = SIMD16<Float>()
    var j = 0
    while j + 16 <= d {
        let va = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self)
        let vb = UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self)
        let diff = va - vb
        acc += diff * diff   // not addProduct: without -mfma it lowers to a libm fmaf call per lane
        j += 16
    }
    var s = acc.sum()
    while j < d { let t = a[j] - b[j]; s += t * t; j += 1 }
    return s
}

/// a · b over `d` Floats, with two 16-wide partial sums (shorter dependency chains than one).
@inline(__always)
func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension d: Int) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
    var j = 0
    while j + 32 <= d {
        acc0 += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self) * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self)
        acc1 += UnsafeRawPointer(a + j + 16).loadUnaligned(as: SIMD16<Float>.self)
            * UnsafeRawPointer(b + j + 16).loadUnaligned(as: SIMD16<Float>.self)
        j += 32
    }
    if j + 16 <= d {
        acc0 += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self) * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self)
        j += 16
    }
    var s = (acc0 + acc1).sum()
    while j < d { s += a[j] * b[j]; j += 1 }
    return s
}

/// ‖a − b‖² over `d` Floats, accumulated in Double (for reported inertia and silhouettes).
@inline(__always)
func squaredDistanceDouble(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension d: Int) -> Double {
    var acc = SIMD8<Double>()
    var j = 0
    while j + 8 <= d {
        let va = SIMD8<Double>(UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self))
        let vb = SIMD8<Double>(UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self))
        let diff = va - vb
        acc += diff * diff   // not addProduct: without -mfma it lowers to a libm fmaf call per lane
        j += 8
    }
    var s = acc.sum()
    while j < d { let t = Double(a[j]) - Double(b[j]); s += t * t; j += 1 }
    return s
}

/// Nearest and second-nearest centre of each row of a block, by one GEMM.
///
/// - Parameters:
///   - block: (rowCount, d) rows; `blockNorms`: their ‖x‖².
///   - centers: (k, d); `centerNorms`: ‖c‖².
///   - scratch: OUT, rowCount × k Floats (−2 X·Cᵀ).
///   - best: OUT, index of the nearest centre (lowest index on ties, as sklearn).
///   - bestDistance: OUT, its squared distance (clamped at 0).
///   - secondDistance: OUT (optional), squared distance to the second-nearest centre (+∞ when k = 1).
func nearestCenters(block: UnsafePointer<Float>, rowCount: Int, dimension d: Int, blockNorms: UnsafePointer<Float>,
                    centers: UnsafePointer<Float>, centerNorms: UnsafePointer<Float>, clusterCount k: Int,
                    scratch: UnsafeMutablePointer<Float>,
                    best: UnsafeMutablePointer<Int32>, bestDistance: UnsafeMutablePointer<Float>,
                    secondDistance: UnsafeMutablePointer<Float>?) {
    BLAS.sgemm(.noTranspose, .transpose, m: rowCount, n: k, k: d, alpha: -2,
               a: block, lda: d, b: centers, ldb: d, beta: 0, c: scratch, ldc: k)
    for r in 0..<rowCount {
        let dots = scratch + r * k
        var b1 = Float.infinity, b2 = Float.infinity
        var arg: Int32 = 0
        for j in 0..<k {
            let v = dots[j] + centerNorms[j]
            if v < b1 { b2 = b1; b1 = v; arg = Int32(j) } else if v < b2 { b2 = v }
        }
        best[r] = arg
        bestDistance[r] = max(0, blockNorms[r] + b1)
        if let secondDistance { secondDistance[r] = max(0, blockNorms[r] + b2) }
    }
}

/// Σᵢ ‖xᵢ − c_{labels[i]}‖² over `range`, in Double.
func partialInertia(_ x: UnsafePointer<Float>, dimension d: Int, centers: UnsafePointer<Float>,
                    labels: UnsafePointer<Int32>, range: Range<Int>) -> Double {
    var s = 0.0
    for i in range { s += squaredDistanceDouble(x + i * d, centers + Int(labels[i]) * d, dimension: d) }
    return s
}

/// Adds `sign` · xᵢ to row `cluster` of `sums` (k, d) in Double (8 lanes at a time).
@inline(__always)
func accumulate(_ row: UnsafePointer<Float>, into sums: UnsafeMutablePointer<Double>, cluster: Int, dimension d: Int, sign: Double) {
    let target = sums + cluster * d
    var j = 0
    if sign > 0 {
        while j + 8 <= d {
            let v = SIMD8<Double>(UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self))
            let t = UnsafeMutableRawPointer(target + j)
            t.storeBytes(of: t.loadUnaligned(as: SIMD8<Double>.self) + v, as: SIMD8<Double>.self)
            j += 8
        }
        while j < d { target[j] += Double(row[j]); j += 1 }
    } else {
        while j + 8 <= d {
            let v = SIMD8<Double>(UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self))
            let t = UnsafeMutableRawPointer(target + j)
            t.storeBytes(of: t.loadUnaligned(as: SIMD8<Double>.self) - v, as: SIMD8<Double>.self)
            j += 8
        }
        while j < d { target[j] -= Double(row[j]); j += 1 }
    }
}

/// Index of the smallest of `dots[j] + norms[j]` over j < k (lowest index on ties) and that value,
/// by a branch-free select (the comparison outcome is unpredictable, so a branch mispredicts).
@inline(__always)
func argminSum(_ dots: UnsafePointer<Float>, _ norms: UnsafePointer<Float>, count k: Int) -> (index: Int32, value: Float) {
    var best = dots[0] + norms[0], arg: Int32 = 0
    var j = 1
    while j < k {
        let v = dots[j] + norms[j]
        let less = v < best
        best = less ? v : best
        arg = less ? Int32(j) : arg
        j += 1
    }
    return (arg, best)
}

/// The relocation step of sklearn's `_relocate_empty_clusters_dense`: the m-th empty cluster of
/// `empty` takes the m-th point farthest from its own centre (distances to the centres of the last
/// E-step; ties go to the lower index). The point leaves its old cluster's sums and count and
/// becomes the new cluster's only member.
/// - Parameters: `x` (n, d) points, `centers` (k, d), `sums` (k, d) running sums, `counts` (k),
///   `labels` (n); all updated in place except `x` and `centers`.
/// - Returns: the moved points, in the order of `empty`.
func relocateToEmptyClusters(_ empty: [Int], x: UnsafePointer<Float>, centers: UnsafePointer<Float>,
                             sums: UnsafeMutablePointer<Double>, counts: UnsafeMutablePointer<Int>,
                             labels: UnsafeMutablePointer<Int32>, n: Int, d: Int) -> [Int] {
    var distances = [Double](repeating: 0, count: n)
    for i in 0..<n { distances[i] = squaredDistanceDouble(x + i * d, centers + Int(labels[i]) * d, dimension: d) }
    var order = Array(0..<n)
    order.sort { distances[$0] > distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
    var moved: [Int] = []
    for (m, j) in empty.enumerated() where m < n {
        let far = order[m]
        let old = Int(labels[far])
        accumulate(x + far * d, into: sums, cluster: old, dimension: d, sign: -1)
        counts[old] -= 1
        let target = sums + j * d
        for t in 0..<d { target[t] = Double(x[far * d + t]) }
        counts[j] = 1
        labels[far] = Int32(j)
        moved.append(far)
    }
    return moved
}

/// Per-feature means μ of the rows of x (n, d) and their scatter Σᵢ ‖xᵢ − μ‖², in Double (two passes, so
/// that the scatter does not cancel when the data sit far from the origin). For centred data
/// (`centring`) the mean is 0 and the scatter Σᵢ ‖xᵢ‖².
struct FeatureMoments: Sendable {
    let mean: [Double]
    let scatter: Double
    let rows: Int, columns: Int

    init(x: UnsafePointer<Float>, rows n: Int, dimension d: Int) {
        let mean = Self.means(x, rows: n, dimension: d)
        self.init(mean: mean, scatter: Self.deviations(x, rows: n, dimension: d, mean: mean, centredInto: nil).scatter,
                  rows: n, columns: d)
    }

    init(mean: [Double], scatter: Double, rows: Int, columns: Int) {
        self.mean = mean; self.scatter = scatter; self.rows = rows; self.columns = columns
    }

    /// The rows of x minus their mean, rounded to Float, with the moments of x and those of the centred
    /// rows about the origin (mean 0, scatter Σᵢ ‖xᵢ − μ‖² of the rounded values): two passes in all.
    static func centring(_ x: UnsafePointer<Float>, rows n: Int, dimension d: Int)
        -> (values: [Float], original: FeatureMoments, centred: FeatureMoments) {
        let mean = means(x, rows: n, dimension: d)
        var sums = (scatter: 0.0, centredScatter: 0.0)
        let values = [Float](unsafeUninitializedCapacity: n * d) { out, count in
            sums = deviations(x, rows: n, dimension: d, mean: mean, centredInto: out.baseAddress)
            count = n * d
        }
        return (values, FeatureMoments(mean: mean, scatter: sums.scatter, rows: n, columns: d),
                FeatureMoments(mean: [Double](repeating: 0, count: d), scatter: sums.centredScatter, rows: n, columns: d))
    }

    /// Per-feature means of the rows, in Double.
    private static func means(_ x: UnsafePointer<Float>, rows n: Int, dimension d: Int) -> [Double] {
        var mean = [Double](repeating: 0, count: d)
        mean.withUnsafeMutableBufferPointer { mean in
            guard let meanBase = mean.baseAddress, n > 0 else { return }
            for i in 0..<n { accumulate(x + i * d, into: meanBase, cluster: 0, dimension: d, sign: 1) }
            for j in 0..<d { mean[j] /= Double(n) }
        }
        return mean
    }

    /// One pass over the rows: Σᵢ ‖xᵢ − μ‖² (summed per feature, then over features) and, with `out`, the
    /// differences rounded to Float written there and the sum of their squares (summed per row).
    private static func deviations(_ x: UnsafePointer<Float>, rows n: Int, dimension d: Int, mean: [Double],
                                   centredInto out: UnsafeMutablePointer<Float>?) -> (scatter: Double, centredScatter: Double) {
        var m2 = [Double](repeating: 0, count: d)
        var centredScatter = 0.0
        mean.withUnsafeBufferPointer { mean in
            m2.withUnsafeMutableBufferPointer { m2 in
                guard let meanBase = mean.baseAddress, let m2Base = m2.baseAddress else { return }
                for i in 0..<n {
                    let row = x + i * d
                    var acc = SIMD8<Double>()
                    var j = 0
                    while j + 8 <= d {
                        let t = SIMD8<Double>(UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self))
                            - UnsafeRawPointer(meanBase + j).loadUnaligned(as: SIMD8<Double>.self)
                        let target = UnsafeMutableRawPointer(m2Base + j)
                        target.storeBytes(of: target.loadUnaligned(as: SIMD8<Double>.self) + t * t, as: SIMD8<Double>.self)
                        if let out {
                            let rounded = SIMD8<Float>(t)
                            UnsafeMutableRawPointer(out + i * d + j).storeBytes(of: rounded, as: SIMD8<Float>.self)
                            let w = SIMD8<Double>(rounded)
                            acc += w * w
                        }
                        j += 8
                    }
                    var tail = 0.0
                    while j < d {
                        let t = Double(row[j]) - mean[j]
                        m2[j] += t * t
                        if let out {
                            let rounded = Float(t)
                            out[i * d + j] = rounded
                            tail += Double(rounded) * Double(rounded)
                        }
                        j += 1
                    }
                    if out != nil { centredScatter += acc.sum() + tail }
                }
            }
        }
        return (m2.reduce(0, +), centredScatter)
    }

    /// tol · mean over features of the variance (sklearn `_tolerance`); 0 for tol ≤ 0.
    func tolerance(relative tol: Double) -> Double {
        guard tol > 0, rows > 0 else { return 0 }
        return scatter / Double(rows) / Double(max(1, columns)) * tol
    }

    /// Within-cluster sum of squares of a partition whose centres are its means, from the clusters'
    /// coordinate sums Sⱼ and sizes nⱼ: the scatter minus the between-cluster part Σⱼ ‖Sⱼ − nⱼμ‖² / nⱼ
    /// (Huygens' decomposition), so no pass over the data.
    func withinClusterSumOfSquares(sums: UnsafePointer<Double>, counts: UnsafePointer<Int>, clusterCount k: Int) -> Double {
        var between = 0.0
        let d = columns
        for j in 0..<k where counts[j] > 0 {
            let s = sums + j * d, count = Double(counts[j])
            var total = 0.0
            for t in 0..<d { let v = s[t] - count * mean[t]; total += v * v }
            between += total / count
        }
        return scatter - between
    }
}
