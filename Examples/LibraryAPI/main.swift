// Using micse-cluster's stages from another Swift program, one by one, without the CLI:
// read a corpus, embed it, lay it out with UMAP, cluster it, and render a PNG.
//
//   swift run -c release example-library-api [corpus.csv] [out.png]
import Clustering
import CorpusIO
import Foundation
import ManifoldLayout
import MicsePipeline
import SentenceEmbedding
import MicseSupport
import Rendering

let arguments = CommandLine.arguments
let input = URL(fileURLWithPath: arguments.count > 1 ? arguments[1] : "Examples/tweets.csv")
let output = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : "Output/library-api.png")

do {
    // 1. Corpus: texts and labels in input order.
    let corpus = try CorpusReader.read(input)
    print("read \(corpus.count) documents from \(input.lastPathComponent)")

    // 2. Embeddings with the default model (miCSE if present, else the bundled MiniLM).
    let embedder = try EmbeddingStage(model: nil, pooling: nil, normalize: nil, maxLength: 128)
    let embedded = try embedder.embed(corpus.texts, cache: EmbeddingCache(), progress: SilentProgress())
    print("embedded with \(embedder.resolved.directory.name): \(embedded.embeddings.rows)×\(embedded.embeddings.columns)")

    // 3. UMAP to 2-D, seeded (identical for any thread count).
    let layout = try UMAP(configuration: UMAPConfiguration(seed: 7)).fit(embedded.embeddings)
    print(String(format: "UMAP: %.2f s, %d component(s)", layout.timings.total, layout.componentCount))

    // 4. k-means on the normalised embeddings, one cluster per label.
    let k = max(2, Set(corpus.labels ?? []).count)
    let kmeans = try KMeans.fit(embedded.embeddings.l2Normalized(), configuration: KMeansConfiguration(clusterCount: k, seed: 7))
    print("k-means: k=\(k), inertia \(kmeans.inertia), sizes \(kmeans.clusterSizes)")

    // 5. A PNG coloured by cluster.
    let x = (0..<layout.coordinates.rows).map { layout.coordinates[$0, 0] }
    let y = (0..<layout.coordinates.rows).map { layout.coordinates[$0, 1] }
    let data = ScatterData(x: x, y: y, clusters: kmeans.labels.map(Int.init))
    let image = try ScatterPlot.render(data, configuration: PlotConfiguration(width: 1000, title: corpus.name))
    try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
    try PNGEncoder.write(image, to: output)
    print("wrote \(output.path)")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
