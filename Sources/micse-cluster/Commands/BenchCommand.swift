import ArgumentParser

/// `micse-cluster bench <stage>`: time one stage on this machine, to run side by side with the
/// Python peers of ../shared/bench (the scripts Tests/Benchmarks/compare_*.sh do both in one run).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one stage of the pipeline (use a release build).",
        discussion: """
        Each prints its figures; Tests/Benchmarks/compare_<stage>.sh runs the same benchmark and the \
        Python peer side by side and prints the ratios.

        Examples:
          micse-cluster bench tokenize
          micse-cluster bench embed --limit 2000
          micse-cluster bench knn embeddings.npy
          micse-cluster bench umap embeddings.npy --runs 3
          micse-cluster bench kmeans embeddings_mean.npy --k 3 20
          micse-cluster bench render --points 1000000 --categories 20
          micse-cluster bench tokenize \\
              --csv ../shared/data/tweet_eval_sentiment_test.csv
          micse-cluster bench embed \\
              --csv ../shared/data/tweet_eval_sentiment_test.csv --limit 2000
        """,
        subcommands: [BenchTokenizeCommand.self, BenchEmbedCommand.self, BenchKNNCommand.self, BenchUMAPCommand.self, BenchKMeansCommand.self, BenchRenderCommand.self]
    )
}
