// All restarts of a fit iterated together (the `lloyd` algorithm): one pass over the data per
// iteration serves every restart still running, because the E-step of all of them is one GEMM
// against the stacked centres
//
//     X · [C₁ … C_R]ᵀ   (n, d) × (d, R·k),
//
// followed by a fused argmin over each restart's k columns of every row block. Each restart
// follows sklearn's `_kmeans_single_lloyd` rules on its own (see KMeans+Lloyd.swift): it stops
// when no label changed ("strict convergence") or when Σⱼ‖cⱼ(new) − cⱼ(old)‖² ≤ tol, and then
// takes one more E-step without M-step; a restart that stopped leaves the batch, so the GEMM
// narrows as restarts converge. Reading X once per iteration instead of once per restart and
// iteration is what makes small k cheap (the E-step is memory-bound there), and the wider GEMM
// (R·k columns instead of k) runs closer to the sgemm peak at large k.
//
// With Elkan bounds (the `elkan` algorithm, KMeans+BatchedElkan.swift), a restart's E-step is
// this dense one only while many of its labels change (and to initialise its bounds); later
// E-steps test each point's bounds and compute only the distances they cannot exclude.
//
// Restart pruning (`KMeansPruning`, `RestartRanking`): when the running restarts reach the pruning
// iteration, all restarts of the batch are ranked (with any of earlier batches) by their within-cluster sum of squares (the data's scatter minus
// Σⱼ ‖Sⱼ − nⱼμ‖²/nⱼ from the M-step's running sums Sⱼ, so free; a restart that already stopped
// counts with its last value) and the running ones below the `keep` best stop. All restarts of a batch iterate in
// lockstep, so they reach the pruning iteration together.
//
// Determinism: rows are cut into the fixed `RowPartition` slots; every slot records, per restart,
// the points whose label changed in row order; the M-step of a restart folds the slots' changes
// in slot order, so results do not depend on the thread count. Which restarts share a GEMM
// depends only on the data and the seed.
import LinearAlgebra
import MicseSupport

/// Rows per GEMM block of the batched steps (at most). Larger than `kmeansBlockRows`: the stacked
/// centres are packed by sgemm once per call, so bigger blocks amortise that copy.
let batchedBlockRows = 1024

/// Rows per block of the bounded E-step: all bounded restarts take a block in turn, so that its
/// rows are read from memory once per iteration for all of them (16 rows of 384 Floats: 24 KiB).
let boundedBlockRows = 16

/// A restart's E-step is dense while more than n / `denseStepDivisor` of its labels changed in the
/// previous one: measured on MiniLM embeddings (k = 20), bounded steps there compute under a
/// quarter of the distances (one at a time, without GEMM), which is where they start to pay.
let denseStepDivisor = 32

/// Rows per E-step block for `columns` GEMM columns: `batchedBlockRows`, fewer when the columns
/// are many, so that a slot's scratch stays at most 256 K Floats (1 MiB).
func batchedBlockRows(columns: Int) -> Int { max(16, min(batchedBlockRows, 262_144 / max(1, columns))) }

/// Per-slot buffers of the batched E-step.
final class BatchedSlot: @unchecked Sendable {
    /// blockRows × columnCap: −2 X·Cᵀ of one row block against one group of restarts.
    let scratch: UnsafeMutablePointer<Float>
    /// Per restart: (row, old label, new label) of the points whose label changed, in row order.
    var changes: [[SIMD3<Int32>]]
    /// Per restart: Σ squared distance to the nearest centre (GEMM expansion) of this pass.
    var inertia: [Double]
    /// Per restart: point–centre distances computed by this pass (bounded E-steps).
    var distances: [Int]
    /// Bounded E-steps: rows gathered for one GEMM (kmeansBlockRows × d), their indices, and
    /// their −2 X·Cᵀ (kmeansBlockRows × k).
    let gather: UnsafeMutablePointer<Float>
    let gatherIndex: UnsafeMutablePointer<Int>
    let gatherScratch: UnsafeMutablePointer<Float>

    init(restarts: Int, columnCap: Int, clusterCount k: Int, dimension d: Int, bounded: Bool) {
        scratch = .allocate(capacity: batchedBlockRows(columns: columnCap) * columnCap)
        changes = Array(repeating: [], count: restarts)
        inertia = Array(repeating: 0, count: restarts)
        distances = Array(repeating: 0, count: restarts)
        gather = .allocate(capacity: bounded ? kmeansBlockRows * d : 0)
        gatherIndex = .allocate(capacity: bounded ? kmeansBlockRows : 0)
        gatherScratch = .allocate(capacity: bounded ? kmeansBlockRows * k : 0)
    }

