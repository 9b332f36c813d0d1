import Foundation
import LinearAlgebra
import Testing
import MicseSupport
@testable import Clustering

@Suite("ARI, NMI and silhouette against scikit-learn")
struct ClusterMetricsTests {
    let reference: KMeansReference
    init() throws { reference = try KMeansReference.load() }

    @Test("ARI and NMI (arithmetic) equal sklearn's to 1e-6 on fixed partitions, incl. degenerate ones")
    func supervised() {
        let truth = reference.metrics.truth
        let one = [Int](repeating: 0, count: truth.count)
        for c in reference.metrics.cases {
            #expect(abs(ClusterMetrics.adjustedRandIndex(truth, c.labels) - c.ari) < 1e-6, "\(c.name)")
            #expect(abs(ClusterMetrics.normalizedMutualInformation(truth, c.labels) - c.nmi) < 1e-6, "\(c.name)")
            #expect(abs(ClusterMetrics.adjustedRandIndex(one, c.labels) - c.ari_vs_one) < 1e-6, "\(c.name) vs one cluster")
            #expect(abs(ClusterMetrics.normalizedMutualInformation(one, c.labels) - c.nmi_vs_one) < 1e-6, "\(c.name) vs one cluster")
        }
    }

    @Test("silhouette equals sklearn's to 1e-6; nil where sklearn raises (one cluster, all singletons)")
    func silhouette() {
        let points = Matrix(reference.metrics.points)
        for c in reference.metrics.cases {
            let value = ClusterMetrics.silhouette(points, labels: c.labels)
            if let expected = c.silhouette {
                #expect(value != nil, "\(c.name)")
                #expect(abs((value ?? .nan) - expected) < 1e-6, "\(c.name): \(String(describing: value)) vs \(expected)")
            } else {
                #expect(value == nil, "\(c.name)")
            }
        }
    }

    @Test("metrics are symmetric in label names and 1 for identical partitions")
    func invariances() {
        let a = [0, 0, 1, 1, 2, 2, 2]
        let b = [7, 7, 3, 3, 9, 9, 9]
        #expect(ClusterMetrics.adjustedRandIndex(a, b) == 1)
        #expect(abs(ClusterMetrics.normalizedMutualInformation(a, b) - 1) < 1e-12)
        let c = [0, 1, 0, 1, 0, 1, 0]
        #expect(abs(ClusterMetrics.adjustedRandIndex(a, c) - ClusterMetrics.adjustedRandIndex(c, a)) < 1e-12)
    }

    @Test("subsampled silhouette is seeded and uses the requested number of points")
    func subsample() {
        let points = Matrix(reference.metrics.points)
        let labels = reference.metrics.truth
        let s1 = ClusterMetrics.silhouette(points, labels: labels, sampleSize: 60, seed: 3)
        let s2 = ClusterMetrics.silhouette(points, labels: labels, sampleSize: 60, seed: 3)
        #expect(s1 == s2)
        #expect(ClusterMetrics.sampleIndices(count: 150, sampleSize: 60, seed: 3).count == 60)
        #expect(ClusterMetrics.sampleIndices(count: 150, sampleSize: 500, seed: 3) == Array(0..<150))
    }
}

@Suite("Diagnostics and automatic k")
struct DiagnosticsTests {
    let reference: KMeansReference
    init() throws { reference = try KMeansReference.load() }

