import ArgumentParser
import CorpusIO
import Foundation
import MicsePipeline
import LinearAlgebra
import ManifoldLayout
import MicseSupport

/// `micse-cluster umap EMB.npy --output coords.csv`: UMAP of an embedding matrix.
struct UMAPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umap",
        abstract: "Lay out embeddings (.npy, N×D) in 2-D with UMAP (umap-learn defaults, cosine metric).",
        discussion: """
        Writes coordinates as .npy (float32, N×dim) or .csv (columns id,x,y). Identical rows are laid out once and share coordinates. With a seed (default 42) the output is identical for any --threads.

        Example:
          micse-cluster umap embeddings.npy --output coords.csv \\
              --neighbors 15 --min-dist 0.1 --seed 7
        """)

    @Argument(help: "Embeddings: a float32/float64 .npy file of shape (N, D), e.g. from numpy.", transform: URL.init(fileURLWithPath:))
    var embeddings: URL

    @Option(name: .shortAndLong, help: "Output file: .npy or .csv (id,x,y).", transform: URL.init(fileURLWithPath:))
    var output: URL

    @Option(help: "Output dimension.")
    var dimensions = 2

    @OptionGroup var umap: UMAPOptions
    @OptionGroup var runOptions: RunOptions

    @OptionGroup var verbosity: OutputVerbosityOptions

    func validate() throws {
        let ext = output.pathExtension.lowercased()
        guard ext == "npy" || ext == "csv" else { throw ValidationError("--output must end in .npy or .csv (got \(output.lastPathComponent)).") }
        guard (1...1000).contains(dimensions) else { throw ValidationError("--dimensions must be 1…1000 (got \(dimensions)).") }
    }

    func run() throws {
        try AtomicFile.checkDistinct(outputs: [(output, "--output")], inputs: [embeddings])
        try AtomicFile.checkWritable(output)
        let array = try NPYFile.read(embeddings)
        let data = Matrix(rows: array.rows, columns: array.columns, storage: array.values)
        if let row = data.firstNonFiniteRow() {
            throw MicseError("\(embeddings.path): row \(row + 1) holds a NaN or infinite value")
        }
        var configuration = umap.configuration(run: runOptions)
        configuration.componentCount = dimensions
        let reporter = ConsoleReporter(verbosity: verbosity.quiet ? .quiet : (verbosity.verbose ? .verbose : .normal))
        let result = try UMAP(configuration: configuration).fit(data, progress: reporter)
        try writeCoordinates(result.coordinates, to: output)
        if !verbosity.quiet {
            let t = result.timings
            let line = String(format: "umap: %d points (%d distinct), %d components, init %@, a=%.4f b=%.4f, %d epochs; knn %.2fs graph %.2fs init %.2fs layout %.2fs",
                              data.rows, result.uniqueCount, result.componentCount, result.initialization.rawValue,
                              result.a, result.b, result.epochCount, t.knn, t.graph, t.initialize, t.layout)
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}

/// Writes (N, dim) coordinates as .npy or as CSV `id,x,y[,z…]` (id = 0-based row), atomically.
func writeCoordinates(_ coordinates: Matrix, to url: URL) throws {
    if url.pathExtension.lowercased() == "npy" {
        try NPYFile.write(rows: coordinates.rows, columns: coordinates.columns, values: coordinates.storage, to: url)
        return
    }
    let names = ["x", "y", "z"]
    var text = "id," + (0..<coordinates.columns).map { $0 < 3 ? names[$0] : "c\($0)" }.joined(separator: ",") + "\n"
    text.reserveCapacity(coordinates.rows * 32)
    for i in 0..<coordinates.rows {
        text += String(i)
        for c in 0..<coordinates.columns { text += "," + String(coordinates[i, c]) }
        text += "\n"
    }
    try AtomicFile.write(Data(text.utf8), to: url)
}