    deinit { scratch.deallocate(); gather.deallocate(); gatherIndex.deallocate(); gatherScratch.deallocate() }
}

/// State of one restart inside the batch.
enum BatchedRestartPhase { case running, finalPass, done }

/// Buffers and state of all restarts of a fit, (R, k, d) centres stacked restart after restart.
final class BatchedLloyd: @unchecked Sendable {
    let n: Int, d: Int, k: Int, restartCount: Int
    let x: UnsafePointer<Float>
    let pointNorms: UnsafePointer<Float>
    let partition: RowPartition
    let threads: Int
    /// Columns of one GEMM: whole restarts, at most max(k, 256) columns.
    let restartsPerGroup: Int

    let centers: UnsafeMutablePointer<Float>       // R × k × d
    let oldCenters: UnsafeMutablePointer<Float>    // R × k × d
    let centerNorms: UnsafeMutablePointer<Float>   // R × k
    let packed: UnsafeMutablePointer<Float>        // R × k × d: centres of the active restarts
    let packedNorms: UnsafeMutablePointer<Float>   // R × k
    let labels: UnsafeMutablePointer<Int32>        // R × n
    let sums: UnsafeMutablePointer<Double>         // R × k × d
    let counts: UnsafeMutablePointer<Int>          // R × k
    let slots: [BatchedSlot]
    /// Elkan bounds of every restart (`elkan` algorithm; KMeans+BatchedElkan.swift), nil for plain Lloyd.
    let bounds: BatchedElkanBounds?

    var phase: [BatchedRestartPhase]
    var iterations: [Int]
    var strict: [Bool]
    var converged: [Bool]
    var stats: [[KMeansIterationStats]]
    /// Labels changed by each restart's last E-step (n before the first).
    var lastChanged: [Int]
    /// Whether each restart's bounds hold for its current centres (false until a dense E-step
    /// computed them; bounded E-steps keep them valid).
    var boundsValid: [Bool]

    /// Restart pruning (`KMeansPruning`): after that many iterations only the restarts of lowest
    /// within-cluster sum of squares go on; nil runs every restart to its end (scikit-learn). With
    /// the data's moments, for those sums of squares.
    let pruning: (ranking: RestartRanking, moments: FeatureMoments)?
    /// Restarts stopped by the pruning (not candidates for the result).
    var pruned: [Bool]
    /// The sums of squares the pruning ranked (nil until it ran).
    var rankedSSE: [Double]?
    /// Each restart's within-cluster sum of squares after its last M-step (`StepOutcome.partitionSSE`).
    var partitionSSE: [Double]

    /// Restart r of this batch is restart `firstRestart + r` of the fit: it draws from that restart's
    /// random stream and its statistics carry that number (the fit runs its restarts in groups when
    /// their bounds do not fit together).
    let firstRestart: Int

    init(x: UnsafePointer<Float>, pointNorms: UnsafePointer<Float>, rows n: Int, dimension d: Int,
         clusterCount k: Int, restarts: Int, firstRestart: Int = 0, threads: Int, boundsSlack: Float? = nil,
         pruning: (ranking: RestartRanking, moments: FeatureMoments)? = nil) {
        self.x = x; self.pointNorms = pointNorms
        self.n = n; self.d = d; self.k = k; self.restartCount = restarts; self.firstRestart = firstRestart
        self.threads = threads
        partition = RowPartition(pointCount: n)
        restartsPerGroup = max(1, min(restarts, max(k, 256) / k))
        let r = restarts
        centers = .allocate(capacity: r * k * d)
        oldCenters = .allocate(capacity: r * k * d)
        centerNorms = .allocate(capacity: r * k)
        packed = .allocate(capacity: r * k * d)
        packedNorms = .allocate(capacity: r * k)
        labels = .allocate(capacity: r * n)
        labels.update(repeating: -1, count: r * n)
        sums = .allocate(capacity: r * k * d)
        sums.update(repeating: 0, count: r * k * d)
        counts = .allocate(capacity: r * k)
        counts.update(repeating: 0, count: r * k)
        let columnCap = restartsPerGroup * k
        slots = (0..<partition.slotCount).map { _ in
            BatchedSlot(restarts: r, columnCap: columnCap, clusterCount: k, dimension: d, bounded: boundsSlack != nil)
        }
        bounds = boundsSlack.map { BatchedElkanBounds(rows: n, clusterCount: k, restarts: r, slack: $0) }
        phase = Array(repeating: .running, count: r)
        iterations = Array(repeating: 0, count: r)
        strict = Array(repeating: false, count: r)
        converged = Array(repeating: false, count: r)
        stats = Array(repeating: [], count: r)
        lastChanged = Array(repeating: n, count: r)
        boundsValid = Array(repeating: false, count: r)
        self.pruning = pruning
        pruned = Array(repeating: false, count: r)
        partitionSSE = Array(repeating: .infinity, count: r)
    }

