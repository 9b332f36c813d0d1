extension KNNGraph {
    /// A description of the first broken invariant (out-of-range or self index, a repeated index in a
    /// row, distances not ascending, negative or non-finite distance), or `nil` when the graph is valid.
    /// O(N·k²); tests call it, and so does `checkInvariants()` in builds with `MICSE_INTERNAL_CHECKS`.
    public func invariantViolation() -> String? {
        let k = neighborCount
        for i in 0..<pointCount {
            let row = indices[(i * k)..<(i * k + k)]
            var previous: Float = 0
            for (slot, j) in row.enumerated() {
                guard j >= 0 && Int(j) < pointCount else { return "row \(i + 1): neighbour index \(j) out of range" }
                guard Int(j) != i else { return "row \(i + 1) lists itself" }
                guard !row.prefix(slot).contains(j) else { return "row \(i + 1) lists \(j) twice" }
                let d = distances[i * k + slot]
                guard d.isFinite && d >= 0 else { return "row \(i + 1): distance \(d) is negative or not finite" }
                guard d >= previous else { return "row \(i + 1): distances do not ascend at slot \(slot)" }
                previous = d
            }
        }
        return nil
    }

    /// Traps when an invariant is broken; compiled only with `-D MICSE_INTERNAL_CHECKS`
    /// (swift-collections' `_checkInvariants` pattern), an empty function otherwise.
    #if MICSE_INTERNAL_CHECKS
    public func checkInvariants() {
        if let problem = invariantViolation() { preconditionFailure("KNNGraph invariant broken: \(problem)") }
    }
    #else
    @inline(__always) public func checkInvariants() {}
    #endif

    /// recall@k: the fraction of `reference`'s neighbours (per row, averaged over rows) that this
    /// graph also lists, as pynndescent and `bench_knn.py` score it. Both graphs must cover the same
    /// points with the same k.
    public func recall(against reference: KNNGraph) -> Double {
        precondition(reference.pointCount == pointCount && reference.neighborCount == neighborCount,
                     "recall: graphs differ in shape")
        return Self.recall(indices, against: reference.indices, rows: Array(0..<pointCount), neighborCount: neighborCount)
    }

    /// recall@k over selected rows: `reference` holds (rows.count, k) neighbour indices of `rows`
    /// in that order (as `ExactCosineSearch.neighbors(ofRows:in:neighborCount:)` returns them).
    public func recall(ofRows rows: [Int], against reference: [Int32]) -> Double {
        precondition(reference.count == rows.count * neighborCount, "recall: reference has the wrong size")
        var own: [Int32] = []
        own.reserveCapacity(reference.count)
        for i in rows { own.append(contentsOf: indices[(i * neighborCount)..<((i + 1) * neighborCount)]) }
        return Self.recall(own, against: reference, rows: Array(0..<rows.count), neighborCount: neighborCount)
    }

    private static func recall(_ found: [Int32], against exact: [Int32], rows: [Int], neighborCount k: Int) -> Double {
        guard !rows.isEmpty, k > 0 else { return 1 }
        var hits = 0
        for r in rows {
            let mine = found[(r * k)..<(r * k + k)]
            for j in exact[(r * k)..<(r * k + k)] where mine.contains(j) { hits += 1 }
        }
        return Double(hits) / Double(rows.count * k)
    }
}
