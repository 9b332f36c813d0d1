// One k-means restart: Lloyd iterations (Lloyd 1982, "Least squares quantization in PCM") with
// scikit-learn's stopping rules (`_kmeans_single_lloyd`, sklearn/cluster/_kmeans.py):
//
//   for t in 0..<maxIterations:
//       E-step: label each point with its nearest centre
//       M-step: each centre ← mean of its points; empty clusters relocated (`relocateEmptyClusters`)
//       stop ("strict convergence") if no label changed;
//       else stop if Σⱼ ‖cⱼ(new) − cⱼ(old)‖² ≤ tol (tol already scaled by the data variance)
//   unless strictly converged, one more E-step "so that predicted labels match cluster centers".
//
// The E-step is either a full GEMM pass (`lloyd`) or Hamerly's bounded pass (Hamerly 2010,
// "Making k-means even faster", SDM): per point an upper bound u on the distance to its centre
// and a lower bound l on the distance to every other centre. With s(j) = ½ min_{j'≠j} ‖cⱼ − cⱼ'‖,
// a point keeps its label if u ≤ max(s(a), l); otherwise u is tightened to the exact distance and,
// if still larger, the point's distances to all centres are computed (gathered into GEMM blocks).
// After centres move by pⱼ: u += p(a), l −= max_{j≠a} pⱼ. (Elkan's bounds run batched, in
// KMeans+BatchedElkan.swift: a restart whose bounds fit is a group of one there.)
//
// Centre sums are kept in Double and updated incrementally from the points whose label changed
// (per-slot deltas reduced in slot order), so an iteration costs O(changed · d) beyond the E-step.
import LinearAlgebra
import MicseSupport

/// The outcome of one restart (labels and centres stay in the workspace).
struct RestartOutcome {
    var inertia: Double
    var iterations: Int
    var strictlyConverged: Bool
    var converged: Bool
    var stats: [KMeansIterationStats]
    /// Stopped by the restart pruning (`inertia` is then its sum of squares at that iteration).
    var pruned = false
}

extension KMeansWorkspace {
    /// Runs Lloyd iterations from the centres in `centers`, every distance (`lloyd`) or with Hamerly's bounds;
    /// with `pruning`, ranks the restart at the pruning iteration against the restarts before it and stops it
    /// there unless it goes on.
    func runLloyd(restart: Int, maxIterations: Int, tolerance: Double, algorithm: KMeansAlgorithm,
                  pruning: (ranking: RestartRanking, moments: FeatureMoments)? = nil) -> RestartOutcome {
        precondition(algorithm != .elkan, "Elkan's bounds run batched (BatchedLloyd)")
        labels.update(repeating: -1, count: n)
        sums.update(repeating: 0, count: k * d)
        counts.update(repeating: 0, count: k)
        updateCenterNorms()
        let hamerly = algorithm == .hamerly
        var stats: [KMeansIterationStats] = []
        var strict = false, converged = false
        var iteration = 0
        while iteration < maxIterations {
            let bounded = hamerly && iteration > 0
            if bounded { computeHalfSeparations() }
            assignmentStep(bounded: bounded)
            let changed = slots.reduce(0) { $0 + $1.changed }
            let distanceCount = slots.reduce(0) { $0 + $1.distanceCount }
            let inertia: Double? = bounded ? nil : slots.reduce(0.0) { $0 + $1.inertia }
            oldCenters.update(from: centers, count: k * d)
            let relocated = updateStep(loosenBounds: hamerly)
            var shiftTotal = 0.0
            for j in 0..<k { shiftTotal += shifts[j] * shifts[j] }
            stats.append(KMeansIterationStats(restart: restart, iteration: iteration, inertia: inertia, centerShift: shiftTotal,
                                              changedLabels: changed, distanceComputations: distanceCount, relocatedClusters: relocated))
            iteration += 1
            if changed == 0 && relocated == 0 { strict = true; converged = true; break }
            if shiftTotal <= tolerance { converged = true; break }
            if let pruning, iteration == pruning.ranking.rule.afterIterations, iteration < maxIterations {
                let sse = pruning.moments.withinClusterSumOfSquares(sums: sums, counts: counts, clusterCount: k)
                if pruning.ranking.rank([(sse, restart)]).isEmpty {
                    return RestartOutcome(inertia: sse, iterations: iteration, strictlyConverged: false, converged: false,
                                          stats: stats, pruned: true)
                }
            }
        }
        if let pruning, iteration <= pruning.ranking.rule.afterIterations {
            // Finished by the pruning iteration, before its ranking: ranked with its final sum of squares.
            pruning.ranking.record([(pruning.moments.withinClusterSumOfSquares(sums: sums, counts: counts, clusterCount: k), restart)])
        }
        if !strict {
            // Final E-step so that labels match the centres (sklearn runs lloyd_iter with update_centers=False).
            if hamerly { computeHalfSeparations() }
            assignmentStep(bounded: hamerly)
        }
        return RestartOutcome(inertia: exactInertia(), iterations: iteration, strictlyConverged: strict,
                              converged: converged, stats: stats)
    }

