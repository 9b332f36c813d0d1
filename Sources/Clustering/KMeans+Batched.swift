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
// Determinism: rows are cut into the fixed `RowPartition` slots; every slot records, per restart,
// the points whose label changed in row order; the M-step of a restart folds the slots' changes
// in slot order, so results do not depend on the thread count. Which restarts share a GEMM
// depends only on the data and the seed.
import LinearAlgebra
import MicseSupport

/// Rows per GEMM block of the batched steps (at most). Larger than `kmeansBlockRows`: the stacked
/// centres are packed by sgemm once per call, so bigger blocks amortise that copy.
let batchedBlockRows = 1024

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

    init(restarts: Int, columnCap: Int) {
        scratch = .allocate(capacity: batchedBlockRows(columns: columnCap) * columnCap)
        changes = Array(repeating: [], count: restarts)
        inertia = Array(repeating: 0, count: restarts)
    }

    deinit { scratch.deallocate() }
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

    var phase: [BatchedRestartPhase]
    var iterations: [Int]
    var strict: [Bool]
    var converged: [Bool]
    var stats: [[KMeansIterationStats]]

    init(x: UnsafePointer<Float>, pointNorms: UnsafePointer<Float>, rows n: Int, dimension d: Int,
         clusterCount k: Int, restarts: Int, threads: Int) {
        self.x = x; self.pointNorms = pointNorms
        self.n = n; self.d = d; self.k = k; self.restartCount = restarts
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
        slots = (0..<partition.slotCount).map { _ in BatchedSlot(restarts: r, columnCap: columnCap) }
        phase = Array(repeating: .running, count: r)
        iterations = Array(repeating: 0, count: r)
        strict = Array(repeating: false, count: r)
        converged = Array(repeating: false, count: r)
        stats = Array(repeating: [], count: r)
    }

    deinit {
        centers.deallocate(); oldCenters.deallocate(); centerNorms.deallocate()
        packed.deallocate(); packedNorms.deallocate(); labels.deallocate()
        sums.deallocate(); counts.deallocate()
    }

    /// Runs every restart to convergence (or `maxIterations`) from the seeds in `centers`.
    func run(maxIterations: Int, tolerance: Double) {
        for r in 0..<restartCount {
            computeSquaredNorms(centers + r * k * d, rows: k, dimension: d, into: centerNorms + r * k)
        }
        while true {
            let active = (0..<restartCount).filter { phase[$0] != .done }
            if active.isEmpty { break }
            assignmentStep(active: active)
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
                stats[r].append(KMeansIterationStats(restart: r, iteration: iterations[r], inertia: o.inertia, centerShift: o.shift,
                                                     changedLabels: o.changed, distanceComputations: n * k,
                                                     relocatedClusters: o.relocated))
                iterations[r] += 1
                if o.changed == 0 && o.relocated == 0 {
                    strict[r] = true; converged[r] = true; phase[r] = .done
                } else if o.shift <= tolerance {
                    converged[r] = true; phase[r] = .finalPass
                } else if iterations[r] >= maxIterations {
                    phase[r] = .finalPass
                }
            }
        }
    }

    /// E-step of the active restarts: labels in place, changes and inertia per slot.
    func assignmentStep(active: [Int]) {
        let k = self.k, d = self.d
        for (p, r) in active.enumerated() {
            (packed + p * k * d).update(from: centers + r * k * d, count: k * d)
            (packedNorms + p * k).update(from: centerNorms + r * k, count: k)
        }
        let x = self.x, n = self.n, pointNorms = self.pointNorms, labels = self.labels
        let packed = self.packed, packedNorms = self.packedNorms
        let groupSize = restartsPerGroup, slots = self.slots, partition = self.partition
        let blockRows = batchedBlockRows(columns: groupSize * k)
        parallelFor(chunks: partition.slotCount, threads: threads) { s in
            let slot = slots[s], range = partition.range(s)
            for r in active { slot.changes[r].removeAll(keepingCapacity: true); slot.inertia[r] = 0 }
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
    struct StepOutcome { var changed = 0, relocated = 0, inertia = 0.0, shift = 0.0 }

    /// M-step of one running restart: folds the slots' label changes into its sums (slot order),
    /// relocates empty clusters, recomputes the centres. Touches only restart `r`'s buffers.
    func updateStep(restart r: Int) -> StepOutcome {
        let k = self.k, d = self.d
        let sums = self.sums + r * k * d, counts = self.counts + r * k
        let centers = self.centers + r * k * d, oldCenters = self.oldCenters + r * k * d
        var changed = 0, inertia = 0.0
        for slot in slots {
            inertia += slot.inertia[r]
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
        }
        computeSquaredNorms(centers, rows: k, dimension: d, into: centerNorms + r * k)
        return StepOutcome(changed: changed, relocated: relocated, inertia: inertia, shift: shiftTotal)
    }

    /// Empty clusters of restart `r` take the points farthest from their centres (sklearn
    /// `_relocate_empty_clusters_dense`; see `KMeansWorkspace.relocateEmptyClusters`).
    func relocateEmptyClusters(restart r: Int) -> Int {
        let counts = self.counts + r * k
        let empty = (0..<k).filter { counts[$0] == 0 }
        guard !empty.isEmpty else { return 0 }
        let sums = self.sums + r * k * d, labels = self.labels + r * n, centers = self.centers + r * k * d
        _ = relocateToEmptyClusters(empty, x: x, centers: centers, sums: sums, counts: counts, labels: labels, n: n, d: d)
        return empty.count
    }

    /// Σᵢ ‖xᵢ − c_{label(i)}‖² of every restart in Double, reduced in slot order.
    func exactInertias() -> [Double] {
        let x = self.x, d = self.d, k = self.k, n = self.n, R = restartCount
        let centers = self.centers, labels = self.labels, partition = self.partition
        var partial = [Double](repeating: 0, count: partition.slotCount * R)
        partial.withUnsafeMutableBufferPointer { out in
            let out = UnsafeSendableBox(out)
            parallelFor(chunks: partition.slotCount, threads: threads) { s in
                for r in 0..<R {
                    out.value[s * R + r] = partialInertia(x, dimension: d, centers: centers + r * k * d,
                                                          labels: labels + r * n, range: partition.range(s))
                }
            }
        }
        return (0..<R).map { r in (0..<partition.slotCount).reduce(0.0) { $0 + partial[$1 * R + r] } }
    }
}
