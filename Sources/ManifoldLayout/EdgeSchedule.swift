/// When each edge of the fuzzy graph is sampled during the SGD (umap-learn `make_epochs_per_sample`).
///
/// An edge of weight w is sampled once every `epochsPerSample = n_epochs / (n_epochs · w / w_max)`
/// epochs (the heaviest edge every epoch), and after each positive sample it draws
/// ⌊(epoch − nextNegative) / (epochsPerSample / negative_sample_rate)⌋ negative samples.
/// Edges are stored in the CSR order of the graph (grouped by head vertex).
public struct EdgeSchedule: Sendable, Equatable {
    public var epochsPerSample: [Double]
    public var epochsPerNegativeSample: [Double]
    public var epochOfNextSample: [Double]
    public var epochOfNextNegativeSample: [Double]

    public init(graph: SparseGraph, epochCount: Int, negativeSampleRate: Int) {
        var maxWeight: Float = 0
        for w in graph.weights { maxWeight = max(maxWeight, w) }
        let epochs = Double(epochCount)
        epochsPerSample = graph.weights.map { w in
            // As umap-learn: n_samples = n_epochs · (w / w_max) in float32, result in float64.
            let samples = Double(Float(epochCount) * (w / maxWeight))
            return samples > 0 ? epochs / samples : -1
        }
        let rate = Double(negativeSampleRate)
        epochsPerNegativeSample = epochsPerSample.map { rate > 0 ? $0 / rate : .infinity }
        epochOfNextSample = epochsPerSample
        epochOfNextNegativeSample = epochsPerNegativeSample
    }

    #if MICSE_INTERNAL_CHECKS
    func checkInvariants() {
        precondition(epochsPerSample.count == epochOfNextSample.count)
        precondition(epochsPerSample.allSatisfy { $0 >= 1 || $0 == -1 })
    }
    #endif
}
