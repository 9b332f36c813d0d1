// swift-tools-version:6.0
//
// micse-cluster: embed a corpus with a BERT sentence encoder (miCSE by default), lay it out with UMAP,
// cluster it with k-means and draw it. Module graph (dependencies point one way, downwards):
//
//   micse-cluster (CLI, the only importer of ArgumentParser)
//     └─ MicsePipeline (orchestration: stages in order, cache, run manifest)
//          ├─ SentenceEmbedding ─ Tokenization
//          ├─ ManifoldLayout ─ NeighborGraph
//          ├─ Clustering
//          ├─ Rendering ─ CPNG, CFreeType
//          ├─ InteractiveMap (colours come from the caller)
//          └─ CorpusIO
//   all numeric modules ─ LinearAlgebra (only importer of CBLAS/CLAPACKE) ─ MicseSupport
import PackageDescription
import Foundation

/// The numeric kernels (UMAP's SGD, the kNN and k-means distance loops, the encoder's element-wise
/// passes) are plain Swift SIMD code; compiled for the build machine's CPU (`-target-cpu native`,
/// Swift's `-march=native`) they use its full vector width (AVX2 on current x86-64: about 20% less
/// time for UMAP and k-means than the x86-64 baseline's SSE2, with bit-identical results, as Swift
/// never contracts a·b + c into an FMA). `MICSE_PORTABLE=1 swift build ...` builds for the baseline
/// instead, for a binary that runs on any x86-64 machine (and for use as a package dependency, which
/// SwiftPM allows only without unsafe flags).
let cpuSettings: [SwiftSetting] = {
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["MICSE_PORTABLE"] != "1" {
        return [.unsafeFlags(["-target-cpu", "native"])]
    }
    #endif
    return []
}()

let package = Package(
    name: "micse-cluster",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "micse-cluster", targets: ["micse-cluster"]),
        .library(name: "MicseCluster", targets: [
            "MicseSupport", "LinearAlgebra", "CorpusIO", "Tokenization", "SentenceEmbedding",
            "NeighborGraph", "ManifoldLayout", "Clustering", "Rendering", "InteractiveMap", "MicsePipeline",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - System libraries (Debian packages named in `providers`)
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE", providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CFreeType", path: "Sources/CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),

        // MARK: - Library modules
        .target(name: "MicseSupport"),
        .target(name: "LinearAlgebra", dependencies: ["MicseSupport", "CBLAS", "CLAPACKE"]),
        .target(name: "CorpusIO", dependencies: ["MicseSupport"]),
        .target(name: "Tokenization", dependencies: ["MicseSupport"]),
        .target(name: "SentenceEmbedding", dependencies: ["MicseSupport", "LinearAlgebra", "Tokenization", "CorpusIO"]),
        .target(name: "NeighborGraph", dependencies: ["MicseSupport", "LinearAlgebra"]),
        .target(name: "ManifoldLayout", dependencies: ["MicseSupport", "LinearAlgebra", "NeighborGraph"]),
        .target(name: "Clustering", dependencies: ["MicseSupport", "LinearAlgebra"]),
        .target(name: "Rendering", dependencies: ["MicseSupport", "CPNG", "CFreeType"]),
        .target(name: "InteractiveMap", dependencies: ["MicseSupport"]),
        .target(name: "MicsePipeline", dependencies: [
            "MicseSupport", "LinearAlgebra", "CorpusIO", "Tokenization", "SentenceEmbedding",
            "NeighborGraph", "ManifoldLayout", "Clustering", "Rendering", "InteractiveMap",
        ]),

        // MARK: - Command-line tool
        .executableTarget(name: "micse-cluster", dependencies: [
            "MicsePipeline", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Examples (the miCSE model card's three examples, natively)
        .executableTarget(name: "example-similarity", dependencies: ["MicsePipeline", "MicseSupport"], path: "Examples/Similarity"),
        .executableTarget(name: "example-cluster-tweets", dependencies: ["MicsePipeline", "Rendering"], path: "Examples/ClusterTweets"),
        .executableTarget(name: "example-library-api", dependencies: [
            "MicsePipeline", "MicseSupport", "CorpusIO", "SentenceEmbedding", "ManifoldLayout", "Clustering", "Rendering",
        ], path: "Examples/LibraryAPI"),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["MicseSupport", "LinearAlgebra"], path: "Tests/TestSupport"),
        .testTarget(name: "MicseSupportTests", dependencies: ["MicseSupport", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "CorpusIOTests", dependencies: ["CorpusIO", "TestSupport"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SentenceEmbeddingTests", dependencies: ["SentenceEmbedding", "Tokenization", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "NeighborGraphTests", dependencies: ["NeighborGraph", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ManifoldLayoutTests", dependencies: ["ManifoldLayout", "NeighborGraph", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ClusteringTests", dependencies: ["Clustering", "CorpusIO", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "InteractiveMapTests", dependencies: ["InteractiveMap", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CommandLineTests", dependencies: ["CorpusIO", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["MicsePipeline", "Clustering", "CorpusIO", "MicseSupport", "Rendering", "TestSupport"], exclude: ["Fixtures"]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + cpuSettings
}
