// A summary of a clustering for people and for run manifests: sizes, label composition, agreement
// with reference labels (ARI, NMI) and a subsampled silhouette. Codable, so the CLI writes it as
// JSON next to the cluster CSV; `summary` is a short text rendering.
import Foundation
import LinearAlgebra

public struct ClusterDiagnostics: Codable, Sendable, Equatable {
    /// The label counts inside one cluster.
    public struct Composition: Codable, Sendable, Equatable {
        public var cluster: Int
        public var size: Int
        /// (label name, count), most frequent first (ties: label order).
        public var labels: [LabelCount]
    }
    public struct LabelCount: Codable, Sendable, Equatable {
        public var label: String
        public var count: Int
        /// True for the documents without a label (named "(no label)", or "(empty label)" when a real label is
        /// "(no label)"); absent otherwise, so code need not match the name.
        public var unlabeled: Bool?
    }

    public var pointCount: Int
    public var dimension: Int
    public var clusterCount: Int
    public var clusterSizes: [Int]
    /// Present when labels were given. Points without a label count as "(no label)".
    public var composition: [Composition]?
    /// Against the labels, over the points that have one (nil when none has).
    public var adjustedRandIndex: Double?
    public var normalizedMutualInformation: Double?
    /// Points with a label, over which ARI and NMI are computed (nil without labels).
    public var labeledCount: Int?
    /// Mean silhouette (Euclidean in the clustered space) on `silhouetteSampleSize` seeded points;
    /// nil when undefined (one cluster, or as many clusters as sampled points).
    public var silhouette: Double?
    public var silhouetteSampleSize: Int
    /// The silhouette's distance: Euclidean in the clustered space (on the L2-normalised embeddings that is
    /// √(2 − 2 cos), so not the value of scikit-learn's `metric="cosine"`).
    public var silhouetteMetric = "euclidean"
    /// What was clustered, when the caller says (the pipeline: "embedding", the L2-normalised vectors, or "umap").
    public var space: String?
    public var inertia: Double
    public var iterations: Int
    public var initCount: Int
    /// Restarts that go on after the pruning iteration (`KMeansConfiguration.pruning`; nil: all), those it
    /// stopped, and after how many iterations (nil when none was stopped).
    public var keepRestarts: Int?
    public var prunedRestarts: Int
    public var prunedAfterIterations: Int?
    public var algorithm: String
    public var seconds: Double
    public var notices: [String]
    /// The silhouette curve when k was chosen automatically (`--clusters auto`).
    public var selectionCurve: [ClusterCountSelection.Candidate]?

    /// Builds the diagnostics of `result` on `data`.
    ///
    /// - Parameters:
    ///   - labels: reference label codes (length n), e.g. the tweet classes; `labelNames[code]` names them.
    ///     A negative code marks a point without a label: it is left out of ARI and NMI (scored on
    ///     the labelled points, as one would on a partly annotated corpus) and listed as "(no label)".
    ///   - silhouetteSampleSize: points sampled for the silhouette (default 2,000; all if n is smaller).
    /// - Throws: `ClusteringError.labelCountMismatch` if `labels` has the wrong length.
    public static func make(result: KMeansResult, data: Matrix, configuration: KMeansConfiguration,
                            labels: [Int]? = nil, labelNames: [String]? = nil,
                            silhouetteSampleSize: Int = 2000, seed: UInt64 = 0) throws -> ClusterDiagnostics {
        let n = data.rows, k = result.centers.rows
        var composition: [Composition]?
        var ari: Double?, nmi: Double?, labeledCount: Int?
        if let labels {
            guard labels.count == n else { throw ClusteringError.labelCountMismatch(labels: labels.count, points: n) }
            let labeled = labels.indices.filter { labels[$0] >= 0 }
            labeledCount = labeled.count
            if !labeled.isEmpty {
                let truth = labeled.map { labels[$0] }, predicted = labeled.map { result.labels[$0] }
                ari = ClusterMetrics.adjustedRandIndex(truth, predicted)
                nmi = ClusterMetrics.normalizedMutualInformation(truth, predicted)
            }
            var counts = [[Int: Int]](repeating: [:], count: k)
            for (label, cluster) in zip(labels, result.labels) { counts[Int(cluster)][max(-1, label), default: 0] += 1 }
            let missingName = ClusterDiagnostics.noLabelName(avoiding: labelNames ?? [])
            func name(_ code: Int) -> String {
                if code < 0 { return missingName }
                if let labelNames, code < labelNames.count { return labelNames[code] }
                return String(code)
            }
            var table: [Composition] = []
            for j in 0..<k {
                // Most frequent first; "(no label)" after the labels it ties with.
                let entries: [(key: Int, value: Int)] = counts[j].sorted { a, b in
                    a.value != b.value ? a.value > b.value : (a.key < 0) != (b.key < 0) ? b.key < 0 : a.key < b.key
                }
                let size = entries.reduce(0) { $0 + $1.value }
                table.append(Composition(cluster: j, size: size,
                                         labels: entries.map { LabelCount(label: name($0.key), count: $0.value,
                                                                          unlabeled: $0.key < 0 ? true : nil) }))
            }
            composition = table
        }
        let sampleSize = min(n, silhouetteSampleSize)
        let silhouette = ClusterMetrics.silhouette(data, labels: result.labels, sampleSize: sampleSize, seed: seed,
                                                   threads: configuration.threads)
        return ClusterDiagnostics(pointCount: n, dimension: data.columns, clusterCount: k, clusterSizes: result.clusterSizes,
                                  composition: composition, adjustedRandIndex: ari, normalizedMutualInformation: nmi,
                                  labeledCount: labeledCount,
                                  silhouette: silhouette, silhouetteSampleSize: sampleSize, inertia: result.inertia,
                                  iterations: result.iterations, initCount: configuration.initCount,
                                  keepRestarts: configuration.pruning?.keep, prunedRestarts: result.prunedRestarts.count,
                                  prunedAfterIterations: result.prunedRestarts.isEmpty ? nil : configuration.pruning?.afterIterations,
                                  algorithm: configuration.algorithm.rawValue, seconds: result.seconds, notices: result.notices,
                                  selectionCurve: nil)
    }

