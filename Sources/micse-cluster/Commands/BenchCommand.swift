import ArgumentParser

/// Benchmarks of single stages, run side by side with the Python peers (Tests/Benchmarks/compare_*.sh).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one stage of the pipeline (use a release build).",
        discussion: """
        Example:
          swift run -c release micse-cluster bench render --points 1000000 --categories 20
        """,
        subcommands: [BenchRenderCommand.self]
    )
}
