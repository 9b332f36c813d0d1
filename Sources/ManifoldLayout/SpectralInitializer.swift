import Foundation
import LinearAlgebra
import MicseSupport

// Spectral initialisation of the layout (umap-learn `spectral.py`: `spectral_layout`,
// `multi_component_layout`, `component_layout`).
//
// For a connected graph with weights W and degrees d_i = Σ_j W_ij, the symmetric normalised
// Laplacian is L = I − D^(−1/2) W D^(−1/2). Its smallest eigenvalue is 0 with eigenvector
// u ∝ √d (the "trivial" one); the initial coordinates are the eigenvectors of the next
// `dimension` smallest eigenvalues, as umap-learn's `eigsh(L, k, which="SM")[:, 1:k]`.
//
// Solvers:
// - n ≤ `denseLimit`: the dense L through LAPACK dsyevd (`LAPACK.symmetricEigen`).
// - larger: Lanczos on L with partial reorthogonalisation (Simon 1984, see `Lanczos.swift`), in
//   the subspace orthogonal to u (the trivial eigenvector is known exactly and projected out, so the
//   wanted pairs are the *smallest* Ritz pairs), tridiagonal Rayleigh–Ritz by LAPACK dstevr every
//   5 steps, converged when every wanted explicit residual ‖L y − θ y‖ ≤ 1e-4 (umap-learn asks
//   ARPACK for tol 1e-4); the sparse products are split over the threads by rows (same result for
//   any thread count). Explicit restarts from the sum of the wanted Ritz vectors when the basis is
//   full. Bounded: at most (`maxRestarts` + 1) × basis matvecs.
// Each eigenvector's sign is fixed so that its largest-magnitude entry is positive (scikit-learn's
// `_deterministic_vector_sign_flip`), so the initialisation does not depend on the solver's start.
//
// Disconnected graphs (umap-learn `multi_component_layout`): component centroids (of the input
// rows) are placed first — by a spectral embedding of the affinity exp(−d²) between centroid
// cosine distances when there are more than 2·dim components, else on the ± unit axes — then
// each component is laid out spectrally, scaled so that it fits in a ball of radius half the
// distance to the nearest other centroid, and shifted there. (umap-learn scales by the largest
// |coordinate| instead, so a component's corners can reach into its neighbour's box; scaling by the
// largest row norm keeps the balls disjoint.) Components smaller than 2·dim (or ≤ dim + 1) points
// are spread uniformly in the cube inscribed in that ball. More than 3,000 components: centroids
// on a square grid instead.

/// How the spectral solve of one connected graph went.
public enum SpectralSolveStatus: Sendable, Equatable {
    /// Dense LAPACK eigensolve (always exact).
    case dense
    /// Lanczos converged after `iterations` matrix–vector products with final residual `residual`.
    case converged(iterations: Int, residual: Double)
    /// Lanczos stopped at its budget with residual `residual`; `accepted` when the Ritz vectors were
    /// still used (residual ≤ 1e-3).
    case notConverged(iterations: Int, residual: Double, accepted: Bool)
}

/// The outcome of `SpectralInitializer.initialize`.
public struct SpectralInitialization: Sendable {
    /// (n, dimension) row-major coordinates, scaled to max |x| = 10 (before noise), or `nil` when the
    /// spectral initialisation failed and the caller must fall back to random initialisation.
    public var coordinates: [Float]?
    /// Why spectral initialisation was abandoned (one line), when `coordinates` is nil.
    public var failureReason: String?
    /// Connected components of the graph.
    public var componentCount: Int
    /// Status of the largest component's eigensolve (`nil` when no component needed one).
    public var largestComponentStatus: SpectralSolveStatus?
    /// Components laid out randomly (too small, or their solve failed).
    public var randomComponents: Int
    /// Whether every component's solve converged (dense solves count as converged).
    public var converged: Bool
}

