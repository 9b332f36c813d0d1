// `--clusters auto`: choose k by the mean silhouette (Rousseeuw 1987) over a range of k, on one
// fixed seeded subsample whose pairwise distances are computed once. k-means itself runs on all
// points; only the score is subsampled. The highest silhouette wins (the smaller k on ties).
import LinearAlgebra
import MicseSupport

public enum ClusterCountSelection {
    /// One point of the silhouette curve.
    public struct Candidate: Codable, Sendable, Equatable {
        public var clusterCount: Int
        public var silhouette: Double?
        public var inertia: Double
    }

    /// The chosen k, its fit, and the curve.
    public struct Selection: Sendable {
        public var clusterCount: Int
        public var result: KMeansResult
        public var curve: [Candidate]
    }

    /// Default search range.
    public static let defaultRange = 2...20

    /// Fits k-means for every k in `range` (clamped to 2…n − 1) and keeps the k of highest silhouette.
    ///
    /// - Parameters:
    ///   - configuration: used for every fit, with `clusterCount` replaced.
    ///   - sampleSize: points of the silhouette subsample (seeded by `configuration.seed`).
    /// - Throws: what `KMeans.fit` throws; `ClusteringError.invalidClusterCount` if n < 3.
    public static func select(_ data: Matrix, range: ClosedRange<Int> = defaultRange, configuration: KMeansConfiguration,
                              sampleSize: Int = 2000) throws -> Selection {
        let upper = min(range.upperBound, data.rows - 1)
        let lower = max(2, range.lowerBound)
        guard lower <= upper else { throw ClusteringError.invalidClusterCount(requested: range.upperBound, pointCount: data.rows) }
        let sample = ClusterMetrics.sampleIndices(count: data.rows, sampleSize: sampleSize, seed: configuration.seed)
        let distances = PairwiseDistances(data.selectingRows(sample), threads: configuration.threads)
        var curve: [Candidate] = []
        var best: (score: Double, result: KMeansResult, k: Int)?
        for k in lower...upper {
            var c = configuration
            c.clusterCount = k
            let result = try KMeans.fit(data, configuration: c)
            let score = distances.silhouette(labels: sample.map { Int(result.labels[$0]) })
            curve.append(Candidate(clusterCount: k, silhouette: score, inertia: result.inertia))
            let value = score ?? -.infinity
            if best == nil || value > best!.score { best = (value, result, k) }
        }
        guard let best else { preconditionFailure("range non-empty") }
        return Selection(clusterCount: best.k, result: best.result, curve: curve)
    }
}
