// Greedy k-means++ seeding of all restarts together (see KMeansPlusPlus.swift for the method:
// Arthur & Vassilvitskii 2007; 2 + ⌊ln k⌋ trials per step as in scikit-learn `_kmeans_plusplus`).
//
// Restart r draws from its own stream `SplitMix64.derived(from: seed, stream: r)` exactly as the
// one-restart seeding does, so each restart's draws are the same; what is shared is the pass over
// the data: at step c the T candidates of every restart (R·T columns) are compared with a block
// of rows by one GEMM, instead of R passes with T columns each. The seeding of small k is
// memory-bound (a pass over X for a handful of columns), so this divides its cost by about R.
// No triangle-inequality pruning here: with R·T columns the GEMM is cheaper than the gathering
// pruning needs. Per-slot potentials are reduced in slot order (thread-count independent).
import LinearAlgebra
import MicseSupport

extension BatchedLloyd {
    /// Whether `seedKMeansPlusPlus(seed:)` fits in memory: it keeps n × R × T candidate distances.
    static func canSeedTogether(rows n: Int, restarts: Int, trials: Int) -> Bool {
        n.multipliedReportingOverflow(by: restarts * trials).partialValue <= 32_000_000
            && !n.multipliedReportingOverflow(by: restarts * trials).overflow
    }

    /// Fills `centers` (R × k × d) with the k-means++ seeds of every restart (restart r from the stream of
    /// restart `firstRestart + r` of the fit).
    func seedKMeansPlusPlus(seed: UInt64, trials: Int) {
        let n = self.n, d = self.d, k = self.k, R = restartCount, T = trials
        let x = self.x, pointNorms = self.pointNorms, partition = self.partition
        let columnsTotal = R * T
        let groupSize = max(1, min(R, max(T, 256) / T))
        let closest = UnsafeMutablePointer<Float>.allocate(capacity: R * n)          // (R, n): D(x) per restart
        let distances = UnsafeMutablePointer<Float>.allocate(capacity: n * columnsTotal)   // (n, R·T)
        let candidates = UnsafeMutablePointer<Float>.allocate(capacity: columnsTotal * d)  // (R·T, d)
        let candidateNorms = UnsafeMutablePointer<Float>.allocate(capacity: columnsTotal)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: partition.slotCount * batchedBlockRows * groupSize * T)
        let potentials = UnsafeMutablePointer<Double>.allocate(capacity: partition.slotCount * columnsTotal)
        defer {
            closest.deallocate(); distances.deallocate(); candidates.deallocate(); candidateNorms.deallocate()
            scratch.deallocate(); potentials.deallocate()
        }
        let threads = self.threads

        /// distances[i, r·T + m] = ‖xᵢ − candidate(r, m)‖² for m < count, and per-slot potentials
        /// Σᵢ min(closest[r, i], that distance) (closest is +∞ at the first step).
        func distancesToCandidates(count: Int) {
            parallelFor(chunks: partition.slotCount, threads: threads) { s in
                let range = partition.range(s)
                let pots = potentials + s * columnsTotal
                pots.update(repeating: 0, count: columnsTotal)
                let slotScratch = scratch + s * batchedBlockRows * groupSize * T
                var start = range.lowerBound
                while start < range.upperBound {
                    let rows = min(batchedBlockRows, range.upperBound - start)
                    var g = 0
                    while g < R {
                        let members = min(groupSize, R - g)
                        if count == T {
                            // Candidates of restarts g..<g+members are contiguous rows: one GEMM.
                            BLAS.sgemm(.noTranspose, .transpose, m: rows, n: members * T, k: d, alpha: -2,
                                       a: x + start * d, lda: d, b: candidates + g * T * d, ldb: d, beta: 0,
                                       c: slotScratch, ldc: members * T)
                        } else {
                            // First step: one candidate per restart, stored with stride T.
                            for q in 0..<members {
                                BLAS.sgemm(.noTranspose, .transpose, m: rows, n: count, k: d, alpha: -2,
                                           a: x + start * d, lda: d, b: candidates + (g + q) * T * d, ldb: d, beta: 0,
                                           c: slotScratch + q * count, ldc: members * count)
                            }
                        }
                        let ldc = members * count
                        for row in 0..<rows {
                            let i = start + row
                            let xn = pointNorms[i]
                            for q in 0..<members {
                                let r = g + q
                                let cl = closest[r * n + i]
                                for m in 0..<count {
                                    let dist = max(0, xn + slotScratch[row * ldc + q * count + m] + candidateNorms[r * T + m])
                                    distances[i * columnsTotal + r * T + m] = dist
                                    pots[r * T + m] += Double(min(cl, dist))
                                }
                            }
                        }
                        g += members
                    }
                    start += rows
                }
            }
        }

        var rngs = (0..<R).map { SplitMix64.derived(from: seed, stream: UInt64(firstRestart + $0)) }
        var potential = [Double](repeating: 0, count: R)
        for r in 0..<R {
            let first = rngs[r].nextInt(below: n)
            (centers + r * k * d).update(from: x + first * d, count: d)
            (candidates + r * T * d).update(from: x + first * d, count: d)
            candidateNorms[r * T] = pointNorms[first]
        }
        closest.update(repeating: .infinity, count: R * n)
        distancesToCandidates(count: 1)
        for r in 0..<R {
            var p = 0.0
            for i in 0..<n {
                let dist = distances[i * columnsTotal + r * T]
                closest[r * n + i] = dist
                p += Double(dist)
            }
            potential[r] = p
        }

        var ids = [Int](repeating: 0, count: R * T)
        for c in 1..<max(1, k) {
            for r in 0..<R {
                // Draw candidates by inverse transform on the cumulative sum of D (np.searchsorted, left).
                for m in 0..<T { ids[r * T + m] = n - 1 }
                var targets = (0..<T).map { _ in rngs[r].nextDouble() * potential[r] }
                var order = Array(0..<T); order.sort { targets[$0] < targets[$1] }
                targets = order.map { targets[$0] }
                var cumulative = 0.0, t = 0
                let cl = closest + r * n
                for i in 0..<n where t < T {
                    cumulative += Double(cl[i])
                    while t < T, cumulative >= targets[t] { ids[r * T + order[t]] = i; t += 1 }
                }
                for m in 0..<T {
                    let id = ids[r * T + m]
                    (candidates + (r * T + m) * d).update(from: x + id * d, count: d)
                    candidateNorms[r * T + m] = pointNorms[id]
                }
            }
            distancesToCandidates(count: T)
            var bestTrial = [Int](repeating: 0, count: R)
            for r in 0..<R {
                var pots = [Double](repeating: 0, count: T)
                for s in 0..<partition.slotCount { for m in 0..<T { pots[m] += potentials[s * columnsTotal + r * T + m] } }
                var best = 0
                for m in 1..<T where pots[m] < pots[best] { best = m }
                bestTrial[r] = best
                potential[r] = pots[best]
                (centers + (r * k + c) * d).update(from: x + ids[r * T + best] * d, count: d)
            }
            bestTrial.withUnsafeBufferPointer { bestTrial in
                let bestTrial = UnsafeSendableBox(bestTrial)
                parallelFor(chunks: partition.slotCount, threads: threads) { s in
                    for i in partition.range(s) {
                        for r in 0..<R {
                            let dist = distances[i * columnsTotal + r * T + bestTrial.value[r]]
                            if dist < closest[r * n + i] { closest[r * n + i] = dist }
                        }
                    }
                }
            }
        }
    }
}
