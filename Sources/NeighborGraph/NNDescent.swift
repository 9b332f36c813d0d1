import Foundation
import LinearAlgebra
import MicseSupport

/// Approximate cosine kNN graph by NN-descent (W. Dong, M. Charikar & K. Li, "Efficient k-nearest
/// neighbor graph construction for generic similarity measures", WWW 2011), initialised from a
/// random-projection forest as pynndescent does (L. McInnes, pynndescent 0.7.0 `pynndescent_.py`:
/// `init_rp_tree`, `build_candidates_owner`, `process_candidates`).
///
/// Initial graph: every pair of points sharing a leaf of one of `treeCount` angular random-projection
/// trees (`RandomProjectionForest`, leaves of at most `leafSize` points), each leaf's dot products
/// taken by one GEMM; rows still short of k get random points.
///
/// Idea: a neighbour of a neighbour is likely a neighbour. Each iteration, for every point i:
///   1. candidates: the neighbours of i not yet joined ("new") and those already joined ("old"),
///      plus the reverse edges (points that list i), each list cut to `maxCandidates` entries by
///      random priority (the paper's sampling rate ρ = maxCandidates / k);
///   2. local join: every pair (p, q) with p, q ∈ new(i), or p ∈ new(i), q ∈ old(i), is compared,
///      and q is offered to p's list and p to q's if closer than their current k-th neighbour;
///   3. stop when fewer than δ·N·k list entries changed (δ = 0.001), or after `maxIterations`.
/// Old × old pairs were compared in an earlier iteration and are skipped (the "incremental search").
///
/// Distances are d = max(0, 1 − x̂ᵢ·x̂ⱼ) on the L2-normalised rows, as in `ExactCosineSearch`.
///
/// Parallelism and reproducibility: the local joins of a block of points run in parallel in a
/// fixed number of chunks and only *propose* updates (read-only on the lists); the proposals are
/// then applied by workers that each own a range of rows, in chunk order. Random choices come from
/// `seed` through per-tree streams and per-edge hashes. So the graph depends on the seed but not
/// on the thread count.
public enum NNDescent {
    /// What a run did, for benchmarks and logs.
    public struct Statistics: Sendable, Equatable {
        /// NN-descent iterations run.
        public var iterations = 0
        /// List entries changed per iteration.
        public var updates: [Int] = []
        /// Trees and leaf size used for the initial graph.
        public var treeCount = 0
        public var leafSize = 0
        /// Candidates sampled per point and iteration.
        public var maxCandidates = 0
    }

    /// The approximate graph of the rows of `data`.
    /// - Parameters:
    ///   - data: (N, D) row-major, finite (validated by `NearestNeighbors.build`), N ≥ 2.
    ///   - neighborCount: k, 1 ≤ k ≤ N − 1.
    public static func graph(_ data: Matrix, neighborCount k: Int, seed: UInt64, threads: Int? = nil,
                             parameters: NNDescentParameters = NNDescentParameters(),
                             progress: any ProgressReporter = SilentProgress()) -> KNNGraph {
        run(data, neighborCount: k, seed: seed, threads: threads, parameters: parameters, progress: progress).graph
    }