public enum SpectralInitializer {
    /// The `dimension` eigenvectors of the smallest non-trivial eigenvalues of the normalised
    /// Laplacian of the connected `graph` (n × dimension row-major, unit columns, sign-fixed).
    ///
    /// - Returns: `nil` vectors when the solve failed (LAPACK error, or residual above 1e-3).
    public static func laplacianEigenvectors(_ graph: SparseGraph, dimension: Int, denseLimit: Int = 2_000,
                                             seed: UInt64 = 0, maxBasis: Int = 400, maxRestarts: Int = 12,
                                             threads: Int = 1)
        -> (vectors: [Double]?, values: [Double], status: SpectralSolveStatus) {
        let n = graph.pointCount
        precondition(n > dimension + 1, "laplacianEigenvectors needs more than dimension + 1 vertices")
        let operatorL = NormalizedLaplacian(graph)
        if n <= denseLimit {
            var dense = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                dense[i * n + i] = 1
                for e in graph.rowOffsets[i]..<graph.rowOffsets[i + 1] {
                    let j = Int(graph.columns[e])
                    dense[i * n + j] -= operatorL.normalizedWeights[e]
                }
            }
            guard let (values, vectors) = try? LAPACK.symmetricEigen(dense, n: n) else {
                return (nil, [], .notConverged(iterations: 0, residual: .infinity, accepted: false))
            }
            var out = [Double](repeating: 0, count: n * dimension)
            for c in 0..<dimension {
                for i in 0..<n { out[i * dimension + c] = vectors[i * n + c + 1] }
            }
            fixSigns(&out, rows: n, columns: dimension)
            return (out, Array(values[1...dimension]), .dense)
        }
        let result = lanczosSmallest(operatorL, count: dimension, seed: seed, maxBasis: maxBasis, maxRestarts: maxRestarts,
                                     threads: threads)
        if result.converged {
            var v = result.vectors
            fixSigns(&v, rows: n, columns: dimension)
            return (v, result.values, .converged(iterations: result.iterations, residual: result.residual))
        }
        let accepted = result.residual <= 1e-3
        var v = result.vectors
        fixSigns(&v, rows: n, columns: dimension)
        return (accepted ? v : nil, result.values,
                .notConverged(iterations: result.iterations, residual: result.residual, accepted: accepted))
    }

    /// Initial coordinates for the whole (possibly disconnected) `graph`, umap-learn style:
    /// per-component spectral layouts placed apart, scaled to max |x| = 10.
    ///
    /// - Parameters:
    ///   - data: the rows the graph was built on (n, D), for component centroids; may be nil.
    ///   - seed: stream for the small random parts (tiny components, Lanczos start vectors).
    ///   - threads: threads for the sparse matrix–vector products (the result does not depend on it).
    public static func initialize(graph: SparseGraph, data: Matrix?, dimension: Int, denseLimit: Int = 2_000,
                                  seed: UInt64, threads: Int = 1) -> SpectralInitialization {
        let n = graph.pointCount
        let components = ConnectedComponents(graph)
        var rng = SplitMix64.derived(from: seed, stream: 0x5bec)
        if components.count == 1 {
            guard n > dimension + 1 else {
                return SpectralInitialization(coordinates: nil, failureReason: "only \(n) points for a \(dimension)-D spectral layout",
                                              componentCount: 1, largestComponentStatus: nil, randomComponents: 0, converged: false)
            }
            let solved = laplacianEigenvectors(graph, dimension: dimension, denseLimit: denseLimit, seed: rng.next(), threads: threads)
            guard let vectors = solved.vectors else {
                return SpectralInitialization(coordinates: nil, failureReason: failureText(solved.status),
                                              componentCount: 1, largestComponentStatus: solved.status, randomComponents: 0, converged: false)
            }
            return SpectralInitialization(coordinates: scaledToTen(vectors), failureReason: nil, componentCount: 1,
                                          largestComponentStatus: solved.status, randomComponents: 0,
                                          converged: isConverged(solved.status))
        }
        // Several components: place centroids, then lay out each component inside its box.
        let members = components.members
        let meta = componentCentroidLayout(members: members, data: data, dimension: dimension)
        var result = [Double](repeating: 0, count: n * dimension)
        var localIndex = [Int32](repeating: -1, count: n)
        var randomCount = 0
        var allConverged = true
        var largestStatus: SpectralSolveStatus? = nil
        let largest = members.indices.max { members[$0].count < members[$1].count } ?? 0
        for (label, vertices) in members.enumerated() {
            // Half the distance to the nearest other centroid (umap-learn's data_range).
            var nearest = Double.infinity
            for other in members.indices where other != label {
                var d2 = 0.0
                for c in 0..<dimension { let t = meta[label * dimension + c] - meta[other * dimension + c]; d2 += t * t }
                if d2 > 0 { nearest = min(nearest, d2.squareRoot()) }
            }
            let dataRange = nearest.isFinite ? nearest / 2 : 1
            var placed = false
            if vertices.count >= 2 * dimension && vertices.count > dimension + 1 {
                for (local, v) in vertices.enumerated() { localIndex[v] = Int32(local) }
                let sub = graph.induced(by: vertices, localIndex: localIndex)
                for v in vertices { localIndex[v] = -1 }
                let solved = laplacianEigenvectors(sub, dimension: dimension, denseLimit: denseLimit, seed: rng.next(), threads: threads)
                if label == largest { largestStatus = solved.status }
                if !isConverged(solved.status) { allConverged = false }
                if let vectors = solved.vectors {
                    var maxNorm = 0.0
                    for local in vertices.indices {
                        var s = 0.0
                        for c in 0..<dimension { s += vectors[local * dimension + c] * vectors[local * dimension + c] }
                        maxNorm = max(maxNorm, s.squareRoot())
                    }
                    let expansion = maxNorm > 0 ? dataRange / maxNorm : 0
                    for (local, v) in vertices.enumerated() {
                        for c in 0..<dimension {
                            result[v * dimension + c] = vectors[local * dimension + c] * expansion + meta[label * dimension + c]
                        }
                    }
                    placed = true
                }
            }
            if !placed {
                randomCount += 1
                for v in vertices {
                    for c in 0..<dimension {
                        result[v * dimension + c] = (rng.nextDouble() * 2 - 1) * dataRange / Double(dimension).squareRoot()
                            + meta[label * dimension + c]
                    }
                }
            }
        }
        return SpectralInitialization(coordinates: scaledToTen(result), failureReason: nil, componentCount: components.count,
                                      largestComponentStatus: largestStatus, randomComponents: randomCount, converged: allConverged)
    }

    static func isConverged(_ status: SpectralSolveStatus) -> Bool {
        switch status {
        case .dense, .converged: return true
        case .notConverged: return false
        }
    }

    static func failureText(_ status: SpectralSolveStatus) -> String {
        switch status {
        case .notConverged(let iterations, let residual, _) where residual.isFinite:
            return "spectral initialisation did not converge (residual \(String(format: "%.2e", residual)) after \(iterations) Lanczos steps)"
        default:
            return "spectral initialisation failed (LAPACK eigensolver error)"
        }
    }

    /// Scales so that max |x| = 10 (umap-learn: `expansion = 10.0 / np.abs(initialisation).max()`).
    static func scaledToTen(_ values: [Double]) -> [Float] {
        var maxAbs = 0.0
        for x in values { maxAbs = max(maxAbs, abs(x)) }
        let expansion = maxAbs > 0 ? 10 / maxAbs : 1
        return values.map { Float($0 * expansion) }
    }

    /// Makes the largest-magnitude entry of every column positive (scikit-learn's sign flip).
    static func fixSigns(_ values: inout [Double], rows: Int, columns: Int) {
        for c in 0..<columns {
            var best = 0.0
            for i in 0..<rows where abs(values[i * columns + c]) > abs(best) { best = values[i * columns + c] }
            if best < 0 { for i in 0..<rows { values[i * columns + c] = -values[i * columns + c] } }
        }
    }

    /// Centroid positions (components × dimension), umap-learn `component_layout`.
    static func componentCentroidLayout(members: [[Int]], data: Matrix?, dimension: Int) -> [Double] {
        let count = members.count
        var meta = [Double](repeating: 0, count: count * dimension)
        if count <= 2 * dimension {
            // ± unit axes: [I_k | 0] stacked over −[I_k | 0], k = ⌈count/2⌉.
            let k = (count + 1) / 2
            for label in 0..<count {
                let axis = label % k, sign = label < k ? 1.0 : -1.0
                if axis < dimension { meta[label * dimension + axis] = sign }
            }
            return meta
        }
        if count > 3_000 || data == nil {
            let side = Int(Double(count).squareRoot().rounded(.up))
            for label in 0..<count {
                meta[label * dimension] = Double(label % side) / Double(max(1, side - 1)) * 2 - 1
                if dimension > 1 { meta[label * dimension + 1] = Double(label / side) / Double(max(1, side - 1)) * 2 - 1 }
            }
            return meta
        }
        guard let data else { return meta }
        // Centroids, then cosine distances between them, affinity exp(−d²).
        let dim = data.columns
        var centroids = [Double](repeating: 0, count: count * dim)
        for (label, vertices) in members.enumerated() {
            for v in vertices { for j in 0..<dim { centroids[label * dim + j] += Double(data[v, j]) } }
            var norm = 0.0
            for j in 0..<dim { norm += centroids[label * dim + j] * centroids[label * dim + j] }
            norm = norm.squareRoot()
            if norm > 0 { for j in 0..<dim { centroids[label * dim + j] /= norm } }
        }
        var affinity = [Double](repeating: 0, count: count * count)
        for p in 0..<count {
            for q in p..<count {
                var dot = 0.0
                for j in 0..<dim { dot += centroids[p * dim + j] * centroids[q * dim + j] }
                let d = max(0, 1 - dot)
                let a = Foundation.exp(-d * d)
                affinity[p * count + q] = a; affinity[q * count + p] = a
            }
        }
        // scikit-learn SpectralEmbedding(affinity="precomputed"): normalised Laplacian (diagonal of
        // the affinity ignored), smallest eigenvectors after the first, divided by √degree.
        var degree = [Double](repeating: 0, count: count)
        for p in 0..<count { for q in 0..<count where q != p { degree[p] += affinity[p * count + q] } }
        let root = degree.map { $0 > 0 ? $0.squareRoot() : 1 }
        var laplacian = [Double](repeating: 0, count: count * count)
        for p in 0..<count {
            for q in 0..<count {
                laplacian[p * count + q] = p == q ? 1 : -affinity[p * count + q] / (root[p] * root[q])
            }
        }
        guard let (_, vectors) = try? LAPACK.symmetricEigen(laplacian, n: count) else { return meta }
        for c in 0..<dimension {
            for p in 0..<count { meta[p * dimension + c] = vectors[p * count + c + 1] / root[p] }
        }
        fixSigns(&meta, rows: count, columns: dimension)
        var maxValue = 0.0
        for x in meta { maxValue = max(maxValue, x) }   // umap-learn: component_embedding /= component_embedding.max()
        if maxValue > 0 { for i in meta.indices { meta[i] /= maxValue } }
        return meta
    }
}

