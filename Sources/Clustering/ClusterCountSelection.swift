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

        /// The console line reporting the choice and the curve ("n/a" where k had no silhouette).
        public var report: String {
            let range = "k=\(curve[0].clusterCount)…\(curve[curve.count - 1].clusterCount)"
            guard clusterCount > 1 else { return "auto k: no silhouette for \(range); one cluster" }
            let points = curve.map { "\($0.clusterCount): " + ($0.silhouette.map(ClusterDiagnostics.formatScore) ?? "n/a") }
                .joined(separator: ", ")
            return "auto k: the highest mean silhouette among \(range): \(points)"
        }

        /// A warning when even the best mean silhouette is under `weakStructureThreshold`: the
        /// data then show no substantial cluster structure (Kaufman & Rousseeuw 1990, "Finding
        /// Groups in Data": 0.26–0.50 weak, ≤ 0.25 no substantial structure), so the chosen k says
        /// little. Sentence embeddings of one genre are often like this.
        public var weakStructureNotice: String? {
            guard let best = curve.first(where: { $0.clusterCount == clusterCount })?.silhouette,
                  best < ClusterCountSelection.weakStructureThreshold else { return nil }
            return String(format: "the best mean silhouette, %.3f at k=%d, is below %.2f: no substantial cluster structure "
                          + "(Kaufman & Rousseeuw); k is a choice here, not a finding", best, clusterCount,
                          ClusterCountSelection.weakStructureThreshold)
        }
    }

    /// Best mean silhouette under which `Selection.weakStructureNotice` warns.
    public static let weakStructureThreshold = 0.25

    /// Default search range.
    public static let defaultRange = 2...20

    /// Fits k-means for every k in `range` (clamped to 2…n − 1) and keeps the k of highest silhouette;
    /// k = 1, with a notice, when no k has a silhouette (every fit left fewer than two clusters).
    /// The kept fit's `notices` end with `Selection.weakStructureNotice` when there is one.
    ///
    /// - Parameters:
    ///   - configuration: used for every fit, with `clusterCount` replaced.
    ///   - sampleSize: points of the silhouette subsample (seeded by `configuration.seed`).
    ///   - progress: receives ("auto k", values of k done, values in the range) after each fit
    ///     (largest k first).
    /// - Throws: what `KMeans.fit` throws; `ClusteringError.invalidClusterCount` if n < 3.
    public static func select(_ data: Matrix, range: ClosedRange<Int> = defaultRange, configuration: KMeansConfiguration,
                              sampleSize: Int = 2000, progress: any ProgressReporter = SilentProgress()) throws -> Selection {
        let upper = min(range.upperBound, data.rows - 1)
        let lower = max(2, range.lowerBound)
        guard lower <= upper else { throw ClusteringError.invalidClusterCount(requested: range.upperBound, pointCount: data.rows) }
        let sample = ClusterMetrics.sampleIndices(count: data.rows, sampleSize: sampleSize, seed: configuration.seed)
        let distances = PairwiseDistances(data.selectingRows(sample), threads: configuration.threads)
        var curve: [Candidate] = []
        var best: (score: Double, result: KMeansResult, k: Int)?
        // Largest k first: a fit costs about k, so the progress rate measured on the first fits
        // gives an ETA that errs long and shrinks, instead of one that runs out early.
        for k in (lower...upper).reversed() {
            var c = configuration
            c.clusterCount = k
            let result = try KMeans.fit(data, configuration: c)
            let score = distances.silhouette(labels: sample.map { Int(result.labels[$0]) })
            curve.insert(Candidate(clusterCount: k, silhouette: score, inertia: result.inertia), at: 0)
            let value = score ?? -.infinity
            if best == nil || value >= best!.score { best = (value, result, k) }   // ties: the smaller k
            progress.progress(stage: "auto k", done: upper - k + 1, total: upper - lower + 1)
        }
        guard let best else { preconditionFailure("range non-empty") }
        if best.score == -.infinity {
            // No k split the points into clusters a silhouette can score: they are (nearly) all one
            // point, e.g. copies of one text. One cluster says so; k = 2 would report an empty one.
            var c = configuration
            c.clusterCount = 1
            var result = try KMeans.fit(data, configuration: c)
            result.notices.append("no k in \(lower)…\(upper) gave two clusters a silhouette could score (all points alike?): one cluster")
            return Selection(clusterCount: 1, result: result, curve: curve)
        }
        var selection = Selection(clusterCount: best.k, result: best.result, curve: curve)
        // The warning travels with the fit's own notices, which every caller reports and writes.
        if let notice = selection.weakStructureNotice { selection.result.notices.append(notice) }
        return selection
    }
}
