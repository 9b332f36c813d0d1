import ArgumentParser
import Clustering
import CorpusIO
import Foundation
import LinearAlgebra
import MicseSupport

/// `micse-cluster bench kmeans EMB.npy --k 3 20`: time and inertia, to set beside bench_kmeans.py.
struct BenchKMeansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans",
        abstract: "Time k-means (n_init restarts) on an .npy and print time and inertia per k.",
        discussion: """
        Mirrors ../shared/bench/bench_kmeans.py (sklearn KMeans(n_init=10, random_state=0)): same inertia definition (Σ squared distances to the nearest centre, in Double). --space raw uses the vectors as given, as bench_kmeans.py does; normalized L2-normalises rows first (the pipeline's cosine geometry). With --reference (make_kmeans_fixtures.py's JSON, section tweets_full) it prints our inertia relative to scikit-learn's. Times (wall and process CPU seconds) are medians of --runs fits after one untimed fit. Output: one JSON object on stdout, a line per k on stderr.

        Example:
          micse-cluster bench kmeans embeddings_mean.npy --k 3 20 --space raw \\
              --reference Tests/ClusteringTests/Fixtures/kmeans_reference.json
        """
    )

    enum Space: String, ExpressibleByArgument, CaseIterable { case raw, normalized }

    @Argument(help: "Points, .npy (n, d).", transform: URL.init(fileURLWithPath:))
    var embeddings: URL

    @Option(parsing: .upToNextOption, help: "Cluster counts.")
    var k: [Int] = [3, 20]

    @Option(help: "Data space: raw (as bench_kmeans.py) or normalized (rows L2-normalised).")
    var space: Space = .raw

    @Option(name: .customLong("n-init"), help: "k-means++ restarts.")
    var nInit = 10

    @Option(help: RestartKeepOption.help)
    var keepRestarts: RestartKeepOption = .count(KMeansPruning.standard.keep)

    @Option(help: "Timed runs (median reported).")
    var runs = 3

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Assignment step: elkan (all restarts batched, with Elkan bounds from k = 12), lloyd (batched, every distance) or hamerly.")
    var kmeans: KMeansAlgorithm = .elkan

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "JSON with scikit-learn inertias (kmeans_reference.json).", transform: URL.init(fileURLWithPath:))
    var reference: URL?

    func validate() throws {
        guard !k.isEmpty, k.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--k needs cluster counts ≥ 1.") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        try keepRestarts.validate()
    }

    func run() throws {
        let array = try NPYFile.read(embeddings)
        var data = Matrix(rows: array.rows, columns: array.columns, storage: array.values)
        if space == .normalized { data.normalizeRows() }
        let sklearn = try reference.map(Self.referenceInertias) ?? [:]
        var report: [String: Any] = ["script": "micse-cluster bench kmeans", "emb": embeddings.path, "n": data.rows,
                                     "dim": data.columns, "space": space.rawValue, "algorithm": kmeans.rawValue,
                                     "threads": resolvedThreadCount(threads), "n_init": nInit,
                                     "keep_restarts": keepRestarts.defaultValueDescription]
        for clusterCount in k {
            let configuration = KMeansConfiguration(clusterCount: clusterCount, initCount: nInit, seed: seed,
                                                    threads: threads, algorithm: kmeans, pruning: keepRestarts.pruning)
            _ = try KMeans.fit(data, configuration: configuration)   // untimed first call
            var times: [Double] = [], cpuTimes: [Double] = []
            var last: KMeansResult?
            for _ in 0..<runs {
                let stopwatch = Stopwatch()
                let cpuStart = Self.processCPUSeconds()
                last = try KMeans.fit(data, configuration: configuration)
                times.append(stopwatch.seconds)
                cpuTimes.append(Self.processCPUSeconds() - cpuStart)
            }
            guard let result = last else { continue }
            let median = times.sorted()[times.count / 2]
            let cpuMedian = cpuTimes.sorted()[cpuTimes.count / 2]
            var entry: [String: Any] = ["median_s": median, "runs_s": times, "median_cpu_s": cpuMedian, "runs_cpu_s": cpuTimes,
                                        "inertia": result.inertia,
                                        "iterations": result.iterations,
                                        "total_iterations": result.iterationStats.count,
                                        "iterations_per_restart": (0..<nInit).map { r in result.iterationStats.filter { $0.restart == r }.count },
                                        "restart_inertias": result.restartInertias,
                                        "pruned_restarts": result.prunedRestarts,
                                        "seeding_s": result.seedingSeconds,
                                        "dense_iterations": result.iterationStats.filter { $0.distanceComputations == data.rows * clusterCount }.count,
                                        "distance_fraction": Double(result.iterationStats.reduce(0) { $0 + $1.distanceComputations })
                                            / Double(max(1, result.iterationStats.count * data.rows * clusterCount))]
            var line = "micse k=\(clusterCount): \(String(format: "%.3f", median)) s (CPU \(String(format: "%.3f", cpuMedian)) s), inertia \(String(format: "%.6g", result.inertia))"
            if let expected = sklearn["\(space.rawValue)_k\(clusterCount)"] {
                let ratio = result.inertia / expected
                entry["sklearn_inertia"] = expected
                entry["inertia_ratio_vs_sklearn"] = ratio
                line += String(format: " (sklearn %.6g, ratio %.5f)", expected, ratio)
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
            report["micse_k\(clusterCount)"] = entry
        }
        let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    /// CPU seconds used by the whole process so far (all threads), CLOCK_PROCESS_CPUTIME_ID.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// "raw_k3" → inertia, from the `tweets_full` section of make_kmeans_fixtures.py's JSON.
    static func referenceInertias(_ url: URL) throws -> [String: Double] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw MicseError("\(url.path): cannot read the reference JSON") }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let full = root["tweets_full"] as? [String: Any] else {
            throw MicseError("\(url.path): no 'tweets_full' section (expected make_kmeans_fixtures.py output)")
        }
        var out: [String: Double] = [:]
        for (key, value) in full {
            if let fit = value as? [String: Any], let inertia = fit["inertia"] as? Double { out[key] = inertia }
        }
        return out
    }
}