/// L = I − D^(−1/2) W D^(−1/2) of a connected symmetric graph, with the trivial eigenvector u = √d/‖√d‖.
struct NormalizedLaplacian {
    let graph: SparseGraph
    /// W_ij / √(d_i d_j), aligned with `graph.columns`.
    let normalizedWeights: [Double]
    let trivial: [Double]

    init(_ graph: SparseGraph) {
        self.graph = graph
        let n = graph.pointCount
        var degree = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for e in graph.rowOffsets[i]..<graph.rowOffsets[i + 1] { degree[i] += Double(graph.weights[e]) }
        }
        let root = degree.map { $0 > 0 ? $0.squareRoot() : 0 }
        var normalized = [Double](repeating: 0, count: graph.edgeCount)
        for i in 0..<n {
            for e in graph.rowOffsets[i]..<graph.rowOffsets[i + 1] {
                let j = Int(graph.columns[e])
                let scale = root[i] * root[j]
                normalized[e] = scale > 0 ? Double(graph.weights[e]) / scale : 0
            }
        }
        normalizedWeights = normalized
        let norm = root.reduce(0) { $0 + $1 * $1 }.squareRoot()
        trivial = root.map { norm > 0 ? $0 / norm : 0 }
    }

    /// y ← L x, rows split over `threads` (each row is summed in the same order whatever the split,
    /// so the result does not depend on the thread count).
    func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, threads: Int = 1) {
        let n = graph.pointCount
        graph.rowOffsets.withUnsafeBufferPointer { offsets in
            graph.columns.withUnsafeBufferPointer { columns in
                normalizedWeights.withUnsafeBufferPointer { w in
                    let parts = threads > 1 && graph.edgeCount >= 50_000 ? threads : 1
                    let box = UnsafeSendableBox((offsets.baseAddress!, columns.baseAddress!, w.baseAddress!, x, y))
                    parallelFor(chunks: parts, threads: parts) { part in
                        let (o, c, wp, xp, yp) = box.value
                        laplacianRows(chunkRange(part, of: parts, count: n), offsets: o, columns: c, weights: wp, x: xp, y: yp)
                    }
                }
            }
        }
    }
}

/// y_i = x_i − Σ_e w_e x_{col(e)} for the rows in `rows` (two accumulators per row, fixed order).
@inline(__always)
private func laplacianRows(_ rows: Range<Int>, offsets: UnsafePointer<Int>, columns: UnsafePointer<Int32>,
                           weights: UnsafePointer<Double>, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
    for i in rows {
        var s0 = 0.0, s1 = 0.0
        var e = offsets[i]
        let end = offsets[i + 1]
        while e + 2 <= end {
            s0 += weights[e] * x[Int(columns[e])]
            s1 += weights[e + 1] * x[Int(columns[e + 1])]
            e += 2
        }
        if e < end { s0 += weights[e] * x[Int(columns[e])] }
        y[i] = x[i] - (s0 + s1)
    }
}