    /// `graph(…)` plus the statistics of the run.
    /// `progress` receives ("knn", rounds done, most rounds) after the forest and after each round.
    public static func run(_ data: Matrix, neighborCount k: Int, seed: UInt64, threads: Int? = nil,
                           parameters: NNDescentParameters = NNDescentParameters(),
                           progress: any ProgressReporter = SilentProgress()) -> (graph: KNNGraph, statistics: Statistics) {
        let n = data.rows, d = data.columns
        precondition(n >= 2 && k >= 1 && k < n, "NNDescent: need 1 ≤ k < N (k = \(k), N = \(n))")
        let threadCount = resolvedThreadCount(threads)
        var statistics = Statistics()
        statistics.treeCount = max(1, parameters.treeCount ?? max(8, min(12, Int((4 * log10(Double(n))).rounded()))))
        statistics.leafSize = max(2, parameters.leafSize ?? max(60, min(256, 5 * k)))
        statistics.maxCandidates = max(1, parameters.maxCandidates ?? max(k, 20))
        let maxIterations = max(0, parameters.maxIterations ?? max(5, Int(log2(Double(n)).rounded())))
        let stopBelow = parameters.delta * Double(n) * Double(k)

        let normalized = data.l2Normalized()
        let previousBLASThreads = BLAS.threadCount
        BLAS.setThreadCount(1)   // GEMMs run inside parallel chunks
        defer { BLAS.setThreadCount(previousBLASThreads) }
        let lists = NeighborLists.allocate(rows: n, k: k)
        defer { lists.deallocate() }
        normalized.withUnsafeBufferPointer { buffer in
            guard let x = buffer.baseAddress else { return }
            let forest = RandomProjectionForest.grow(x, n: n, dimension: d, treeCount: statistics.treeCount,
                                                     leafSize: statistics.leafSize, seed: seed, threads: threadCount)
            initialize(lists, from: forest, x: x, n: n, dimension: d, seed: seed, threads: threadCount)
            var join = LocalJoin(lists: lists, x: x, n: n, dimension: d, maxCandidates: statistics.maxCandidates,
                                 seed: seed, threads: threadCount, visitOrder: forest.orders.first ?? (0..<n).map { Int32($0) })
            defer { join.deallocate() }
            progress.progress(stage: "knn", done: 1, total: maxIterations + 1)
            for iteration in 0..<maxIterations {
                let changed = join.iterate(iteration)
                statistics.iterations += 1
                progress.progress(stage: "knn", done: iteration + 2, total: maxIterations + 1)
                statistics.updates.append(changed)
                if Double(changed) <= stopBelow { break }
            }
        }
        let graph = ExactCosineSearch.makeGraph(from: lists, rows: n)
        return (graph, statistics)
    }

    /// The initial graph: every pair of points sharing a leaf of some tree (proposed in parallel,
    /// applied by row owners, one tree at a time, as pynndescent's `init_rp_tree`), then random
    /// points for rows still short of k.
    private static func initialize(_ lists: NeighborLists, from forest: RandomProjectionForest, x: UnsafePointer<Float>,
                                   n: Int, dimension d: Int, seed: UInt64, threads: Int) {
        for tree in forest.orders.indices {
            let order = forest.orders[tree], starts = forest.leafStarts[tree]
            let leafCount = starts.count - 1
            let chunks = min(leafCount, 64)
            var proposals = [[ProposedUpdate]](repeating: [], count: chunks)
            proposals.withUnsafeMutableBufferPointer { slots in
                let shared = UnsafeSendableBox((x, slots))
                parallelFor(chunks: chunks, threads: threads) { chunk in
                    let (x, slots) = shared.value
                    var out: [ProposedUpdate] = []
                    // A leaf is a local join in which every member is new.
                    order.withUnsafeBufferPointer { order in
                        for leaf in chunkRange(chunk, of: chunks, count: leafCount) {
                            let start = Int(starts[leaf]), size = Int(starts[leaf + 1]) - start
                            guard size > 1 else { continue }
                            joinCandidates(order.baseAddress! + start, newCount: size, count: size, lists: lists,
                                           x: x, dimension: d, into: &out)
                        }
                    }
                    slots[chunk] = out
                }
            }
            _ = applyProposals(proposals, to: lists, n: n, threads: threads)
        }
        let chunks = min(n, 64)
        let shared = UnsafeSendableBox(x)
        parallelFor(chunks: chunks, threads: threads) { chunk in
            let x = shared.value
            for p in chunkRange(chunk, of: chunks, count: n) where lists.indices[p * lists.k + lists.k - 1] == .max {
                let xp = x + p * d
                var rng = SplitMix64.derived(from: seed ^ 0x5EED_F111, stream: UInt64(p))
                var attempts = 0
                while lists.indices[p * lists.k + lists.k - 1] == .max && attempts < 4 * lists.k {
                    attempts += 1
                    let q = rng.nextInt(below: n)
                    guard q != p, !lists.contains(row: p, index: Int32(q)) else { continue }
                    lists.offer(row: p, distance: max(0, 1 - dotProduct(xp, x + q * d, dimension: d)), index: Int32(q))
                }
                var q = 0   // very small N: fill with whatever is left, in order
                while lists.indices[p * lists.k + lists.k - 1] == .max && q < n {
                    if q != p && !lists.contains(row: p, index: Int32(q)) {
                        lists.offer(row: p, distance: max(0, 1 - dotProduct(xp, x + q * d, dimension: d)), index: Int32(q))
                    }
                    q += 1
                }
            }
        }
    }
}

