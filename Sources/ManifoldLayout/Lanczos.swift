import LinearAlgebra
import MicseSupport

// Lanczos with full reorthogonalisation for the smallest eigenpairs of the normalised Laplacian
// in the complement of its known trivial eigenvector (Golub & Van Loan, Matrix Computations,
// 4th ed., §10.1–10.3). Basis vectors q_0 … q_{m−1} satisfy L Q = Q T + β_m q_m e_mᵀ with T
// tridiagonal; the Ritz pairs (θ_i, Q s_i) of T's eigenpairs have residual ‖L y − θ y‖ = |β_m s_{m−1,i}|.
// Every new vector is orthogonalised against u and all previous vectors (Gram–Schmidt, eight vectors
// per sweep, repeated once when the norm drops below 1/√2: "twice is enough").

struct LanczosResult {
    /// (n, count) row-major Ritz vectors.
    var vectors: [Double]
    var values: [Double]
    var converged: Bool
    var iterations: Int
    var residual: Double
}

func lanczosSmallest(_ op: NormalizedLaplacian, count: Int, seed: UInt64, maxBasis requestedBasis: Int,
                     maxRestarts: Int, tolerance: Double = 1e-4) -> LanczosResult {
    let n = op.graph.pointCount
    // Basis memory bounded at 2^24 doubles (128 MiB); at least count + 8 vectors.
    let basisLimit = max(count + 8, min(requestedBasis, n - 1, (1 << 24) / max(1, n)))
    var rng = SplitMix64.derived(from: seed, stream: 0x1a2c)
    var basis = [Double](repeating: 0, count: basisLimit * n)
    var start = [Double](repeating: 0, count: n)
    // umap-learn starts ARPACK from ones; ones lies along u for regular graphs, so add seeded noise.
    for i in 0..<n { start[i] = 1 + (rng.nextDouble() - 0.5) }
    var w = [Double](repeating: 0, count: n)
    var best = LanczosResult(vectors: [Double](repeating: 0, count: n * count), values: [], converged: false,
                             iterations: 0, residual: .infinity)
    var totalIterations = 0
    for _ in 0...maxRestarts {
        var alphas: [Double] = [], betas: [Double] = []
        var m = 0
        let ok: Bool = basis.withUnsafeMutableBufferPointer { q in
            start.withUnsafeMutableBufferPointer { s in
                orthogonalize(s.baseAddress!, against: q.baseAddress!, count: 0, trivial: op.trivial, n: n)
                let norm = dot(s.baseAddress!, s.baseAddress!, n).squareRoot()
                guard norm > 1e-12 else { return false }
                for i in 0..<n { q[i] = s[i] / norm }
                return true
            }
        }
        if !ok { break }
        var lastCheck: (values: [Double], vectors: [Double], residual: Double)? = nil
        // Rayleigh–Ritz checks at geometrically spaced sizes (each is an O(m³) dense eigensolve).
        var nextCheck = max(count + 1, 16)
        while m < basisLimit {
            let beta: Double = basis.withUnsafeMutableBufferPointer { q in
                w.withUnsafeMutableBufferPointer { wp in
                    let qm = q.baseAddress! + m * n
                    op.apply(UnsafePointer(qm), wp.baseAddress!)
                    let alpha = dot(qm, wp.baseAddress!, n)
                    alphas.append(alpha)
                    orthogonalize(wp.baseAddress!, against: q.baseAddress!, count: m + 1, trivial: op.trivial, n: n)
                    return dot(wp.baseAddress!, wp.baseAddress!, n).squareRoot()
                }
            }
            betas.append(beta)
            m += 1
            totalIterations += 1
            let invariant = beta < 1e-10
            if m >= nextCheck || m == basisLimit || invariant {
                nextCheck = m + max(8, m / 8)
                if let ritz = ritzPairs(alphas: alphas, betas: betas, count: count) {
                    lastCheck = ritz
                    if ritz.residual <= tolerance || invariant { break }
                }
            }
            if invariant { break }
            if m < basisLimit {
                basis.withUnsafeMutableBufferPointer { q in
                    for i in 0..<n { q[m * n + i] = w[i] / beta }
                }
            }
        }
        guard let ritz = lastCheck else { break }
        // Ritz vectors y_i = Q s_i.
        var vectors = [Double](repeating: 0, count: n * count)
        let basisUsed = alphas.count
        basis.withUnsafeBufferPointer { q in
            for c in 0..<count {
                for j in 0..<basisUsed {
                    let coefficient = ritz.vectors[j * count + c]
                    if coefficient == 0 { continue }
                    let qj = q.baseAddress! + j * n
                    for i in 0..<n { vectors[i * count + c] += coefficient * qj[i] }
                }
            }
        }
        if ritz.residual < best.residual {
            best = LanczosResult(vectors: vectors, values: ritz.values, converged: ritz.residual <= tolerance,
                                 iterations: totalIterations, residual: ritz.residual)
        }
        best.iterations = totalIterations
        if best.converged { break }
        // Explicit restart from the sum of the wanted Ritz vectors.
        for i in 0..<n {
            var s = 0.0
            for c in 0..<count { s += vectors[i * count + c] }
            start[i] = s
        }
    }
    return best
}