    deinit {
        centers.deallocate(); oldCenters.deallocate(); centerNorms.deallocate()
        packed.deallocate(); packedNorms.deallocate(); labels.deallocate()
        sums.deallocate(); counts.deallocate()
    }

    /// Runs every restart to convergence (or `maxIterations`) from the seeds in `centers`; `finished` receives the
    /// number of restarts done after each iteration.
    func run(maxIterations: Int, tolerance: Double, finished: (Int) -> Void = { _ in }) {
        for r in 0..<restartCount {
            computeSquaredNorms(centers + r * k * d, rows: k, dimension: d, into: centerNorms + r * k)
        }
        while true {
            let active = (0..<restartCount).filter { phase[$0] != .done }
            finished(restartCount - active.count)
            if active.isEmpty { break }
            let dense = active.filter { usesDenseStep($0) }
            let filling = dense.filter { fillsBounds($0) }
            assignmentStep(dense: dense, filling: Set(filling), bounded: active.filter { !usesDenseStep($0) })
            if bounds != nil { for r in dense { boundsValid[r] = filling.contains(r) } }
            let running = active.filter { phase[$0] == .running }
            for r in active where phase[r] == .finalPass { phase[r] = .done }
            // M-steps in parallel over restarts (disjoint buffers), bookkeeping serially.
            var outcomes = [StepOutcome](repeating: StepOutcome(), count: running.count)
            outcomes.withUnsafeMutableBufferPointer { out in
                let out = UnsafeSendableBox(out)
                parallelFor(chunks: running.count, threads: threads) { m in out.value[m] = self.updateStep(restart: running[m]) }
            }
            for (m, r) in running.enumerated() {
                let o = outcomes[m]
                let wasDense = dense.contains(r)
                stats[r].append(KMeansIterationStats(restart: firstRestart + r, iteration: iterations[r], inertia: wasDense ? o.inertia : nil,
                                                     centerShift: o.shift, changedLabels: o.changed,
                                                     distanceComputations: wasDense ? n * k : o.distances,
                                                     relocatedClusters: o.relocated))
                lastChanged[r] = o.changed
                partitionSSE[r] = o.partitionSSE
                iterations[r] += 1
                if o.changed == 0 && o.relocated == 0 {
                    strict[r] = true; converged[r] = true; phase[r] = .done
                } else if o.shift <= tolerance {
                    converged[r] = true; phase[r] = .finalPass
                } else if iterations[r] >= maxIterations {
                    phase[r] = .finalPass
                }
            }
            if let ranking = pruning?.ranking, let r = running.first, iterations[r] == ranking.rule.afterIterations {
                prune(by: ranking)
            }
        }
    }

    /// Ranks the batch's restarts (finished ones with their last value) and stops the running ones
    /// that do not go on.
    func prune(by ranking: RestartRanking) {
        rankedSSE = partitionSSE
        let going = ranking.rank((0..<restartCount).map { (partitionSSE[$0], firstRestart + $0) })
        for r in 0..<restartCount where phase[r] == .running && !going.contains(firstRestart + r) {
            phase[r] = .done
            pruned[r] = true
        }
    }

    /// Whether restart r's next E-step compares every point with every centre: always without
    /// bounds; with bounds, while more than n/`denseStepDivisor` labels changed in its last E-step
    /// (early iterations, where most bounds fail and the stacked GEMM is cheaper per distance) or
    /// while its bounds are not valid.
    func usesDenseStep(_ r: Int) -> Bool {
        bounds == nil || !boundsValid[r] || lastChanged[r] * denseStepDivisor > n
    }

