/// Connected components of a symmetric graph (union–find with path halving and union by size).
public struct ConnectedComponents: Sendable, Equatable {
    /// Component label per vertex, numbered 0..<count in order of each component's smallest vertex.
    public let labels: [Int]
    public let count: Int

    public init(_ graph: SparseGraph) {
        let n = graph.pointCount
        var parent = Array(0..<n)
        var size = [Int](repeating: 1, count: n)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for i in 0..<n {
            for e in graph.rowOffsets[i]..<graph.rowOffsets[i + 1] {
                var a = find(i), b = find(Int(graph.columns[e]))
                if a == b { continue }
                if size[a] < size[b] { swap(&a, &b) }
                parent[b] = a; size[a] += size[b]
            }
        }
        var label = [Int](repeating: -1, count: n)
        var rootLabel = [Int](repeating: -1, count: n)
        var next = 0
        for i in 0..<n {
            let r = find(i)
            if rootLabel[r] < 0 { rootLabel[r] = next; next += 1 }
            label[i] = rootLabel[r]
        }
        labels = label
        count = next
    }

    /// The vertices of each component, ascending.
    public var members: [[Int]] {
        var out = [[Int]](repeating: [], count: count)
        for (i, l) in labels.enumerated() { out[l].append(i) }
        return out
    }
}