/// A proposed graph change: q for p's list and p for q's, at `distance`.
struct ProposedUpdate { var p: Int32; var q: Int32; var distance: Float }

/// The local join of one point (Dong et al. 2011, Algorithm 2; pynndescent's
/// `generate_graph_update_array`): every pair (p, q) of `members` with p among the first `newCount`
/// ("new") and q after p is compared, and recorded if it would enter p's or q's list as they stand.
/// Pairs already listed both ways are not recorded.
///
/// Distances come eight at a time from `dotProducts` (two rows against four), straight from the
/// data rows. (A GEMM per join, after gathering the rows, was slower: OpenBLAS spends ~8 µs per
/// call on shapes like 20 × 20 × 384, and computes the whole square instead of the pairs.)
///
/// - Parameters:
///   - members: `count` point indices, the new ones first (a point may appear twice).
///   - x: (N, dimension) row-major unit vectors.
func joinCandidates(_ members: UnsafePointer<Int32>, newCount: Int, count: Int, lists: NeighborLists,
                    x: UnsafePointer<Float>, dimension d: Int, into out: inout [ProposedUpdate]) {
    precondition(newCount <= count)
    @inline(__always)
    func consider(_ p: Int, _ thresholdP: Float, _ q: Int, _ similarity: Float) {
        let distance = max(0, 1 - similarity)
        guard distance <= thresholdP || distance <= lists.threshold(q), p != q else { return }
        if lists.contains(row: p, index: Int32(q)) && lists.contains(row: q, index: Int32(p)) { return }
        out.append(ProposedUpdate(p: Int32(p), q: Int32(q), distance: distance))
    }
    @inline(__always) func row(_ b: Int) -> UnsafePointer<Float> { x + Int(members[b]) * d }
    var a = 0
    // Two new members at a time (p₀ = members[a], p₁ = members[a + 1]) against the members after
    // p₀, four at a time; p₁'s lanes at or before its own position are ignored.
    while a + 1 < newCount {
        let p0 = Int(members[a]), p1 = Int(members[a + 1])
        let threshold0 = lists.threshold(p0), threshold1 = lists.threshold(p1)
        var b = a + 1
        while b < count {
            // A short last group repeats its last member; the extra lanes are ignored.
            let lanes = min(4, count - b), last = b + lanes - 1
            let (first, second) = dotProducts(x + p0 * d, x + p1 * d, row(b), row(min(b + 1, last)),
                                              row(min(b + 2, last)), row(last), dimension: d)
            for lane in 0..<lanes {
                let q = Int(members[b + lane])
                consider(p0, threshold0, q, first[lane])
                if b + lane > a + 1 { consider(p1, threshold1, q, second[lane]) }
            }
            b += 4
        }
        a += 2
    }
    if a < newCount {
        let p = Int(members[a]), thresholdP = lists.threshold(p)
        var b = a + 1
        while b < count {
            let lanes = min(4, count - b), last = b + lanes - 1
            let similarities = dotProducts(x + p * d, row(b), row(min(b + 1, last)), row(min(b + 2, last)), row(last),
                                           dimension: d)
            for lane in 0..<lanes { consider(p, thresholdP, Int(members[b + lane]), similarities[lane]) }
            b += 4
        }
    }
}