    /// E-step over all slots, every distance or (`bounded`) with Hamerly's bounds. Labels change in
    /// place; each slot records the Σx deltas of the points that changed cluster.
    func assignmentStep(bounded: Bool) {
        let x = self.x, d = self.d, k = self.k, slack = self.slack
        let labels = self.labels, upper = self.upper, lower = self.lower, pointNorms = self.pointNorms
        let centers = self.centers, centerNorms = self.centerNorms, halfSeparation = self.halfSeparation
        forEachSlot { slot, range in
            slot.resetDeltas()
            /// Applies the GEMM results of `rows` rows whose point indices are `index(r)`.
            func apply(rows: Int, index: (Int) -> Int) {
                for r in 0..<rows {
                    let i = index(r)
                    let new = slot.best[r], old = labels[i]
                    slot.inertia += Double(slot.bestDistance[r])
                    upper[i] = (slot.bestDistance[r] + slack).squareRoot()
                    lower[i] = max(0, slot.secondDistance[r] - slack).squareRoot()
                    if new != old {
                        slot.changed += 1
                        if old >= 0 {
                            accumulate(x + i * d, into: slot.deltaSums, cluster: Int(old), dimension: d, sign: -1)
                            slot.deltaCounts[Int(old)] -= 1
                        }
                        accumulate(x + i * d, into: slot.deltaSums, cluster: Int(new), dimension: d, sign: 1)
                        slot.deltaCounts[Int(new)] += 1
                        labels[i] = new
                    }
                }
                slot.distanceCount += rows * k
            }
            if !bounded {
                var start = range.lowerBound
                while start < range.upperBound {
                    let rows = min(kmeansBlockRows, range.upperBound - start)
                    nearestCenters(block: x + start * d, rowCount: rows, dimension: d, blockNorms: pointNorms + start,
                                   centers: centers, centerNorms: centerNorms, clusterCount: k, scratch: slot.scratch,
                                   best: slot.best, bestDistance: slot.bestDistance, secondDistance: slot.secondDistance)
                    let base = start
                    apply(rows: rows) { base + $0 }
                    start += rows
                }
                return
            }
            var gathered = 0
            func flush() {
                guard gathered > 0 else { return }
                nearestCenters(block: slot.gather, rowCount: gathered, dimension: d, blockNorms: slot.gatherNorms,
                               centers: centers, centerNorms: centerNorms, clusterCount: k, scratch: slot.scratch,
                               best: slot.best, bestDistance: slot.bestDistance, secondDistance: slot.secondDistance)
                apply(rows: gathered) { slot.gatherIndex[$0] }
                gathered = 0
            }
            for i in range {
                let a = Int(labels[i])
                let bound = max(halfSeparation[a], lower[i])
                if upper[i] <= bound { continue }
                // Tighten the upper bound with the exact distance to the assigned centre.
                let u = squaredDistance(x + i * d, centers + a * d, dimension: d).squareRoot()
                upper[i] = u
                if u <= bound { continue }
                (slot.gather + gathered * d).update(from: x + i * d, count: d)
                slot.gatherNorms[gathered] = pointNorms[i]
                slot.gatherIndex[gathered] = i
                gathered += 1
                if gathered == kmeansBlockRows { flush() }
            }
            flush()
            slot.inertia = 0
        }
    }

