import ArgumentParser
import MicseSupport

/// Options every stage shares, declared once: the master seed and the thread count.
///
/// One `--seed` seeds the whole run: UMAP (initialisation noise, edge sampling), k-means
/// (k-means++ seeding, restarts, silhouette subsample) and the plot's drawing order each derive
/// their own stream from it, and no result depends on `--threads`.
struct RunOptions: ParsableArguments {
    @Option(help: "Seed of every random choice; the same seed gives the same result whatever --threads is.")
    var seed: UInt64 = 42

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }
}
