import ArgumentParser
import Clustering
import CorpusIO
import Foundation
import LinearAlgebra
import MicsePipeline
import MicseSupport

/// `micse-cluster kmeans EMB.npy`: k-means on saved embeddings, with diagnostics.
struct KMeansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans",
        abstract: "Cluster embeddings (.npy) with k-means; write id,cluster CSV and diagnostics JSON.",
        discussion: """
        Rows are L2-normalised first (cosine geometry, as the main pipeline clusters embeddings); --raw clusters the vectors as given (e.g. 2-D UMAP coordinates). With --labels, the diagnostics add each cluster's label composition, ARI and NMI. The diagnostics JSON is written next to the CSV (clusters.csv → clusters.diagnostics.json). CSV ids are 0-based row indices in input order.

        Examples:
          micse-cluster kmeans embeddings.npy --clusters 3 --labels labels.npy \\
              --output clusters.csv
          micse-cluster kmeans embeddings.npy --clusters auto --output clusters.csv
        """
    )

    @Argument(help: "Embeddings, float32/float64 .npy of shape (n, d).", transform: URL.init(fileURLWithPath:))
    var embeddings: URL

    @Option(help: "Reference labels: .npy of integers (a negative one, as scikit-learn's -1: no label), or a text file with one label per line (an empty line: no label).",
            transform: URL.init(fileURLWithPath:))
    var labels: URL?

    @Option(name: [.short, .long], help: "Output CSV (id,cluster).", transform: URL.init(fileURLWithPath:))
    var output: URL

    @Flag(help: "Cluster the vectors as given instead of L2-normalising the rows.")
    var raw = false

    @Option(help: "Points sampled for the silhouette (and for --clusters auto).")
    var silhouetteSample = 2000

    @OptionGroup var options: ClusterOptions
    @OptionGroup var runOptions: RunOptions

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    func validate() throws {
        guard output.pathExtension.lowercased() == "csv" else {
            throw ValidationError("--output must end in .csv (got \(output.lastPathComponent)).")
        }
        guard silhouetteSample >= 2 else { throw ValidationError("--silhouette-sample must be at least 2 (got \(silhouetteSample)).") }
    }

    /// clusters.csv → clusters.diagnostics.json
    static func diagnosticsURL(for output: URL) -> URL {
        output.deletingPathExtension().appendingPathExtension("diagnostics.json")
    }

    func run() throws {
        try AtomicFile.checkDistinct(outputs: [(output, "--output"), (Self.diagnosticsURL(for: output), "the diagnostics")],
                                     inputs: [embeddings, labels].compactMap { $0 })
        try AtomicFile.checkWritable(output)
        let array = try NPYFile.read(embeddings)
        var data = Matrix(rows: array.rows, columns: array.columns, storage: array.values)
        if let row = data.firstNonFiniteRow() {
            throw MicseError("\(embeddings.path): row \(row + 1) holds a NaN or infinite value")
        }
        if !raw { data.normalizeRows() }
        let reference = try labels.map(LabelFile.read)
        if let reference, let labels, reference.codes.count != data.rows {
            throw MicseError("\(labels.path): \(reference.codes.count) labels for \(data.rows) embeddings in \(embeddings.path) — give one label per row")
        }

        let result: KMeansResult
        let configuration: KMeansConfiguration
        var curve: [ClusterCountSelection.Candidate]?
        let (choice, notice) = options.clusterCount(distinctLabels: reference?.names.count)
        if let notice, !quiet { FileHandle.standardError.write(Data("note: \(notice)\n".utf8)) }
        switch choice {
        case .fixed(let k):
            configuration = options.configuration(clusterCount: k, run: runOptions)
            result = try KMeans.fit(data, configuration: configuration, progress: ConsoleReporter(verbosity: quiet ? .quiet : .normal))
        case .auto:
            let selection = try ClusterCountSelection.select(data, configuration: options.configuration(clusterCount: 2, run: runOptions),
                                                             sampleSize: silhouetteSample)
            configuration = options.configuration(clusterCount: selection.clusterCount, run: runOptions)
            result = selection.result
            curve = selection.curve
        }
        var diagnostics = try ClusterDiagnostics.make(result: result, data: data, configuration: configuration,
                                                      labels: reference?.codes, labelNames: reference?.names,
                                                      silhouetteSampleSize: silhouetteSample, seed: runOptions.seed)
        diagnostics.selectionCurve = curve

        var csv = "id,cluster\n"
        csv.reserveCapacity(result.labels.count * 10)
        for (i, label) in result.labels.enumerated() { csv += "\(i),\(label)\n" }
        let diagnosticsURL = Self.diagnosticsURL(for: output)
        try AtomicFile.group {   // both files, or neither
            try AtomicFile.write(Data(csv.utf8), to: output)
            try AtomicFile.write(diagnostics.jsonData(), to: diagnosticsURL)
        }
        guard !quiet else { return }
        print(diagnostics.summary)
        print("wrote \(output.path) and \(diagnosticsURL.path)")
    }
}

/// Reference labels for diagnostics: integer .npy, or one label per line of text.
enum LabelFile {
    /// Label codes (index into `names`, names sorted as numpy's `unique`) and the names; an empty
    /// line is a row without a label (code −1, left out of ARI and NMI).
    static func read(_ url: URL) throws -> (codes: [Int], names: [String]) {
        let values: [String]
        if url.pathExtension.lowercased() == "npy" {
            // Negative integers mark unlabelled points (scikit-learn's semi-supervised -1): left out of ARI and NMI.
            values = try NPYFile.readIntegers(url).map { $0 < 0 ? "" : String($0) }
        } else {
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw MicseError("\(url.path): cannot read labels (\(FileManager.default.fileExists(atPath: url.path) ? "not UTF-8 text" : "no such file"))")
            }
            values = CorpusReader.lines(of: text)
        }
        let trimmed = values.map { $0.trimmingCharacters(in: .whitespaces) }
        let present = Set(trimmed.filter { !$0.isEmpty })
        let numeric = present.allSatisfy { Int($0) != nil }
        let names = present.sorted { numeric ? Int($0)! < Int($1)! : $0 < $1 }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return (trimmed.map { index[$0] ?? -1 }, names)
    }
}
