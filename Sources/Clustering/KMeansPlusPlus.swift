// k-means++ seeding, greedy variant (Arthur & Vassilvitskii 2007, "k-means++: the advantages of
// careful seeding", SODA; greedy trials as in scikit-learn `_kmeans_plusplus`,
// sklearn/cluster/_kmeans.py):
//
//   c₁ = a uniformly chosen point; D(x) = min over chosen centres of ‖x − c‖².
//   For each further centre: draw 2 + ⌊ln k⌋ candidates with probability D(x)/Σ D (sklearn:
//   "Arthur and Vassilvitskii ... n_local_trials = 2 + log(k)"), compute for each candidate the
//   potential Σₓ min(D(x), ‖x − cand‖²), keep the candidate of lowest potential.
//
// Candidate distances for a block of rows are one GEMM (rows × trials); per-slot potentials are
// reduced in slot order. Prior validation assumed (n ≥ k ≥ 1, finite values).
import LinearAlgebra
import MicseSupport

extension KMeansWorkspace {
    /// Fills `centers` with k-means++ seeds drawn from `rng`.
    func seedKMeansPlusPlus(rng: inout SplitMix64) {
        let first = rng.nextInt(below: n)
        centers.update(from: x + first * d, count: d)
        // D(x) to the first centre (one "candidate").
        closest.update(repeating: .infinity, count: n)
        candidates.update(from: x + first * d, count: d)
        candidateNorms[0] = pointNorms[first]
        distancesToCandidates(count: 1)
        for i in 0..<n { closest[i] = candidateDistances[i * trials] }
        var potential = 0.0
        for i in 0..<n { potential += Double(closest[i]) }

        for c in 1..<k {
            // Draw candidates by inverse transform on the cumulative sum of D (np.searchsorted, left).
            var ids = [Int](repeating: n - 1, count: trials)
            var targets = (0..<trials).map { _ in rng.nextDouble() * potential }
            var order = Array(0..<trials); order.sort { targets[$0] < targets[$1] }
            targets = order.map { targets[$0] }
            var cumulative = 0.0, t = 0
            for i in 0..<n where t < trials {
                cumulative += Double(closest[i])
                while t < trials, cumulative >= targets[t] { ids[order[t]] = i; t += 1 }
            }
            for (m, id) in ids.enumerated() {
                (candidates + m * d).update(from: x + id * d, count: d)
                candidateNorms[m] = pointNorms[id]
            }
            distancesToCandidates(count: trials)
            // Potential of each candidate, reduced over slots in order.
            var pots = [Double](repeating: 0, count: trials)
            for slot in slots { for m in 0..<trials { pots[m] += slot.potentials[m] } }
            var bestTrial = 0
            for m in 1..<trials where pots[m] < pots[bestTrial] { bestTrial = m }
            potential = pots[bestTrial]
            for i in 0..<n { closest[i] = min(closest[i], candidateDistances[i * trials + bestTrial]) }
            (centers + c * d).update(from: x + ids[bestTrial] * d, count: d)
        }
    }

    /// candidateDistances[i, m] = ‖xᵢ − candidate m‖² for m < count, and per-slot potentials
    /// Σᵢ min(closest[i], that distance) (only meaningful after `closest` is set).
    private func distancesToCandidates(count: Int) {
        let x = self.x, d = self.d, trials = self.trials
        let pointNorms = self.pointNorms, candidates = self.candidates, candidateNorms = self.candidateNorms
        let closest = self.closest, out = self.candidateDistances
        forEachSlot { slot, range in
            for m in 0..<count { slot.potentials[m] = 0 }
            var start = range.lowerBound
            while start < range.upperBound {
                let rows = min(kmeansBlockRows, range.upperBound - start)
                BLAS.sgemm(.noTranspose, .transpose, m: rows, n: count, k: d, alpha: -2,
                           a: x + start * d, lda: d, b: candidates, ldb: d, beta: 0, c: slot.scratch, ldc: count)
                for r in 0..<rows {
                    let i = start + r
                    for m in 0..<count {
                        let dist = max(0, pointNorms[i] + slot.scratch[r * count + m] + candidateNorms[m])
                        out[i * trials + m] = dist
                        slot.potentials[m] += Double(min(closest[i], dist))
                    }
                }
                start += rows
            }
        }
    }
}
