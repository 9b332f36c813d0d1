import ArgumentParser
import Clustering
import MicsePipeline

/// Where the pipeline clusters: the L2-normalised embeddings (cosine geometry) or the 2-D UMAP layout.
enum ClusterSpaceOption: String, ExpressibleByArgument, CaseIterable {
    case embedding, umap
}

/// `--clusters K|auto`.
enum ClusterCountOption: ExpressibleByArgument, Equatable {
    case fixed(Int)
    case auto

    init?(argument: String) {
        if argument.lowercased() == "auto" { self = .auto; return }
        guard let k = Int(argument) else { return nil }
        self = .fixed(k)
    }

    var defaultValueDescription: String {
        switch self { case .fixed(let k): return String(k); case .auto: return "auto" }
    }
}

/// `--keep-restarts N|all`: how many restarts go on after `KMeansPruning.standard`'s iterations.
enum RestartKeepOption: ExpressibleByArgument, Equatable {
    case count(Int)
    case all

    init?(argument: String) {
        if argument.lowercased() == "all" { self = .all; return }
        guard let n = Int(argument) else { return nil }
        self = .count(n)
    }

    /// Refuses a count below 1 with the accepted values.
    func validate() throws {
        if case .count(let n) = self, n < 1 { throw ValidationError("--keep-restarts must be at least 1 or 'all' (got \(n)).") }
    }

    var defaultValueDescription: String {
        switch self { case .count(let n): return String(n); case .all: return "all" }
    }

    static let help = ArgumentHelp(
        "Restarts that go on after \(KMeansPruning.standard.afterIterations) iterations: the n of lowest inertia, or 'all'.",
        discussion: "The others stop there and are not candidates, which saves most of their convergence time. Restarts that converged earlier count with their final inertia; with --max-iter 10 or less nothing is stopped. 'all' runs every restart to the end, as scikit-learn's n_init does; on the tweet embeddings the result was the same for most seeds and 0.02-0.06% worse on average (see the README).",
        valueName: "n|all")

    /// The pruning this option asks for (nil: none).
    var pruning: KMeansPruning? {
        switch self {
        case .all: return nil
        case .count(let n): return KMeansPruning(afterIterations: KMeansPruning.standard.afterIterations, keep: n)
        }
    }
}

/// k-means options shared by `micse-cluster kmeans` and the main pipeline.
struct ClusterOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Number of k-means clusters, or 'auto' to choose k in 2…20 by silhouette on a seeded subsample.",
        discussion: "Default: the number of distinct labels when labels are given (up to \(PipelineConfiguration.maxClustersFromLabels)), else \(PipelineConfiguration.defaultClusterCount).",
        valueName: "k|auto"))
    var clusters: ClusterCountOption?

    @Option(name: .customLong("n-init"), help: "k-means++ restarts (1…10,000); the lowest inertia is kept (see --keep-restarts).")
    var nInit = 10

    @Option(help: RestartKeepOption.help)
    var keepRestarts: RestartKeepOption = .count(KMeansPruning.standard.keep)

    @Option(help: "Maximum Lloyd iterations per restart.")
    var maxIter = 300

    @Option(help: "Convergence tolerance on the centre shift, relative to the mean feature variance.")
    var tol: Double = 1e-4

    @Option(help: "Assignment step: 'elkan' (all restarts share one GEMM per row block; from k = 12, Elkan's bounds skip most distances once labels settle), 'lloyd' (the same without bounds: every distance) or 'hamerly' (bounds, one restart at a time). The bounds are exact: with --keep-restarts all only the time differs (hamerly, one restart at a time, ranks each restart for the pruning against those before it, so it may keep others).")
    var kmeans: KMeansAlgorithm = .elkan

    func validate() throws {
        if case .fixed(let k) = clusters, k < 1 {
            throw ValidationError("--clusters must be at least 1 or 'auto' (got \(k)).")
        }
        try keepRestarts.validate()
        guard (1...10_000).contains(nInit) else { throw ValidationError("--n-init must be 1…10,000 (got \(nInit)).") }
        guard (1...1_000_000).contains(maxIter) else { throw ValidationError("--max-iter must be 1…1,000,000 (got \(maxIter)).") }
        guard tol >= 0, tol.isFinite else { throw ValidationError("--tol must be finite and ≥ 0 (got \(tol)).") }
    }

    /// The requested k: explicit, automatic, or derived from the label count (else the default), with the notice
    /// of `PipelineConfiguration.clusterCount(distinctLabels:)` when the labels were too many.
    func clusterCount(distinctLabels: Int?) -> (choice: ClusterCountOption, notice: String?) {
        if let clusters { return (clusters, nil) }
        let (k, notice) = PipelineConfiguration.clusterCount(distinctLabels: distinctLabels)
        return (.fixed(k), notice)
    }

    /// The k-means configuration for `clusterCount` clusters.
    func configuration(clusterCount: Int, run: RunOptions) -> KMeansConfiguration {
        KMeansConfiguration(clusterCount: clusterCount, initCount: nInit, maxIterations: maxIter, tolerance: tol,
                            seed: run.seed, threads: run.threads, algorithm: kmeans, pruning: keepRestarts.pruning)
    }
}

extension KMeansAlgorithm: ExpressibleByArgument {}

/// Where the main pipeline clusters (not an option of `kmeans`, which clusters its input).
struct ClusterSpaceOptions: ParsableArguments {
    @Option(help: "Space to cluster in: the L2-normalised embeddings (cosine geometry) or the 2-D UMAP coordinates.")
    var clusterSpace: ClusterSpaceOption = .embedding
}
