import ArgumentParser

/// `micse-cluster bench <stage>`: repeatable timings of one stage, to compare with the Python peers
/// in /work/shared/bench (see Tests/Benchmarks/compare_<stage>.sh).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one stage of the pipeline on given or synthetic data.",
        discussion: "Examples:\n  micse-cluster bench knn embeddings.npy --k 15\n  micse-cluster bench umap embeddings.npy --runs 3",
        subcommands: [BenchKNNCommand.self, BenchUMAPCommand.self]
    )
}