    /// M-step: folds the slot deltas into the cluster sums (slot order), relocates empty clusters,
    /// recomputes the centres and their shifts, and (Hamerly, `loosenBounds`) loosens the bounds by
    /// the shifts. Returns the number of relocated clusters.
    func updateStep(loosenBounds hamerly: Bool) -> Int {
        for slot in slots {
            for t in 0..<(k * d) { sums[t] += slot.deltaSums[t] }
            for j in 0..<k { counts[j] += slot.deltaCounts[j] }
        }
        let relocated = relocateEmptyClusters()
        for j in 0..<k {
            let c = centers + j * d, s = sums + j * d
            if counts[j] > 0 {
                let inverse = 1 / Double(counts[j])
                for t in 0..<d { c[t] = Float(s[t] * inverse) }
            }
            shifts[j] = squaredDistanceDouble(c, oldCenters + j * d, dimension: d).squareRoot()
        }
        updateCenterNorms()
        if hamerly { loosenBounds() }
        return relocated
    }

    /// Empty clusters take the points farthest from their centres (sklearn
    /// `_relocate_empty_clusters_dense`): the m-th empty cluster gets the m-th farthest point,
    /// which leaves its old cluster. Distances are to the centres used by the last E-step.
    /// Returns the number of clusters relocated.
    func relocateEmptyClusters() -> Int {
        let empty = (0..<k).filter { counts[$0] == 0 }
        guard !empty.isEmpty else { return 0 }
        let moved = relocateToEmptyClusters(empty, x: x, centers: centers, sums: sums, counts: counts, labels: labels, n: n, d: d)
        for far in moved {
            upper[far] = 0
            lower[far] = 0
        }
        return empty.count
    }

    /// s(j) = ½ min_{j'≠j} ‖cⱼ − cⱼ'‖ (+∞ when k = 1).
    func computeHalfSeparations() {
        for j in 0..<k { halfSeparation[j] = .infinity }
        for j in 0..<k {
            for j2 in (j + 1)..<max(j + 1, k) {
                let h = 0.5 * squaredDistance(centers + j * d, centers + j2 * d, dimension: d).squareRoot()
                halfSeparation[j] = min(halfSeparation[j], h)
                halfSeparation[j2] = min(halfSeparation[j2], h)
            }
        }
    }

    /// After the centres moved: u += p(a), l −= max_{j≠a} pⱼ.
    private func loosenBounds() {
        var first = 0
        for j in 1..<max(1, k) where shifts[j] > shifts[first] { first = j }
        var secondShift = 0.0
        for j in 0..<k where j != first { secondShift = max(secondShift, shifts[j]) }
        let maxShift = Float(shifts[first]), otherShift = Float(secondShift)
        let labels = self.labels, upper = self.upper, lower = self.lower, shifts = self.shifts
        forEachSlot { _, range in
            for i in range {
                let a = Int(labels[i])
                upper[i] += Float(shifts[a])
                lower[i] = max(0, lower[i] - (a == first ? otherShift : maxShift))
            }
        }
    }

    /// Σᵢ ‖xᵢ − c_{label(i)}‖² in Double, reduced in slot order.
    func exactInertia() -> Double {
        let x = self.x, d = self.d, centers = self.centers, labels = self.labels
        forEachSlot { slot, range in
            slot.inertia = partialInertia(x, dimension: d, centers: centers, labels: labels, range: range)
        }
        return slots.reduce(0.0) { $0 + $1.inertia }
    }
}
