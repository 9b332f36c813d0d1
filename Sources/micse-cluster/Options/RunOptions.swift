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

    @Option(help: "Worker threads (1…1024; default: all cores).")
    var threads: Int?

    func validate() throws {
        try Self.validate(threads: threads)
    }

    /// Worker threads: 1…1024 (more would only cost memory and start-up time).
    static func validate(threads: Int?) throws {
        if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads must be 1…1024 (got \(threads)).") }
    }
}
