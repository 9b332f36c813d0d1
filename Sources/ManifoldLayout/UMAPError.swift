import MicseSupport

/// Everything that stops a UMAP run, each with a one-line description naming the problem.
public enum UMAPError: UserFacingError, Equatable {
    case invalidConfiguration(String)
    case tooFewPoints(count: Int)
    case nonFiniteRow(row: Int)
    case emptyDimension
    case graphMismatch(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return "invalid UMAP configuration: \(message)"
        case .tooFewPoints(let count): return "UMAP needs at least 3 points (got \(count))"
        case .nonFiniteRow(let row): return "row \(row) holds NaN or infinite values (0-based row index)"
        case .emptyDimension: return "the input has zero columns"
        case .graphMismatch(let message): return "the kNN graph does not fit the data: \(message)"
        }
    }
}