    @Test("diagnostics: sizes, composition, ARI/NMI, JSON round trip")
    func diagnostics() throws {
        let x = Matrix(reference.blobs.points)
        let configuration = KMeansConfiguration(clusterCount: 5)
        let result = try KMeans.fit(x, configuration: configuration)
        let names = ["a", "b", "c", "d", "e"]
        let diagnostics = try ClusterDiagnostics.make(result: result, data: x, configuration: configuration,
                                                      labels: reference.blobs.labels, labelNames: names)
        #expect(diagnostics.clusterSizes.reduce(0, +) == x.rows)
        #expect(diagnostics.adjustedRandIndex == 1)
        #expect(abs((diagnostics.normalizedMutualInformation ?? 0) - 1) < 1e-12)
        #expect(diagnostics.composition?.allSatisfy { $0.labels.count == 1 } == true)
        #expect((diagnostics.silhouette ?? 0) > 0.5)
        let decoded = try JSONDecoder().decode(ClusterDiagnostics.self, from: diagnostics.jsonData())
        #expect(decoded == diagnostics)
        #expect(diagnostics.summary.contains("5 clusters of 600 points"))
        #expect(throws: ClusteringError.labelCountMismatch(labels: 2, points: 600)) {
            try ClusterDiagnostics.make(result: result, data: x, configuration: configuration, labels: [0, 1])
        }
    }

    @Test("scores print to 3 decimals, and a chance-level ARI just below 0 as 0.000, not -0.000")
    func scoreFormat() {
        #expect(ClusterDiagnostics.formatScore(-0.0001) == "0.000")
        #expect(ClusterDiagnostics.formatScore(-0.0) == "0.000")
        #expect(ClusterDiagnostics.formatScore(-0.0123) == "-0.012")
        #expect(ClusterDiagnostics.formatScore(0.98765) == "0.988")
    }

    @Test("points without a label (negative codes): left out of ARI and NMI, listed as (no label)")
    func unlabeledPoints() throws {
        let x = Matrix(reference.blobs.points)
        let configuration = KMeansConfiguration(clusterCount: 5)
        let result = try KMeans.fit(x, configuration: configuration)
        // Every third point loses its label; a third of the others get a wrong one.
        var labels = reference.blobs.labels
        for i in labels.indices where i % 3 == 0 { labels[i] = -1 }
        for i in labels.indices where i % 3 == 1 && i % 9 == 1 { labels[i] = (labels[i] + 1) % 5 }
        let names = ["a", "b", "c", "d", "e"]
        let d = try ClusterDiagnostics.make(result: result, data: x, configuration: configuration, labels: labels, labelNames: names)
        let kept = labels.indices.filter { labels[$0] >= 0 }
        #expect(d.labeledCount == kept.count && kept.count == 400)
        #expect(d.adjustedRandIndex == ClusterMetrics.adjustedRandIndex(kept.map { labels[$0] }, kept.map { result.labels[$0] }))
        #expect(d.normalizedMutualInformation
                == ClusterMetrics.normalizedMutualInformation(kept.map { labels[$0] }, kept.map { result.labels[$0] }))
        #expect((d.adjustedRandIndex ?? 1) < 1 && (d.adjustedRandIndex ?? 0) > 0.5)
        // Each cluster: its true label, then "(no label)" (a third of the blob), then the wrong ones.
        for c in d.composition ?? [] {
            #expect(c.labels.count >= 2 && c.labels[1].label == ClusterDiagnostics.noLabel, "\(c)")
            #expect(c.labels.map { $0.unlabeled == true } == c.labels.map { $0.label == ClusterDiagnostics.noLabel })
            #expect(c.labels.reduce(0) { $0 + $1.count } == c.size)
        }
        #expect(d.summary.contains("(on the 400 labelled points)"))
        // No label at all: no scores, composition only.
        let none = try ClusterDiagnostics.make(result: result, data: x, configuration: configuration,
                                               labels: [Int](repeating: -1, count: x.rows), labelNames: [])
        #expect(none.adjustedRandIndex == nil && none.normalizedMutualInformation == nil && none.labeledCount == 0)
        #expect(none.composition?.allSatisfy { $0.labels.map(\.label) == [ClusterDiagnostics.noLabel] } == true)
    }

    @Test("--clusters auto picks the number of well-separated blobs and reports the curve")
    func automaticK() throws {
        let x = Matrix(reference.blobs.points)
        let selection = try ClusterCountSelection.select(x, range: 2...8, configuration: .init(clusterCount: 2, initCount: 3),
                                                         sampleSize: 300)
        #expect(selection.clusterCount == reference.blobs.k)
        #expect(selection.curve.map(\.clusterCount) == Array(2...8))
        #expect(selection.result.centers.rows == selection.clusterCount)
        #expect(selection.weakStructureNotice == nil)
        // One Gaussian cloud has no cluster structure: whatever k wins, the notice says so.
        var rng = SplitMix64(seed: 5)
        let cloud = Matrix(rows: 400, columns: 8, storage: (0..<3200).map { _ in Float(rng.nextGaussian()) })
        let flat = try ClusterCountSelection.select(cloud, range: 2...6, configuration: .init(clusterCount: 2, initCount: 2),
                                                    sampleSize: 400)
        let best = try #require(flat.curve.first { $0.clusterCount == flat.clusterCount }?.silhouette)
        #expect(best < 0.25)
        #expect(flat.weakStructureNotice?.contains(String(format: "%.3f at k=%d", best, flat.clusterCount)) == true)
    }

    @Test("--clusters auto on copies of one point gives one cluster, not an empty second one")
    func automaticKOnIdenticalPoints() throws {
        let same = Matrix(rows: 12, columns: 4, storage: (0..<48).map { Float($0 % 4) })
        let selection = try ClusterCountSelection.select(same, configuration: .init(clusterCount: 2, initCount: 2))
        #expect(selection.clusterCount == 1)
        #expect(selection.result.centers.rows == 1)
        #expect(Set(selection.result.labels) == [0])
        #expect(selection.curve.map(\.clusterCount) == Array(2...11))
        #expect(selection.curve.allSatisfy { $0.silhouette == nil })
        #expect(selection.result.notices.contains { $0.contains("one cluster") })
        #expect(selection.report == "auto k: no silhouette for k=2…11; one cluster")
    }
}
