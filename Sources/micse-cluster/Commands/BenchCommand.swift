import ArgumentParser

/// `micse-cluster bench <stage>`: repeatable benchmarks, one subcommand per stage.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks of the pipeline stages (per-stage times, growth with N).",
        discussion: "Example:\n  micse-cluster bench umap embeddings.npy --runs 3",
        subcommands: [BenchUMAPCommand.self])
}