/// Applies proposals (q to p's list and p to q's): each worker owns a range of rows and walks all
/// proposals in order, so the outcome does not depend on the thread count.
/// - Returns: how many list entries changed.
func applyProposals(_ proposals: [[ProposedUpdate]], to lists: NeighborLists, n: Int, threads: Int) -> Int {
    let workers = min(threads, n)
    var changedPerWorker = [Int](repeating: 0, count: workers)
    changedPerWorker.withUnsafeMutableBufferPointer { counts in
        let shared = UnsafeSendableBox((proposals, counts))
        parallelFor(chunks: workers, threads: workers) { worker in
            let (proposals, counts) = shared.value
            let owned = chunkRange(worker, of: workers, count: n)
            var changed = 0
            for chunk in proposals {
                for u in chunk {
                    let p = Int(u.p), q = Int(u.q)
                    if owned.contains(p), lists.offer(row: p, distance: u.distance, index: u.q) { changed += 1 }
                    if owned.contains(q), lists.offer(row: q, distance: u.distance, index: u.p) { changed += 1 }
                }
            }
            counts[worker] = changed
        }
    }
    return changedPerWorker.reduce(0, +)
}

/// One NN-descent iteration's buffers and steps (candidate sampling, local join, applying updates).
private struct LocalJoin {
    let lists: NeighborLists
    let x: UnsafePointer<Float>
    let n: Int, dimension: Int, maxCandidates: Int, seed: UInt64, threads: Int
    /// The points in the order their local joins run: the leaf order of the first tree. Points
    /// joined one after another then share most candidates, whose rows are still in cache (the data
    /// matrix itself is larger than the caches, and a join reads every candidate's row).
    let visitOrder: [Int32]
    /// (n, maxCandidates) sampled candidates with their priorities, and the counts.
    let newCandidates: UnsafeMutablePointer<Int32>, newPriorities: UnsafeMutablePointer<UInt64>, newCounts: UnsafeMutablePointer<Int32>
    let oldCandidates: UnsafeMutablePointer<Int32>, oldPriorities: UnsafeMutablePointer<UInt64>, oldCounts: UnsafeMutablePointer<Int32>
    /// Points joined per round: proposals are applied between rounds, which bounds their memory
    /// (pynndescent's block_size).
    static let blockSize = 16_384
    /// Fixed chunks per block, independent of the thread count.
    static let chunksPerBlock = 64

    init(lists: NeighborLists, x: UnsafePointer<Float>, n: Int, dimension: Int, maxCandidates: Int, seed: UInt64, threads: Int,
         visitOrder: [Int32]) {
        precondition(visitOrder.count == n)
        self.lists = lists; self.x = x; self.n = n; self.dimension = dimension; self.visitOrder = visitOrder
        self.maxCandidates = maxCandidates; self.seed = seed; self.threads = threads
        newCandidates = .allocate(capacity: n * maxCandidates); newPriorities = .allocate(capacity: n * maxCandidates)
        oldCandidates = .allocate(capacity: n * maxCandidates); oldPriorities = .allocate(capacity: n * maxCandidates)
        newCounts = .allocate(capacity: n); oldCounts = .allocate(capacity: n)
    }

    func deallocate() {
        newCandidates.deallocate(); newPriorities.deallocate(); newCounts.deallocate()
        oldCandidates.deallocate(); oldPriorities.deallocate(); oldCounts.deallocate()
    }

    /// One iteration. - Returns: the number of list entries changed.
    mutating func iterate(_ iteration: Int) -> Int {
        sampleCandidates(iteration)
        var changed = 0
        for blockStart in stride(from: 0, to: n, by: Self.blockSize) {
            let block = blockStart..<min(n, blockStart + Self.blockSize)
            let proposals = propose(block)
            changed += applyProposals(proposals, to: lists, n: n, threads: threads)
        }
        return changed
    }

