/// The k nearest neighbours of every point: row i holds the `neighborCount` nearest other points
/// of point i, nearest first. Distances are cosine distances, 1 − cos(xᵢ, xⱼ), clamped at 0.
///
/// Invariants: no point lists itself, indices within a row are unique, distances ascend.
public struct KNNGraph: Sendable, Equatable {
    public let pointCount: Int
    public let neighborCount: Int
    /// (pointCount, neighborCount) row-major neighbour indices.
    public var indices: [Int32]
    /// (pointCount, neighborCount) row-major distances, ascending per row.
    public var distances: [Float]

    public init(pointCount: Int, neighborCount: Int, indices: [Int32], distances: [Float]) {
        precondition(indices.count == pointCount * neighborCount && distances.count == indices.count,
                     "KNNGraph arrays do not match \(pointCount)×\(neighborCount)")
        self.pointCount = pointCount
        self.neighborCount = neighborCount
        self.indices = indices
        self.distances = distances
    }
}
