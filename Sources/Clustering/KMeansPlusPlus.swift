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
//
// Pruning (triangle inequality, as in Elkan 2003 applied to seeding): with c(x) the chosen centre
// nearest to x, ‖x − cand‖ ≥ ‖cand − c(x)‖ − ‖x − c(x)‖, so if 4·D(x) ≤ ‖cand − c(x)‖² then
// ‖x − cand‖² ≥ D(x) and min(D(x), ‖x − cand‖²) = D(x) without computing it. Rows where every
// candidate is pruned are skipped; the others are gathered into GEMM blocks. Exact: the same
// seeds as without pruning (up to float rounding of distances that do not affect a minimum).
import LinearAlgebra
import MicseSupport

extension KMeansWorkspace {
    /// Fills `centers` with k-means++ seeds drawn from `rng`. Uses `labels` as scratch for the
    /// index of each point's nearest chosen centre.
    func seedKMeansPlusPlus(rng: inout SplitMix64) {
        let first = rng.nextInt(below: n)
        centers.update(from: x + first * d, count: d)
        // D(x) to the first centre (one "candidate", nothing pruned).
        closest.update(repeating: .infinity, count: n)
        labels.update(repeating: 0, count: n)
        candidates.update(from: x + first * d, count: d)
        candidateNorms[0] = pointNorms[first]
        distancesToCandidates(count: 1, candidateCenterDistances: nil)
        for i in 0..<n { closest[i] = candidateDistances[i * trials] }
        var potential = 0.0
        for i in 0..<n { potential += Double(closest[i]) }

        var separations = [Float](repeating: 0, count: trials * k)   // ‖cand m − centre j‖², (trials, k)
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
                for j in 0..<c {
                    separations[m * k + j] = squaredDistance(candidates + m * d, centers + j * d, dimension: d)
                }
            }
            separations.withUnsafeBufferPointer { distancesToCandidates(count: trials, candidateCenterDistances: $0.baseAddress) }
            // Potential of each candidate, reduced over slots in order.
            var pots = [Double](repeating: 0, count: trials)
            for slot in slots { for m in 0..<trials { pots[m] += slot.potentials[m] } }
            var bestTrial = 0
            for m in 1..<trials where pots[m] < pots[bestTrial] { bestTrial = m }
            potential = pots[bestTrial]
            for i in 0..<n {
                let dist = candidateDistances[i * trials + bestTrial]
                if dist < closest[i] { closest[i] = dist; labels[i] = Int32(c) }
            }
            (centers + c * d).update(from: x + ids[bestTrial] * d, count: d)
        }
    }

    /// candidateDistances[i, m] = ‖xᵢ − candidate m‖² for m < count (+∞ where pruned, i.e. known
    /// to be ≥ closest[i]), and per-slot potentials Σᵢ min(closest[i], that distance).
    ///
    /// - Parameter candidateCenterDistances: (trials, k) squared distances from each candidate to
    ///   the chosen centres (indexed by `labels[i]`), or nil to compute every distance.
    private func distancesToCandidates(count: Int, candidateCenterDistances: UnsafePointer<Float>?) {
        let x = self.x, d = self.d, k = self.k, trials = self.trials
        let pointNorms = self.pointNorms, candidates = self.candidates, candidateNorms = self.candidateNorms
        let closest = self.closest, out = self.candidateDistances, nearest = self.labels
        let separations = candidateCenterDistances.map { UnsafeSendableBox($0) }
        forEachSlot { slot, range in
            for m in 0..<count { slot.potentials[m] = 0 }
            var gathered = 0
            func flush() {
                guard gathered > 0 else { return }
                BLAS.sgemm(.noTranspose, .transpose, m: gathered, n: count, k: d, alpha: -2,
                           a: slot.gather, lda: d, b: candidates, ldb: d, beta: 0, c: slot.scratch, ldc: count)
                for r in 0..<gathered {
                    let i = slot.gatherIndex[r]
                    for m in 0..<count {
                        let dist = max(0, slot.gatherNorms[r] + slot.scratch[r * count + m] + candidateNorms[m])
                        out[i * trials + m] = dist
                        slot.potentials[m] += Double(min(closest[i], dist))
                    }
                }
                gathered = 0
            }
            for i in range {
                if let separations = separations?.value {
                    // Prune candidate m when 4·D(x) ≤ ‖cand m − c(x)‖² (1e-4 margin for rounding).
                    let bound = 4.0001 * closest[i]
                    let j = Int(nearest[i])
                    var anyNeeded = false
                    for m in 0..<count where bound > separations[m * k + j] { anyNeeded = true; break }
                    if !anyNeeded {
                        for m in 0..<count {
                            out[i * trials + m] = .infinity
                            slot.potentials[m] += Double(closest[i])
                        }
                        continue
                    }
                }
                (slot.gather + gathered * d).update(from: x + i * d, count: d)
                slot.gatherNorms[gathered] = pointNorms[i]
                slot.gatherIndex[gathered] = i
                gathered += 1
                if gathered == kmeansBlockRows { flush() }
            }
            flush()
        }
    }
}