    /// How points without a label are named (composition, legends).
    public static let noLabel = "(no label)"

    /// `noLabel`, unless a real label already has that name: then a name no label has, so that the
    /// two stay apart in compositions and legends.
    public static func noLabelName(avoiding labels: [String]) -> String {
        let taken = Set(labels)
        var name = noLabel
        while taken.contains(name) { name = name == noLabel ? "(empty label)" : "(" + name.dropFirst().dropLast() + " *)" }
        return name
    }

    /// A score (ARI, NMI, silhouette) to 3 decimals for people: a value that rounds to zero is "0.000",
    /// never "-0.000" (ARI is centred on 0, so near-chance scores land just below it half the time).
    public static func formatScore(_ value: Double) -> String {
        let text = String(format: "%.3f", value)
        return text == "-0.000" ? "0.000" : text
    }

    /// A few lines for the terminal.
    public var summary: String {
        func f(_ v: Double?) -> String { v.map(Self.formatScore) ?? "n/a" }
        var lines = ["k-means: \(clusterCount) clusters of \(pointCount) points (\(dimension)-D), inertia \(String(format: "%.6g", inertia)), "
                     + "\(iterations) iteration\(iterations == 1 ? "" : "s"), best of \(initCount) restart\(initCount == 1 ? "" : "s")\(prunedAfterIterations.map { " (\(prunedRestarts) stopped after \($0) iterations)" } ?? ""), \(String(format: "%.3f", seconds)) s"]
        lines.append("sizes: " + clusterSizes.map(String.init).joined(separator: " "))
        lines.append("silhouette (\(silhouetteSampleSize) points): \(f(silhouette))"
                     + (adjustedRandIndex != nil ? ", ARI \(f(adjustedRandIndex)), NMI \(f(normalizedMutualInformation))" : "")
                     + (labeledCount.map { $0 == 0 ? " (no point has a label: no ARI or NMI)"
                                                : $0 < pointCount ? " (on the \($0) labelled points)" : "" } ?? ""))
        if let composition {
            for c in composition {
                let top = c.labels.prefix(3).map { "\($0.label) \(Int((Double($0.count) / Double(max(1, c.size)) * 100).rounded()))%" }
                lines.append("  cluster \(c.cluster) (\(c.size)): " + top.joined(separator: ", "))
            }
        }
        if let selectionCurve {
            lines.append("auto k (silhouette): " + selectionCurve.map { "k=\($0.clusterCount) \(f($0.silhouette))" }.joined(separator: ", "))
        }
        lines += notices.map { "notice: \($0)" }
        return lines.joined(separator: "\n")
    }

    /// Pretty-printed JSON (keys sorted).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
