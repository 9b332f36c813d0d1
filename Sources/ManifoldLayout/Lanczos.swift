import LinearAlgebra
import MicseSupport

// Lanczos with partial reorthogonalisation for the smallest eigenpairs of the normalised Laplacian
// in the complement of its known trivial eigenvector (Golub & Van Loan, Matrix Computations,
// 4th ed., §10.1–10.3; Simon 1984, "The Lanczos algorithm with partial reorthogonalization",
// Math. Comp. 42). Basis vectors q_0 … q_{m−1} satisfy L Q = Q T + β_m q_m e_mᵀ with T tridiagonal
// (three-term recurrence r = L q_j − α_j q_j − β_{j−1} q_{j−1}); the Ritz pairs (θ_i, Q s_i) of T's
// eigenpairs have residual ‖L y − θ y‖ ≈ |β_m s_{m−1,i}|.
//
// Full reorthogonalisation costs O(n·m) per step and dominated the solve (≈ 200 steps are needed on
// a 12k-point kNN graph, whose smallest eigenvalues are close together). Semi-orthogonality
// (|q_jᵀq_k| ≤ √ε) is enough for Ritz values and vectors accurate to working precision (Simon), so
// the level of orthogonality ω_{j+1,k} ≈ q_{j+1}ᵀq_k is estimated by Simon's recurrence
//
//     β_j ω_{j+1,k} = β_k ω_{j,k+1} + (α_k − α_j) ω_{j,k} + β_{k−1} ω_{j,k−1} − β_{j−1} ω_{j−1,k} ± ε(β_k + β_j)·0.3
//
// (O(m) scalars per step), and the new vector is orthogonalised against all previous ones only
// when some |ω| exceeds √ε, and once more at the next step (Simon's PRO; about 10 of 200 steps on
// that graph). Convergence is declared on the explicit residuals ‖L y − θ y‖ of the Ritz vectors.

struct LanczosResult {
    /// (n, count) row-major Ritz vectors.
    var vectors: [Double]
    var values: [Double]
    var converged: Bool
    /// Matrix–vector products.
    var iterations: Int
    /// Largest explicit residual ‖L y − θ y‖ of the returned vectors.
    var residual: Double
    /// Steps that were orthogonalised against the whole basis.
    var reorthogonalizations = 0
}

func lanczosSmallest(_ op: NormalizedLaplacian, count: Int, seed: UInt64, maxBasis requestedBasis: Int,
                     maxRestarts: Int, tolerance: Double = 1e-4, threads: Int = 1) -> LanczosResult {
    let n = op.graph.pointCount
    // Basis memory bounded at 2^24 doubles (128 MiB); at least count + 8 vectors.
    let basisLimit = max(count + 8, min(requestedBasis, n - 1, (1 << 24) / max(1, n)))
    let epsilon = Double.ulpOfOne
    let orthogonalityLimit = epsilon.squareRoot()
    var rng = SplitMix64.derived(from: seed, stream: 0x1a2c)
    // Left uninitialised (only written vectors are read), so unused pages are never touched.
    var basis = [Double](unsafeUninitializedCapacity: (basisLimit + 1) * n) { _, initialized in initialized = (basisLimit + 1) * n }
    var start = [Double](repeating: 0, count: n)
    // umap-learn starts ARPACK from ones; ones lies along u for regular graphs, so add seeded noise.
    for i in 0..<n { start[i] = 1 + (rng.nextDouble() - 0.5) }
    var r = [Double](repeating: 0, count: n)
    var best = LanczosResult(vectors: [Double](repeating: 0, count: n * count), values: [], converged: false,
                             iterations: 0, residual: .infinity)
    var totalIterations = 0, reorthogonalizations = 0
    restarts: for _ in 0...maxRestarts {
        var alphas: [Double] = [], betas: [Double] = []
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
        // ω_{j,·} and ω_{j−1,·} of Simon's recurrence.
        var omega: [Double] = [1], previousOmega: [Double] = []
        var forceNext = false
        var candidate: (values: [Double], vectors: [Double], residual: Double)? = nil
        var nextCheck = max(count + 1, 20)
        var m = 0
        while m < basisLimit {
            let j = m
            let (alpha, beta): (Double, Double) = basis.withUnsafeMutableBufferPointer { q in
                r.withUnsafeMutableBufferPointer { rp in
                    let qj = q.baseAddress! + j * n, w = rp.baseAddress!
                    op.apply(UnsafePointer(qj), w, threads: threads)
                    projectOut(op.trivial, from: w, n: n)
                    let alpha = dot(qj, w, n)
                    if j > 0 {
                        let previous = q.baseAddress! + (j - 1) * n, b = betas[j - 1]
                        for i in 0..<n { w[i] -= alpha * qj[i] + b * previous[i] }
                    } else {
                        for i in 0..<n { w[i] -= alpha * qj[i] }
                    }
                    return (alpha, dot(w, w, n).squareRoot())
                }
            }
            alphas.append(alpha)
            totalIterations += 1
            // Simon's estimate of q_{j+1}ᵀ q_k, k ≤ j (before normalisation by β_j).
            var nextOmega = [Double](repeating: 0, count: j + 2)
            if beta > 0 {
                for k in 0..<j {
                    var t = betas[k] * omega[k + 1] + (alphas[k] - alpha) * omega[k]
                    if k > 0 { t += betas[k - 1] * omega[k - 1] }
                    if j > 0 { t -= betas[j - 1] * previousOmega[k] }
                    let noise = epsilon * (betas[k] + beta) * 0.3
                    nextOmega[k] = (t + (t >= 0 ? noise : -noise)) / beta
                }
            }
            nextOmega[j] = epsilon * Double(n) * 0.5
            nextOmega[j + 1] = 1
            var norm = beta
            var worst = 0.0
            for k in 0..<j { worst = max(worst, abs(nextOmega[k])) }
            if forceNext || worst > orthogonalityLimit {
                norm = basis.withUnsafeBufferPointer { q in
                    r.withUnsafeMutableBufferPointer { rp in
                        orthogonalize(rp.baseAddress!, against: q.baseAddress!, count: j + 1, trivial: op.trivial, n: n)
                        return dot(rp.baseAddress!, rp.baseAddress!, n).squareRoot()
                    }
                }
                for k in 0...j { nextOmega[k] = epsilon }
                reorthogonalizations += 1
                forceNext.toggle()
            }
            betas.append(norm)
            previousOmega = omega
            omega = nextOmega
            m += 1
            let invariant = norm < 1e-10
            if !invariant {
                basis.withUnsafeMutableBufferPointer { q in
                    let scale = 1 / norm
                    for i in 0..<n { q[m * n + i] = r[i] * scale }
                }
            }
            guard m >= nextCheck || m == basisLimit || invariant else { continue }
            nextCheck = m + 5
            guard let ritz = ritzPairs(alphas: alphas, betas: betas, count: count) else { continue }
            if ritz.estimate > tolerance && !invariant && m < basisLimit { continue }
            // The estimate says converged (or the basis is exhausted): form the Ritz vectors and
            // measure their true residuals.
            let vectors = ritzVectors(basis, n: n, coefficients: ritz.vectors, used: m, count: count)
            let residual = explicitResidual(op, vectors: vectors, values: ritz.values, count: count, threads: threads)
            totalIterations += count
            candidate = (ritz.values, vectors, residual)
            if residual <= tolerance || invariant || m == basisLimit { break }
        }
        guard let found = candidate else { break }
        if found.residual < best.residual {
            best = LanczosResult(vectors: found.vectors, values: found.values, converged: found.residual <= tolerance,
                                 iterations: totalIterations, residual: found.residual)
        }
        best.iterations = totalIterations
        best.reorthogonalizations = reorthogonalizations
        if best.converged { break restarts }
        // Explicit restart from the sum of the wanted Ritz vectors.
        for i in 0..<n {
            var s = 0.0
            for c in 0..<count { s += found.vectors[i * count + c] }
            start[i] = s
        }
    }
    best.iterations = totalIterations
    best.reorthogonalizations = reorthogonalizations
    return best
}

