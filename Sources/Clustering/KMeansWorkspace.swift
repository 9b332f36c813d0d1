// Buffers of one k-means fit, allocated once and reused by every restart and iteration
// (sklearn `_kmeans_single_lloyd`: "Buffers to avoid new allocations at each iteration").
// Raw allocations are owned by this class and freed in `deinit`; slots write disjoint parts.
import MicseSupport

/// Scratch and partial sums of one row slot.
final class SlotBuffers: @unchecked Sendable {
    let scratch: UnsafeMutablePointer<Float>       // blockRows × max(k, trials): GEMM output
    let gather: UnsafeMutablePointer<Float>        // blockRows × d: rows gathered for a GEMM
    let gatherNorms: UnsafeMutablePointer<Float>   // blockRows
    let gatherIndex: UnsafeMutablePointer<Int>     // blockRows
    let best: UnsafeMutablePointer<Int32>          // blockRows
    let bestDistance: UnsafeMutablePointer<Float>  // blockRows
    let secondDistance: UnsafeMutablePointer<Float> // blockRows
    let deltaSums: UnsafeMutablePointer<Double>    // k × d: Σ x of points that joined − that left
    let deltaCounts: UnsafeMutablePointer<Int>     // k
    let potentials: UnsafeMutablePointer<Double>   // trials: k-means++ candidate potentials
    var changed = 0
    var inertia = 0.0
    var distanceCount = 0
    let k: Int, d: Int

    init(clusterCount k: Int, dimension d: Int, trials: Int) {
        self.k = k; self.d = d
        let b = kmeansBlockRows
        scratch = .allocate(capacity: b * max(k, trials))
        gather = .allocate(capacity: b * d)
        gatherNorms = .allocate(capacity: b)
        gatherIndex = .allocate(capacity: b)
        best = .allocate(capacity: b)
        bestDistance = .allocate(capacity: b)
        secondDistance = .allocate(capacity: b)
        deltaSums = .allocate(capacity: k * d)
        deltaCounts = .allocate(capacity: k)
        potentials = .allocate(capacity: max(1, trials))
    }

    func resetDeltas() {
        deltaSums.update(repeating: 0, count: k * d)
        deltaCounts.update(repeating: 0, count: k)
        changed = 0; inertia = 0; distanceCount = 0
    }

    deinit {
        scratch.deallocate(); gather.deallocate(); gatherNorms.deallocate(); gatherIndex.deallocate()
        best.deallocate(); bestDistance.deallocate(); secondDistance.deallocate()
        deltaSums.deallocate(); deltaCounts.deallocate(); potentials.deallocate()
    }
}

/// All buffers of a fit over data x (n, d) with k clusters.
final class KMeansWorkspace: @unchecked Sendable {
    let n: Int, d: Int, k: Int
    let x: UnsafePointer<Float>
    let partition: RowPartition
    let threads: Int
    let trials: Int
    /// Slack on squared distances from the GEMM expansion (float cancellation), used to keep
    /// Hamerly's bounds conservative: upper = √(d² + slack), lower = √(max(0, d² − slack)).
    let slack: Float

    let pointNorms: UnsafeMutablePointer<Float>     // n
    let labels: UnsafeMutablePointer<Int32>         // n
    let upper: UnsafeMutablePointer<Float>          // n: Hamerly upper bound to the assigned centre
    let lower: UnsafeMutablePointer<Float>          // n: Hamerly lower bound to any other centre
    let closest: UnsafeMutablePointer<Float>        // n: k-means++ squared distance to nearest chosen centre
    let candidateDistances: UnsafeMutablePointer<Float> // n × trials
    let centers: UnsafeMutablePointer<Float>        // k × d
    let oldCenters: UnsafeMutablePointer<Float>     // k × d
    let centerNorms: UnsafeMutablePointer<Float>    // k
    let candidates: UnsafeMutablePointer<Float>     // trials × d
    let candidateNorms: UnsafeMutablePointer<Float> // trials
    let sums: UnsafeMutablePointer<Double>          // k × d
    let counts: UnsafeMutablePointer<Int>           // k
    let shifts: UnsafeMutablePointer<Double>        // k: ‖c_new − c_old‖
    let halfSeparation: UnsafeMutablePointer<Float> // k: ½ min_{j'≠j} ‖c_j − c_j'‖
    let slots: [SlotBuffers]

    init(x: UnsafePointer<Float>, rows n: Int, dimension d: Int, clusterCount k: Int, threads: Int) {
        self.x = x; self.n = n; self.d = d; self.k = k
        self.threads = threads
        partition = RowPartition(pointCount: n)
        trials = 2 + Int(log(Double(k)))
        pointNorms = .allocate(capacity: n)
        labels = .allocate(capacity: n)
        upper = .allocate(capacity: n)
        lower = .allocate(capacity: n)
        closest = .allocate(capacity: n)
        candidateDistances = .allocate(capacity: n * trials)
        centers = .allocate(capacity: k * d)
        oldCenters = .allocate(capacity: k * d)
        centerNorms = .allocate(capacity: k)
        candidates = .allocate(capacity: trials * d)
        candidateNorms = .allocate(capacity: trials)
        sums = .allocate(capacity: k * d)
        counts = .allocate(capacity: k)
        shifts = .allocate(capacity: k)
        halfSeparation = .allocate(capacity: k)
        slots = (0..<partition.slotCount).map { _ in SlotBuffers(clusterCount: k, dimension: d, trials: 2 + Int(log(Double(k)))) }

        let partition = self.partition, pointNorms = self.pointNorms
        parallelFor(chunks: partition.slotCount, threads: threads) { s in
            let r = partition.range(s)
            computeSquaredNorms(x + r.lowerBound * d, rows: r.count, dimension: d, into: pointNorms + r.lowerBound)
        }
        var maxNorm: Float = 0
        for i in 0..<n { maxNorm = max(maxNorm, pointNorms[i]) }
        slack = 4e-6 * Float(d).squareRoot() * maxNorm
    }

    /// Runs `body(slot, rows)` for every slot, in parallel.
    func forEachSlot(_ body: (SlotBuffers, Range<Int>) -> Void) {
        let slots = self.slots, partition = self.partition
        parallelFor(chunks: partition.slotCount, threads: threads) { s in body(slots[s], partition.range(s)) }
    }

    func updateCenterNorms() {
        computeSquaredNorms(centers, rows: k, dimension: d, into: centerNorms)
    }

    deinit {
        pointNorms.deallocate(); labels.deallocate(); upper.deallocate(); lower.deallocate()
        closest.deallocate(); candidateDistances.deallocate(); centers.deallocate(); oldCenters.deallocate()
        centerNorms.deallocate(); candidates.deallocate(); candidateNorms.deallocate()
        sums.deallocate(); counts.deallocate(); shifts.deallocate(); halfSeparation.deallocate()
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