    /// Whether a dense E-step of restart r also computes its bounds (n·k square roots): only when
    /// the bounded steps are near, i.e. fewer than 4n/`denseStepDivisor` labels changed last time.
    func fillsBounds(_ r: Int) -> Bool {
        bounds != nil && lastChanged[r] * denseStepDivisor <= 4 * n
    }

    /// E-step of the active restarts: labels in place, changes and inertia per slot. `dense`
    /// restarts compare every point with every centre (one stacked GEMM per row block, which also
    /// initialises their bounds when there are bounds); `bounded` ones use their Elkan bounds.
    func assignmentStep(dense active: [Int], filling: Set<Int>, bounded: [Int]) {
        let k = self.k, d = self.d
        for (p, r) in active.enumerated() {
            (packed + p * k * d).update(from: centers + r * k * d, count: k * d)
            (packedNorms + p * k).update(from: centerNorms + r * k, count: k)
        }
        let x = self.x, n = self.n, pointNorms = self.pointNorms, labels = self.labels
        let packed = self.packed, packedNorms = self.packedNorms
        let groupSize = restartsPerGroup, slots = self.slots, partition = self.partition
        let blockRows = batchedBlockRows(columns: groupSize * k)
        let bounds = self.bounds
        parallelFor(chunks: partition.slotCount, threads: threads) { s in
            let slot = slots[s], range = partition.range(s)
            for r in active + bounded {
                slot.changes[r].removeAll(keepingCapacity: true); slot.inertia[r] = 0; slot.distances[r] = 0
            }
            if let bounds {
                // Restarts inside the row loop: a block's rows stay in cache for all restarts.
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(start + boundedBlockRows, range.upperBound)
                    for r in bounded { self.boundedAssignment(restart: r, slot: slot, range: start..<end, bounds: bounds) }
                    start = end
                }
            }
            var start = range.lowerBound
            while start < range.upperBound {
                let rows = min(blockRows, range.upperBound - start)
                var g = 0
                while g < active.count {
                    let members = min(groupSize, active.count - g)
                    let columns = members * k
                    // Transposed product, (columns, rows) = −2 C·X_blockᵀ, so that the argmin
                    // runs down each centre's row for 16 points at a time.
                    BLAS.sgemm(.noTranspose, .transpose, m: columns, n: rows, k: d, alpha: -2,
                               a: packed + g * k * d, lda: d, b: x + start * d, ldb: d, beta: 0,
                               c: slot.scratch, ldc: rows)
                    for q in 0..<members {
                        let r = active[g + q]
                        let fill = filling.contains(r)
                        let norms = packedNorms + (g + q) * k
                        let restartLabels = labels + r * n
                        let block = slot.scratch + q * k * rows
                        var inertia = 0.0
                        var row = 0
                        while row < rows {
                            let lanes = min(16, rows - row)
                            var best = SIMD16<Float>(repeating: .infinity), arg = SIMD16<Int32>(repeating: 0)
                            if lanes == 16 {
                                for j in 0..<k {
                                    let v = UnsafeRawPointer(block + j * rows + row).loadUnaligned(as: SIMD16<Float>.self)
                                        + SIMD16(repeating: norms[j])
                                    let less = v .< best   // strict: the lowest index wins ties
                                    best.replace(with: v, where: less)
                                    arg.replace(with: Int32(j), where: less)
                                }
                            } else {
                                for lane in 0..<lanes {
                                    for j in 0..<k {
                                        let v = block[j * rows + row + lane] + norms[j]
                                        if v < best[lane] { best[lane] = v; arg[lane] = Int32(j) }
                                    }
                                }
                            }
                            if let bounds, fill {
                                fillElkanBounds(bounds, restart: r, firstRow: start + row, lanes: lanes, best: best,
                                                block: block + row, stride: rows, centerNorms: norms)
                            }
                            for lane in 0..<lanes {
                                let i = start + row + lane
                                inertia += Double(max(0, pointNorms[i] + best[lane]))
                                let old = restartLabels[i], new = arg[lane]
                                if old != new {
                                    slot.changes[r].append(SIMD3(Int32(i), old, new))
                                    restartLabels[i] = new
                                }
                            }
                            row += lanes
                        }
                        slot.inertia[r] += inertia
                    }
                    g += members
                }
                start += rows
            }
        }
    }

    /// What one M-step reports to the stopping rules.
    struct StepOutcome {
        var changed = 0, relocated = 0, inertia = 0.0, shift = 0.0, distances = 0
        /// Σᵢ ‖xᵢ − c_{label(i)}‖² of the new labels and the new centres (their means), from the
        /// running sums (`FeatureMoments.withinClusterSumOfSquares`); +∞ without pruning.
        var partitionSSE = Double.infinity
    }

    /// M-step of one running restart: folds the slots' label changes into its sums (slot order),
    /// relocates empty clusters, recomputes the centres. Touches only restart `r`'s buffers.
    func updateStep(restart r: Int) -> StepOutcome {
        let k = self.k, d = self.d
        let sums = self.sums + r * k * d, counts = self.counts + r * k
        let centers = self.centers + r * k * d, oldCenters = self.oldCenters + r * k * d
        var changed = 0, inertia = 0.0, distances = 0
        for slot in slots {
            inertia += slot.inertia[r]
            distances += slot.distances[r]
            for change in slot.changes[r] {
                let row = x + Int(change.x) * d
                if change.y >= 0 {
                    accumulate(row, into: sums, cluster: Int(change.y), dimension: d, sign: -1)
                    counts[Int(change.y)] -= 1
                }
                accumulate(row, into: sums, cluster: Int(change.z), dimension: d, sign: 1)
                counts[Int(change.z)] += 1
            }
            changed += slot.changes[r].count
        }
        oldCenters.update(from: centers, count: k * d)
        let relocated = relocateEmptyClusters(restart: r)
        var shiftTotal = 0.0
        for j in 0..<k {
            let c = centers + j * d, s = sums + j * d
            if counts[j] > 0 {
                let inverse = 1 / Double(counts[j])
                for t in 0..<d { c[t] = Float(s[t] * inverse) }
            }
            let shift = squaredDistanceDouble(c, oldCenters + j * d, dimension: d)
            shiftTotal += shift
            // Rounded up: the bounds are loosened by at least the true shift.
            bounds?.shifts[r * k + j] = Float(shift.squareRoot()).nextUp
        }
        computeSquaredNorms(centers, rows: k, dimension: d, into: centerNorms + r * k)
        bounds?.updateCenterDistances(restart: r, centers: centers, dimension: d)
        let sse = pruning?.moments.withinClusterSumOfSquares(sums: sums, counts: counts, clusterCount: k) ?? .infinity
        return StepOutcome(changed: changed, relocated: relocated, inertia: inertia, shift: shiftTotal, distances: distances,
                           partitionSSE: sse)
    }

    /// Empty clusters of restart `r` take the points farthest from their centres (sklearn
    /// `_relocate_empty_clusters_dense`; see `KMeansWorkspace.relocateEmptyClusters`).
    func relocateEmptyClusters(restart r: Int) -> Int {
        let counts = self.counts + r * k
        let empty = (0..<k).filter { counts[$0] == 0 }
        guard !empty.isEmpty else { return 0 }
        let sums = self.sums + r * k * d, labels = self.labels + r * n, centers = self.centers + r * k * d
        let moved = relocateToEmptyClusters(empty, x: x, centers: centers, sums: sums, counts: counts, labels: labels, n: n, d: d)
        if let bounds {
            // A moved point's bounds no longer refer to its centre: force its exact reassignment.
            for i in moved {
                bounds.upper[r * n + i] = .infinity
                (bounds.lower + (r * n + i) * k).update(repeating: 0, count: k)
            }
        }
        return empty.count
    }

    /// Σᵢ ‖xᵢ − c_{label(i)}‖² of every restart in Double, reduced in slot order; for a pruned restart
    /// the sum of squares the pruning ranked (the same quantity, from the running sums).
    func exactInertias() -> [Double] {
        let x = self.x, d = self.d, k = self.k, n = self.n, R = restartCount
        let centers = self.centers, labels = self.labels, partition = self.partition
        let measured = (0..<R).filter { !pruned[$0] }
        var partial = [Double](repeating: 0, count: partition.slotCount * R)
        partial.withUnsafeMutableBufferPointer { out in
            let out = UnsafeSendableBox(out)
            parallelFor(chunks: partition.slotCount, threads: threads) { s in
                for r in measured {
                    out.value[s * R + r] = partialInertia(x, dimension: d, centers: centers + r * k * d,
                                                          labels: labels + r * n, range: partition.range(s))
                }
            }
        }
        return (0..<R).map { r in
            pruned[r] ? partitionSSE[r] : (0..<partition.slotCount).reduce(0.0) { $0 + partial[$1 * R + r] }
        }
    }
}
