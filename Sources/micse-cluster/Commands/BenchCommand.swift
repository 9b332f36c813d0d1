import ArgumentParser

/// `micse-cluster bench <stage>`: repeatable timings of one stage, to compare with the Python peers
/// in /work/shared/bench (see Tests/Benchmarks/compare_<stage>.sh).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one stage of the pipeline on given or synthetic data.",
        discussion: "Example: micse-cluster bench knn embeddings.npy --k 15",
        subcommands: [BenchKNNCommand.self]
    )
}