/// Smallest `count` Ritz values of the tridiagonal T, their eigenvectors ((m, count) row-major),
/// and the largest residual |β_m s_{m−1,i}| among them.
private func ritzPairs(alphas: [Double], betas: [Double], count: Int) -> (values: [Double], vectors: [Double], residual: Double)? {
    let m = alphas.count
    var t = [Double](repeating: 0, count: m * m)
    for i in 0..<m {
        t[i * m + i] = alphas[i]
        if i + 1 < m { t[i * m + i + 1] = betas[i]; t[(i + 1) * m + i] = betas[i] }
    }
    guard let (values, vectors) = try? LAPACK.symmetricEigen(t, n: m) else { return nil }
    var out = [Double](repeating: 0, count: m * count)
    var residual = 0.0
    for c in 0..<count {
        for j in 0..<m { out[j * count + c] = vectors[j * m + c] }
        residual = max(residual, abs(betas[m - 1] * vectors[(m - 1) * m + c]))
    }
    return (Array(values[0..<count]), out, residual)
}

/// x ← x − u(uᵀx) − Σ_j q_j (q_jᵀ x), repeated once if the norm fell below 1/√2 of its value.
private func orthogonalize(_ x: UnsafeMutablePointer<Double>, against q: UnsafePointer<Double>, count: Int,
                           trivial: [Double], n: Int) {
    trivial.withUnsafeBufferPointer { u in
        let before = dot(x, x, n)
        for pass in 0..<2 {
            let cu = dot(u.baseAddress!, x, n)
            for i in 0..<n { x[i] -= cu * u[i] }
            // Eight (then four) basis vectors per sweep (classical Gram–Schmidt inside a group, modified
            // between groups): x is read once per group instead of once per vector.
            var j = 0
            while j + 8 <= count {
                let q0 = q + j * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n
                let q4 = q3 + n, q5 = q4 + n, q6 = q5 + n, q7 = q6 + n
                var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0, c5 = 0.0, c6 = 0.0, c7 = 0.0
                for i in 0..<n {
                    let xi = x[i]
                    c0 += q0[i] * xi; c1 += q1[i] * xi; c2 += q2[i] * xi; c3 += q3[i] * xi
                    c4 += q4[i] * xi; c5 += q5[i] * xi; c6 += q6[i] * xi; c7 += q7[i] * xi
                }
                for i in 0..<n {
                    x[i] -= ((c0 * q0[i] + c1 * q1[i]) + (c2 * q2[i] + c3 * q3[i]))
                          + ((c4 * q4[i] + c5 * q5[i]) + (c6 * q6[i] + c7 * q7[i]))
                }
                j += 8
            }
            while j + 4 <= count {
                let q0 = q + j * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n
                var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0
                for i in 0..<n {
                    let xi = x[i]
                    c0 += q0[i] * xi; c1 += q1[i] * xi; c2 += q2[i] * xi; c3 += q3[i] * xi
                }
                for i in 0..<n { x[i] -= (c0 * q0[i] + c1 * q1[i]) + (c2 * q2[i] + c3 * q3[i]) }
                j += 4
            }
            while j < count {
                let qj = q + j * n
                let c = dot(qj, x, n)
                for i in 0..<n { x[i] -= c * qj[i] }
                j += 1
            }
            if pass == 0 && dot(x, x, n) > 0.5 * before { break }
        }
    }
}

/// Σ a_i b_i with four accumulators (vectorisable; fixed order, so deterministic).
@inline(__always)
private func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var i = 0
    while i + 4 <= n {
        s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]
        i += 4
    }
    while i < n { s0 += a[i] * b[i]; i += 1 }
    return (s0 + s1) + (s2 + s3)
}
