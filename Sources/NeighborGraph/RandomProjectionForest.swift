import MicseSupport

/// Random-projection trees for angular (cosine) data, the initialisation of NN-descent used by
/// pynndescent (`rp_trees.py`, `angular_random_projection_split`; Dasgupta & Freund 2008).
///
/// Each node picks two of its points at random, p and q, and splits its points by the side of the
/// hyperplane through the origin with normal x̂_p − x̂_q: side(x) = sign(x̂·(x̂_p − x̂_q)); points on
/// the plane (|margin| ≤ 1e-8) go to a random side. A split that leaves one side empty (identical
/// points) cuts the node in half instead. Nodes of at most `leafSize` points are leaves; points in
/// one leaf are likely near neighbours.
struct RandomProjectionForest {
    /// Per tree, a permutation of 0..<N in which every leaf is a contiguous range.
    let orders: [[Int32]]
    /// Per tree and point, the leaf of the point as a half-open range into `orders[tree]`:
    /// `leafBounds[tree][2p]` and `leafBounds[tree][2p + 1]`.
    let leafBounds: [[Int32]]

    /// Grows `treeCount` trees (in parallel; tree t draws from stream t of `seed`, so the forest
    /// does not depend on the thread count).
    ///
    /// - Parameter data: (n, dimension) row-major unit vectors.
    static func grow(_ data: UnsafePointer<Float>, n: Int, dimension: Int, treeCount: Int, leafSize: Int,
                     seed: UInt64, threads: Int) -> RandomProjectionForest {
        var orders = [[Int32]](repeating: [], count: treeCount)
        var bounds = [[Int32]](repeating: [], count: treeCount)
        orders.withUnsafeMutableBufferPointer { orderSlots in
            bounds.withUnsafeMutableBufferPointer { boundSlots in
                let shared = UnsafeSendableBox((data, orderSlots, boundSlots))
                parallelFor(chunks: treeCount, threads: threads) { tree in
                    let (data, orderSlots, boundSlots) = shared.value
                    var rng = SplitMix64.derived(from: seed, stream: UInt64(tree))
                    (orderSlots[tree], boundSlots[tree]) = growTree(data, n: n, dimension: dimension,
                                                                    leafSize: leafSize, rng: &rng)
                }
            }
        }
        return RandomProjectionForest(orders: orders, leafBounds: bounds)
    }

    private static func growTree(_ x: UnsafePointer<Float>, n: Int, dimension d: Int, leafSize: Int,
                                 rng: inout SplitMix64) -> ([Int32], [Int32]) {
        var order = (0..<n).map { Int32($0) }
        var bounds = [Int32](repeating: 0, count: 2 * n)
        var normal = [Float](repeating: 0, count: d)
        var pending: [(Int, Int)] = [(0, n)]
        while let (start, end) = pending.popLast() {
            let count = end - start
            if count <= max(1, leafSize) {
                for position in start..<end {
                    let p = Int(order[position])
                    bounds[2 * p] = Int32(start)
                    bounds[2 * p + 1] = Int32(end)
                }
                continue
            }
            let first = Int(order[start + rng.nextInt(below: count)])
            var second = Int(order[start + rng.nextInt(below: count - 1)])
            if second == first { second = Int(order[end - 1]) }
            for t in 0..<d { normal[t] = x[first * d + t] - x[second * d + t] }
            var low = start, high = end
            normal.withUnsafeBufferPointer { hyperplane in
                guard let h = hyperplane.baseAddress else { return }
                while low < high {
                    let p = Int(order[low])
                    let margin = dotProduct(h, x + p * d, dimension: d)
                    let goesLeft = abs(margin) <= 1e-8 ? (rng.next() & 1 == 0) : margin > 0
                    if goesLeft { low += 1 } else { high -= 1; order.swapAt(low, high) }
                }
            }
            let middle = (low == start || low == end) ? start + count / 2 : low
            pending.append((start, middle))
            pending.append((middle, end))
        }
        return (order, bounds)
    }
}
