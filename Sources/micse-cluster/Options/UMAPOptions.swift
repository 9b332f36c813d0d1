import ArgumentParser
import ManifoldLayout

extension NeighborSearchMethod: ExpressibleByArgument {}
extension InitializationMethod: ExpressibleByArgument {}

/// UMAP options shared by `micse-cluster umap` and the main pipeline (declared once).
struct UMAPOptions: ParsableArguments {
    @Option(name: .customLong("neighbors"), help: "Neighbourhood size n_neighbors, the point itself included (umap-learn default).")
    var neighbors = 15

    @Option(name: .customLong("min-dist"), help: "Minimum distance between embedded points.")
    var minDist = 0.1

    @Option(help: "Scale of the embedded points (min-dist must not exceed it).")
    var spread = 1.0

    @Option(help: "SGD epochs (default: 500 up to 10,000 points, 200 above).")
    var epochs: Int?

    @Option(name: .customLong("learning-rate"), help: "Initial SGD learning rate.")
    var learningRate = 1.0

    @Option(name: .customLong("negative-sample-rate"), help: "Negative samples per positive sample.")
    var negativeSampleRate = 5

    @Option(name: .customLong("repulsion-strength"), help: "Weight of the repulsive term (gamma).")
    var repulsionStrength = 1.0

    @Option(name: .customLong("local-connectivity"), help: "Neighbours assumed connected (rho); fractional values interpolate.")
    var localConnectivity = 1.0

    @Option(name: .customLong("set-op-mix-ratio"), help: "1 = fuzzy union, 0 = fuzzy intersection when symmetrising.")
    var setOpMixRatio = 1.0

    @Option(name: .customLong("init"), help: "Initialisation: spectral (falls back to random when the eigensolver fails) or random.")
    var initialization: InitializationMethod = .spectral

    @Option(help: "kNN search: exact, approx (NN-descent) or auto.")
    var knn: NeighborSearchMethod = .auto

    @Flag(name: .customLong("keep-duplicates"), help: "Lay out identical rows separately instead of once.")
    var keepDuplicates = false

    init() {}

    func validate() throws {
        do { try configuration(seed: 0, threads: nil).validate() } catch let error as UMAPError {
            throw ValidationError(error.description)
        }
    }

    /// The UMAP configuration, seeded and threaded by the shared `--seed` and `--threads`.
    func configuration(run: RunOptions) -> UMAPConfiguration { configuration(seed: run.seed, threads: run.threads) }

    private func configuration(seed: UInt64, threads: Int?) -> UMAPConfiguration {
        UMAPConfiguration(neighborCount: neighbors, minDistance: minDist, spread: spread, epochCount: epochs,
                          learningRate: learningRate, repulsionStrength: repulsionStrength,
                          negativeSampleRate: negativeSampleRate, localConnectivity: localConnectivity,
                          setOpMixRatio: setOpMixRatio, initialization: initialization, neighborSearch: knn,
                          seed: seed, threadCount: threads, deduplicateRows: !keepDuplicates)
    }
}