    /// Step 1. Every edge i → j of the graph is a candidate for i (forward) and for j (reverse), in
    /// the new or old list by the edge's flag; each list keeps the `maxCandidates` edges of lowest
    /// random priority (pynndescent `new_build_candidates`). Then the forward edges that were
    /// sampled as new are marked old. Rows are owned by chunks, each scanning all edges in the same
    /// order (so a row's lists do not depend on the chunking): one chunk per thread, as every chunk
    /// pays for a full scan.
    private func sampleCandidates(_ iteration: Int) {
        let chunks = min(n, threads)
        let me = UnsafeSendableBox(self)
        parallelFor(chunks: chunks, threads: threads) { chunk in
            let s = me.value, k = s.lists.k, m = s.maxCandidates
            let owned = chunkRange(chunk, of: chunks, count: s.n)
            for i in owned { s.newCounts[i] = 0; s.oldCounts[i] = 0 }
            @inline(__always) func add(_ row: Int, _ candidate: Int32, _ priority: UInt64, _ isNew: Bool) {
                let items = (isNew ? s.newCandidates : s.oldCandidates) + row * m
                let priorities = (isNew ? s.newPriorities : s.oldPriorities) + row * m
                let counts = isNew ? s.newCounts : s.oldCounts
                let count = Int(counts[row])
                var worst = 0
                for c in 0..<count {
                    if items[c] == candidate { return }
                    if priorities[c] > priorities[worst] { worst = c }
                }
                if count < m {
                    items[count] = candidate; priorities[count] = priority; counts[row] = Int32(count + 1)
                } else if priority < priorities[worst] {
                    items[worst] = candidate; priorities[worst] = priority
                }
            }
            for i in 0..<s.n {
                for slot in (i * k)..<(i * k + k) {
                    let j = s.lists.indices[slot]
                    guard j != .max else { continue }
                    let isNew = s.lists.isNew[slot]
                    let priority = mixedHash(s.seed, UInt64(iteration), UInt64(min(i, Int(j))), UInt64(max(i, Int(j))))
                    if owned.contains(i) { add(i, j, priority, isNew) }
                    if owned.contains(Int(j)) { add(Int(j), Int32(i), priority, isNew) }
                }
            }
        }
        // Only after every chunk has read the flags: the forward edges sampled as new become old.
        parallelFor(chunks: chunks, threads: threads) { chunk in
            let s = me.value, k = s.lists.k, m = s.maxCandidates
            for i in chunkRange(chunk, of: chunks, count: s.n) {
                let items = s.newCandidates + i * m, count = Int(s.newCounts[i])
                for slot in (i * k)..<(i * k + k) where s.lists.isNew[slot] {
                    let j = s.lists.indices[slot]
                    for c in 0..<count where items[c] == j { s.lists.isNew[slot] = false; break }
                }
            }
        }
    }

    /// Step 2 for the points at positions `block` of `visitOrder`: the local joins, read-only on the lists. A pair is proposed
    /// only if it would enter at least one of the two lists as they stand.
    private func propose(_ block: Range<Int>) -> [[ProposedUpdate]] {
        let chunks = min(block.count, Self.chunksPerBlock)
        var proposals = [[ProposedUpdate]](repeating: [], count: chunks)
        proposals.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendableBox((self, slots))
            parallelFor(chunks: chunks, threads: threads) { chunk in
                let (s, slots) = shared.value
                let m = s.maxCandidates
                var out: [ProposedUpdate] = []
                let members = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * m)
                defer { members.deallocate() }
                for r in chunkRange(chunk, of: chunks, count: block.count) {
                    let i = Int(s.visitOrder[block.lowerBound + r])
                    let newCount = Int(s.newCounts[i]), oldCount = Int(s.oldCounts[i])
                    guard newCount > 0 else { continue }
                    members.update(from: s.newCandidates + i * m, count: newCount)
                    (members + newCount).update(from: s.oldCandidates + i * m, count: oldCount)
                    joinCandidates(members, newCount: newCount, count: newCount + oldCount, lists: s.lists,
                                   x: s.x, dimension: s.dimension, into: &out)
                }
                slots[chunk] = out
            }
        }
        return proposals
    }
}
