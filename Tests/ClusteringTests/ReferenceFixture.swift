import CorpusIO
import Foundation
import LinearAlgebra

/// Tests/ClusteringTests/Fixtures/kmeans_reference.json, written by make_kmeans_fixtures.py (scikit-learn).
struct KMeansReference: Decodable {
    struct Doctest: Decodable { let points: [[Float]]; let k: Int; let centers: [[Double]]; let inertia: Double; let labels: [Int] }
    struct Blobs: Decodable { let points: [[Float]]; let k: Int; let labels: [Int]; let inertia: Double }
    struct MetricCase: Decodable {
        let name: String; let labels: [Int]; let ari: Double; let nmi: Double
        let ari_vs_one: Double; let nmi_vs_one: Double; let silhouette: Double?
    }
    struct Metrics: Decodable { let points: [[Float]]; let truth: [Int]; let cases: [MetricCase] }
    struct Fit: Decodable { let inertia: Double; let n_iter: Int }

    let sklearn: String
    let doctest: Doctest
    let blobs: Blobs
    let metrics: Metrics
    let tweets_1000: [String: FitOrInfo]

    enum FitOrInfo: Decodable {
        case fit(Fit), other
        init(from decoder: Decoder) throws {
            if let fit = try? Fit(from: decoder) { self = .fit(fit) } else { self = .other }
        }
        var fit: Fit? { if case .fit(let f) = self { return f }; return nil }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load() throws -> KMeansReference {
        let data = try Data(contentsOf: folder.appendingPathComponent("kmeans_reference.json"))
        return try JSONDecoder().decode(KMeansReference.self, from: data)
    }

    /// The first 1,000 tweets' MiniLM embeddings (raw mean pooling), (1000, 384).
    static func tweetEmbeddings() throws -> Matrix {
        let array = try NPYFile.read(folder.appendingPathComponent("minilm_tweets_1000.npy"))
        return Matrix(rows: array.rows, columns: array.columns, storage: array.values)
    }
}

/// True when `a` and `b` are the same partition up to a renaming of the labels.
func samePartition<A: BinaryInteger, B: BinaryInteger>(_ a: [A], _ b: [B]) -> Bool {
    guard a.count == b.count else { return false }
    var forward: [Int: Int] = [:], backward: [Int: Int] = [:]
    for (x, y) in zip(a, b) {
        let x = Int(x), y = Int(y)
        if let m = forward[x], m != y { return false }
        if let m = backward[y], m != x { return false }
        forward[x] = y; backward[y] = x
    }
    return true
}
