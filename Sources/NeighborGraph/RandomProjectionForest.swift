import MicseSupport

/// Random-projection trees for angular (cosine) data, the initialisation of NN-descent used by
/// pynndescent (`rp_trees.py`, `angular_random_projection_split`; Dasgupta & Freund 2008).
///
/// Each node picks two of its points at random, p and q, and splits its points by the side of the
/// hyperplane through the origin with normal x̂_p − x̂_q: side(x) = sign(x̂·(x̂_p − x̂_q)); points on
/// the plane (|margin| ≤ 1e-8) go to a side chosen by a hash of the seed, tree, level and point. A
/// split that leaves one side empty (identical points) cuts the node in half instead. Nodes of at
/// most `leafSize` points are leaves; points in one leaf are likely near neighbours.
///
/// Growth is breadth-first with all trees in lockstep, as pynndescent's leaf-only forest
/// (`make_hybrid_leaf_array`): per level, one pass over the data rows in memory order computes every
/// row's margin for every tree in which its node still splits. A depth-first build per tree reads
/// the whole (N, D) matrix once per tree and level in a random row order; the matrix does not fit in
/// cache (12,284 × 384 floats is 19 MB), so that pass was memory-bound and took a third of NN-descent.
struct RandomProjectionForest {
    /// Per tree, a permutation of 0..<N in which every leaf is a contiguous range.
    let orders: [[Int32]]
    /// Per tree, where its leaves start in `orders[tree]`, ascending, then N.
    let leafStarts: [[Int32]]

    /// Grows `treeCount` trees. Node (tree t, level l, i-th splitting node of that level) draws its
    /// two points from stream (t, l, i) of `seed`, and the partition is stable, so the forest depends
    /// on the seed only, not on the thread count.
    ///
    /// - Parameter data: (n, dimension) row-major unit vectors.
    static func grow(_ data: UnsafePointer<Float>, n: Int, dimension d: Int, treeCount: Int, leafSize: Int,
                     seed: UInt64, threads: Int) -> RandomProjectionForest {
        let leafSize = max(1, leafSize)
        var orders = [[Int32]](repeating: (0..<n).map { Int32($0) }, count: treeCount)
        var leaves = [[Int32]](repeating: [], count: treeCount)
        // Per tree, the nodes still to split at this level, as ranges of `orders[tree]`.
        var open = [[Range<Int>]](repeating: n > leafSize ? [0..<n] : [], count: treeCount)
        for tree in 0..<treeCount where n <= leafSize { leaves[tree] = [0] }
        // slot[tree·n + i]: the hyperplane of point i's node in `tree` at this level, −1 once in a leaf.
        var slot = [Int32](repeating: 0, count: treeCount * n)
        var goesLeft = [Bool](repeating: false, count: treeCount * n)
        var level = 0
        while open.contains(where: { !$0.isEmpty }) {
            let firstPlane = open.reduce(into: [0]) { $0.append($0.last! + $1.count) }
            let planes = UnsafeMutablePointer<Float>.allocate(capacity: firstPlane[treeCount] * d)
            defer { planes.deallocate() }
            // 1. Each splitting node's hyperplane normal x̂_p − x̂_q.
            for tree in 0..<treeCount {
                for (index, range) in open[tree].enumerated() {
                    var rng = SplitMix64.derived(from: seed, stream: UInt64(tree) << 48 | UInt64(level) << 32 | UInt64(index))
                    let count = range.count
                    let first = Int(orders[tree][range.lowerBound + rng.nextInt(below: count)])
                    var second = Int(orders[tree][range.lowerBound + rng.nextInt(below: count - 1)])
                    if second == first { second = Int(orders[tree][range.upperBound - 1]) }
                    let normal = planes + (firstPlane[tree] + index) * d
                    for t in 0..<d { normal[t] = data[first * d + t] - data[second * d + t] }
                    for position in range { slot[tree * n + Int(orders[tree][position])] = Int32(firstPlane[tree] + index) }
                }
            }
            // 2. Margins: rows in memory order, each against the planes of its nodes.
            let chunks = min(n, 64)
            slot.withUnsafeBufferPointer { slot in
                goesLeft.withUnsafeMutableBufferPointer { goesLeft in
                    let shared = UnsafeSendableBox((slot, goesLeft, UnsafePointer(planes)))
                    let level = UInt64(level)
                    parallelFor(chunks: chunks, threads: threads) { chunk in
                        let (slot, goesLeft, planes) = shared.value
                        for i in chunkRange(chunk, of: chunks, count: n) {
                            let row = data + i * d
                            for tree in 0..<treeCount {
                                let plane = Int(slot[tree * n + i])
                                guard plane >= 0 else { continue }
                                let margin = dotProduct(planes + plane * d, row, dimension: d)
                                goesLeft[tree * n + i] = abs(margin) <= 1e-8
                                    ? mixedHash(seed, UInt64(tree), level, UInt64(i)) & 1 == 0 : margin > 0
                            }
                        }
                    }
                }
            }
            // 3. Stable partition of each splitting node; children that are small enough become leaves.
            var nextOpen = [[Range<Int>]](repeating: [], count: treeCount)
            for tree in 0..<treeCount {
                orders[tree].withUnsafeMutableBufferPointer { order in
                    var right: [Int32] = []
                    for range in open[tree] {
                        right.removeAll(keepingCapacity: true)
                        var low = range.lowerBound
                        for position in range {
                            let p = order[position]
                            if goesLeft[tree * n + Int(p)] { order[low] = p; low += 1 } else { right.append(p) }
                        }
                        for (offset, p) in right.enumerated() { order[low + offset] = p }
                        let middle = (low == range.lowerBound || low == range.upperBound) ? range.lowerBound + range.count / 2 : low
                        for child in [range.lowerBound..<middle, middle..<range.upperBound] {
                            if child.count > leafSize {
                                nextOpen[tree].append(child)
                            } else {
                                leaves[tree].append(Int32(child.lowerBound))
                                for position in child { slot[tree * n + Int(order[position])] = -1 }
                            }
                        }
                    }
                }
            }
            open = nextOpen
            level += 1
        }
        return RandomProjectionForest(orders: orders, leafStarts: leaves.map { $0.sorted() + [Int32(n)] })
    }
}
