/// A weighted graph on `pointCount` vertices in CSR form: the edges leaving vertex i are
/// `columns[rowOffsets[i]..<rowOffsets[i+1]]` with `weights` alongside, columns ascending.
///
/// The fuzzy simplicial set is stored this way: symmetric (both directions present, equal
/// weights), no self loops, no explicit zeros.
public struct SparseGraph: Sendable, Equatable {
    public let pointCount: Int
    /// (pointCount + 1) offsets into `columns`/`weights`.
    public var rowOffsets: [Int]
    public var columns: [Int32]
    public var weights: [Float]

    public init(pointCount: Int, rowOffsets: [Int], columns: [Int32], weights: [Float]) {
        precondition(rowOffsets.count == pointCount + 1 && columns.count == weights.count
                     && rowOffsets.last == columns.count, "SparseGraph arrays are inconsistent")
        self.pointCount = pointCount
        self.rowOffsets = rowOffsets
        self.columns = columns
        self.weights = weights
    }

    /// Number of stored (directed) edges.
    public var edgeCount: Int { columns.count }

    /// The weight of edge (i, j), or 0 when absent (binary search in row i).
    public func weight(_ i: Int, _ j: Int) -> Float {
        var lo = rowOffsets[i], hi = rowOffsets[i + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(columns[mid]) < j { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowOffsets[i + 1] && Int(columns[lo]) == j ? weights[lo] : 0
    }

    /// A copy without the edges whose weight is below `threshold` (umap-learn drops edges with
    /// weight < max/n_epochs before the layout: they would never be sampled).
    public func pruned(below threshold: Float) -> SparseGraph {
        var offsets = [Int](repeating: 0, count: pointCount + 1)
        var cols: [Int32] = [], ws: [Float] = []
        cols.reserveCapacity(edgeCount); ws.reserveCapacity(edgeCount)
        for i in 0..<pointCount {
            for e in rowOffsets[i]..<rowOffsets[i + 1] where weights[e] >= threshold && weights[e] > 0 {
                cols.append(columns[e]); ws.append(weights[e])
            }
            offsets[i + 1] = cols.count
        }
        return SparseGraph(pointCount: pointCount, rowOffsets: offsets, columns: cols, weights: ws)
    }

    /// The subgraph induced by `vertices` (ascending), renumbered 0..<vertices.count.
    func induced(by vertices: [Int], localIndex: [Int32]) -> SparseGraph {
        var offsets = [0]
        var cols: [Int32] = [], ws: [Float] = []
        for v in vertices {
            for e in rowOffsets[v]..<rowOffsets[v + 1] {
                let local = localIndex[Int(columns[e])]
                if local >= 0 { cols.append(local); ws.append(weights[e]) }
            }
            offsets.append(cols.count)
        }
        return SparseGraph(pointCount: vertices.count, rowOffsets: offsets, columns: cols, weights: ws)
    }
}