/// Smallest `count` Ritz values of the tridiagonal T (diagonal `alphas`, off-diagonal `betas[0..<m−1]`),
/// their eigenvectors ((m, count) row-major), and the largest residual estimate |β_m s_{m−1,i}|.
private func ritzPairs(alphas: [Double], betas: [Double], count: Int) -> (values: [Double], vectors: [Double], estimate: Double)? {
    let m = alphas.count
    guard m >= count, let (values, vectors) = try? LAPACK.tridiagonalEigen(
        diagonal: alphas, offDiagonal: Array(betas[0..<(m - 1)]), lowest: count) else { return nil }
    var estimate = 0.0
    for c in 0..<count { estimate = max(estimate, abs(betas[m - 1] * vectors[(m - 1) * count + c])) }
    return (values, vectors, estimate)
}

/// Y = Q S: (n, count) row-major from the first `used` basis vectors and S (used, count) row-major.
private func ritzVectors(_ basis: [Double], n: Int, coefficients: [Double], used: Int, count: Int) -> [Double] {
    var vectors = [Double](repeating: 0, count: n * count)
    basis.withUnsafeBufferPointer { q in
        vectors.withUnsafeMutableBufferPointer { y in
            for j in 0..<used {
                let qj = q.baseAddress! + j * n
                for c in 0..<count {
                    let coefficient = coefficients[j * count + c]
                    if coefficient == 0 { continue }
                    for i in 0..<n { y[i * count + c] += coefficient * qj[i] }
                }
            }
        }
    }
    return vectors
}

/// max_c ‖L y_c − θ_c y_c‖ for the (n, count) row-major `vectors` (unit columns).
private func explicitResidual(_ op: NormalizedLaplacian, vectors: [Double], values: [Double], count: Int, threads: Int) -> Double {
    let n = op.graph.pointCount
    var column = [Double](repeating: 0, count: n), image = [Double](repeating: 0, count: n)
    var worst = 0.0
    for c in 0..<count {
        for i in 0..<n { column[i] = vectors[i * count + c] }
        column.withUnsafeBufferPointer { x in image.withUnsafeMutableBufferPointer { y in op.apply(x.baseAddress!, y.baseAddress!, threads: threads) } }
        var s = 0.0
        for i in 0..<n { let t = image[i] - values[c] * column[i]; s += t * t }
        worst = max(worst, s.squareRoot())
    }
    return worst
}

/// x ← x − u(uᵀx) for the unit vector u.
@inline(__always)
private func projectOut(_ trivial: [Double], from x: UnsafeMutablePointer<Double>, n: Int) {
    trivial.withUnsafeBufferPointer { u in
        let c = dot(u.baseAddress!, x, n)
        for i in 0..<n { x[i] -= c * u[i] }
    }
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
