import ArgumentParser

/// `micse-cluster bench <stage>`: benchmarks to run beside the Python peers in ../shared/bench.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks of single stages, to compare with the Python peers.",
        discussion: """
        Example:
          micse-cluster bench kmeans embeddings_mean.npy --k 3 20
        """,
        subcommands: [BenchKMeansCommand.self]
    )
}
