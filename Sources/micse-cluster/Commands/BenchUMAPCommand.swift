import ArgumentParser
import CorpusIO
import Foundation
import LinearAlgebra
import ManifoldLayout
import MicseSupport

/// `micse-cluster bench umap`: per-stage UMAP times on an embedding file and on synthetic clustered data.
struct BenchUMAPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umap",
        abstract: "Time UMAP per stage (kNN, graph, init, layout) and its growth with N.",
        discussion: """
        With an embeddings file: median of --runs seeded fits (warm, in one process). With --growth: seeded \
        fits on synthetic clustered data (Gaussian blobs, --synthetic-dimension columns) of each --sizes. \
        Prints one line per run and a JSON summary on stdout.

        Examples:
          micse-cluster bench umap embeddings_cls.npy --runs 3 --threads 2
          micse-cluster bench umap --growth --sizes 10000,45000,200000
        """)

    @Argument(help: "Embeddings .npy (N, D).", transform: URL.init(fileURLWithPath:))
    var embeddings: URL?

    @Option(help: "Timed runs per input (median reported).")
    var runs = 3

    @Flag(help: "Also time synthetic clustered data of each --sizes.")
    var growth = false

    @Option(help: "Comma-separated point counts for --growth.")
    var sizes = "10000,45000,200000"

    @Option(name: .customLong("synthetic-dimension"), help: "Columns of the synthetic data.")
    var syntheticDimension = 32

    @Option(help: "Write the last layout of the embeddings file here (.npy or .csv).", transform: URL.init(fileURLWithPath:))
    var output: URL?

    @OptionGroup var umap: UMAPOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard embeddings != nil || growth else { throw ValidationError("give an embeddings file, --growth, or both.") }
    }

    func run() throws {
        if let output { try AtomicFile.checkDistinct(outputs: [(output, "--output")], inputs: embeddings.map { [$0] } ?? []) }
        let configuration = umap.configuration(run: runOptions)
        let threads = resolvedThreadCount(configuration.threadCount)
        BLAS.setThreadCount(threads)
        var summary: [String] = []
        if let embeddings {
            let array = try NPYFile.read(embeddings)
            let data = Matrix(rows: array.rows, columns: array.columns, storage: array.values)
            let (line, last) = try time(data, name: embeddings.lastPathComponent, configuration: configuration)
            summary.append(line)
            if let output, let last { try writeCoordinates(last, to: output) }
        }
        if growth {
            for size in sizes.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) where size >= 3 {
                let data = syntheticBlobs(count: size, dimension: syntheticDimension, clusters: 20, seed: 7)
                let (line, _) = try time(data, name: "blobs-\(size)", configuration: configuration, runs: 1)
                summary.append(line)
            }
        }
        print("{\"threads\": \(threads), \"results\": [\(summary.joined(separator: ", "))]}")
    }

    private func time(_ data: Matrix, name: String, configuration: UMAPConfiguration, runs: Int? = nil) throws -> (String, Matrix?) {
        var results: [UMAPResult] = []
        for run in 0..<(runs ?? self.runs) {
            let clock = Stopwatch()
            let result = try UMAP(configuration: configuration).fit(data)
            let wall = clock.seconds
            let t = result.timings
            FileHandle.standardError.write(Data(String(format: "%@ run %d: N=%d total %.3fs (wall %.3fs): dedup %.3f knn %.3f graph %.3f init %.3f layout %.3f; %d components, init %@%@; CPU s: knn %.3f graph %.3f init %.3f layout %.3f\n",
                                                      name, run + 1, data.rows, t.total, wall, t.deduplicate, t.knn, t.graph, t.initialize, t.layout,
                                                      result.componentCount, result.initialization.rawValue,
                                                      result.spectralStatus.map { " (\($0))" } ?? "", t.cpuKNN, t.cpuGraph, t.cpuInitialize, t.cpuLayout).utf8))
            results.append(result)
        }
        func median(_ values: [Double]) -> Double { let s = values.sorted(); return s[s.count / 2] }
        let stages: [(String, (UMAPTimings) -> Double)] = [("total", { $0.total }), ("dedup", { $0.deduplicate }), ("knn", { $0.knn }),
                                                          ("graph", { $0.graph }), ("init", { $0.initialize }), ("layout", { $0.layout }),
                                                          ("cpu_knn", { $0.cpuKNN }), ("cpu_graph", { $0.cpuGraph }),
                                                          ("cpu_init", { $0.cpuInitialize }), ("cpu_layout", { $0.cpuLayout })]
        let fields = stages.map { name, get in String(format: "\"%@\": %.4f", name, median(results.map { get($0.timings) })) }
        let line = "{\"input\": \"\(name)\", \"points\": \(data.rows), \"runs\": \(results.count), " + fields.joined(separator: ", ") + "}"
        return (line, results.last?.coordinates)
    }
}

/// Gaussian blobs: `clusters` centres uniform in [−10, 10]^D, unit spread, seeded.
func syntheticBlobs(count: Int, dimension: Int, clusters: Int, seed: UInt64) -> Matrix {
    var rng = SplitMix64(seed: seed)
    let centres = (0..<(clusters * dimension)).map { _ in rng.nextDouble() * 20 - 10 }
    var values = [Float](repeating: 0, count: count * dimension)
    for i in 0..<count {
        let c = rng.nextInt(below: clusters)
        for j in 0..<dimension { values[i * dimension + j] = Float(centres[c * dimension + j] + rng.nextGaussian()) }
    }
    return Matrix(rows: count, columns: dimension, storage: values)
}
