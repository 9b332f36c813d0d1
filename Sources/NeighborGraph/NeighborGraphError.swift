import MicseSupport

/// Input that the kNN stage cannot turn into a graph. Rows are reported 1-based, as a user counts
/// them in a CSV or a `.npy` file.
public enum NeighborGraphError: UserFacingError, Equatable {
    /// Fewer than two points: no point has a neighbour.
    case tooFewPoints(count: Int)
    /// Vectors of length zero.
    case emptyVectors
    /// A neighbour count below 1.
    case invalidNeighborCount(Int)
    /// A NaN or infinite value; `row` is 1-based.
    case nonFiniteValue(row: Int, column: Int)

    public var description: String {
        switch self {
        case .tooFewPoints(let n):
            return "cannot build a neighbour graph of \(n) point\(n == 1 ? "" : "s"): at least 2 are needed"
        case .emptyVectors:
            return "cannot build a neighbour graph: the vectors have no components (dimension 0)"
        case .invalidNeighborCount(let k):
            return "neighbour count must be at least 1 (got \(k))"
        case .nonFiniteValue(let row, let column):
            return "row \(row) has a non-finite value (NaN or infinity) in column \(column) — remove or fix that row"
        }
    }
}
