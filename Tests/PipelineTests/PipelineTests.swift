import Testing
import Foundation
@testable import MicsePipeline
import Clustering
import CorpusIO
import TestSupport
import MicseSupport
import Rendering

/// End-to-end runs of the pipeline on small corpora with precomputed embeddings (the encoder has
/// its own parity tests), checking every output file and the degenerate cases.
@Suite("Pipeline")
struct PipelineTests {
    /// A corpus of `n` texts in 3 labelled groups and embeddings that separate the groups.
    /// With `unlabeledEvery`, every such document has an empty label.
    static func makeCorpus(in dir: URL, n: Int, dimension: Int = 16, seed: UInt64 = 1,
                           unlabeledEvery: Int? = nil) throws -> (corpus: URL, embeddings: URL) {
        var rng = SplitMix64(seed: seed)
        var csv = "text,label\n"
        var values: [Float] = []
        for i in 0..<n {
            let group = i % 3
            let label = unlabeledEvery.map { i % $0 == 0 } == true ? "" : "g\(group)"
            csv += "\"document \(i), group \(group) \"\"quoted\"\"\",\(label)\n"
            for d in 0..<dimension { values.append((d % 3 == group ? 3 : 0) + Float(rng.nextGaussian()) * 0.3) }
        }
        let corpus = dir.appendingPathComponent("corpus.csv")
        try Data(csv.utf8).write(to: corpus)
        let embeddings = dir.appendingPathComponent("emb.npy")
        try NPYFile.write(rows: n, columns: dimension, values: values, to: embeddings)
        return (corpus, embeddings)
    }

    /// Embeddings for 29 documents: wrong for a 30-document corpus.
    static func wrongEmbeddings(in dir: URL) throws -> URL {
        let wrong = dir.appendingPathComponent("wrong.npy")
        try NPYFile.write(rows: 29, columns: 4, values: [Float](repeating: 1, count: 116), to: wrong)
        return wrong
    }

    static func configuration(_ corpus: URL, _ embeddings: URL, dir: URL) throws -> PipelineConfiguration {
        var c = PipelineConfiguration(input: corpus)
        c.embeddingsFile = embeddings
        c.outputs = try OutputPlan.resolve(input: corpus, plots: [dir.appendingPathComponent("map.png")],
                                           coordinates: dir.appendingPathComponent("map.csv"), html: dir.appendingPathComponent("map.html"))
        c.plot.width = 400; c.plot.height = 400
        c.threads = 2
        return c
    }

    @Test("a labelled corpus gives the plot, CSV, HTML, diagnostics and manifest, and nothing else")
    func fullRun() throws {
        let dir = try makeTemporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (corpus, embeddings) = try Self.makeCorpus(in: dir, n: 300)
        let result = try Pipeline(configuration: try Self.configuration(corpus, embeddings, dir: dir),
                                  reporter: ConsoleReporter(verbosity: .quiet)).run()
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        #expect(files == ["corpus.csv", "emb.npy", "map.png", "map.csv", "map.html", "map.clusters.json", "map.run.json"])
        let table = try CoordinateTable.read(dir.appendingPathComponent("map.csv"))
        #expect(table.count == 300 && table.ids == Array(0..<300))
        #expect(table.texts?[4] == "document 4, group 1 \"quoted\"")
        #expect(table.labels?[4] == "g1")
        // Well-separated groups: k defaults to the 3 labels and recovers them.
        #expect(result.diagnostics.clusterCount == 3)
        #expect((result.diagnostics.adjustedRandIndex ?? 0) > 0.99)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("map.run.json"))) as? [String: Any]
        #expect((manifest?["input"] as? [String: Any])?["documents"] as? Int == 300)
        #expect((manifest?["configuration"] as? [String: String])?["umap.seed"] == "42")
        // Everything that changes the result is recorded: UMAP's less common options, the batching, the BLAS kernels.
        let configuration = manifest?["configuration"] as? [String: String] ?? [:]
        #expect(["umap.repulsionStrength", "umap.localConnectivity", "umap.setOpMixRatio", "umap.keepDuplicates", "plot.pointSize",
                 "plot.alpha", "plot.dpi"].allSatisfy { configuration[$0] != nil })
        // The title drawn (the default one here), and the k-means restart pruning.
        #expect(configuration["plot.title"] == "corpus · 300 documents · emb.npy")
        #expect(configuration["kmeans.keepRestarts"] == "3 after 10 iterations")
        #expect((manifest?["embeddingsFingerprint"] as? String)?.count == 16)   // vectors from a file: its fingerprint
        #expect(manifest?["blasKernel"] as? String != nil)
        #expect((manifest?["stages"] as? [[String: Any]])?.map { $0["name"] as? String } == ["read", "embed", "umap", "kmeans", "write"])
    }

    @Test("documents without a label: k from the labels they have, scores over the labelled ones, a grey '(no label)' category")
    func unlabeledDocuments() throws {
        let dir = try makeTemporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (corpus, embeddings) = try Self.makeCorpus(in: dir, n: 300, unlabeledEvery: 4)
        let result = try Pipeline(configuration: try Self.configuration(corpus, embeddings, dir: dir),
                                  reporter: ConsoleReporter(verbosity: .quiet)).run()
        #expect(result.diagnostics.clusterCount == 3)
        #expect(result.diagnostics.labeledCount == 225)
        #expect((result.diagnostics.adjustedRandIndex ?? 0) > 0.99)
        #expect(result.manifest.stages.first?.detail == "300 documents, labels from 'label' (3 distinct; 75 without a label)")
        let table = try CoordinateTable.read(dir.appendingPathComponent("map.csv"))
        #expect(table.labels?[0] == "" && table.labels?[1] == "g1")
        let categories = MapCategories(labels: table.labels, clusters: nil, theme: .light)
        #expect(categories.labelNames == ["g0", "g1", "g2", "(no label)"])
        #expect(categories.labelColors.last == PlotTheme.light.missingColor)
        #expect(PlotTheme.light.missingColor != PlotTheme.light.otherColor)
        #expect(Set(categories.labelColors.dropLast()).count == 3 && !categories.labelColors.dropLast().contains(PlotTheme.light.otherColor))
    }

    @Test("legend order: numbers numerically, digit runs inside names as numbers, no label last")
    func legendOrder() {
        let labels = ["topic 10", "topic 2", "", "topic 1", "b", "a", "topic 2"]
        #expect(MapCategories(labels: labels, clusters: nil, theme: .light).labelNames
                == ["a", "b", "topic 1", "topic 2", "topic 10", ClusterDiagnostics.noLabel])
        #expect(MapCategories(labels: ["10", "-1", "2", "-2"], clusters: nil, theme: .light).labelNames == ["-2", "-1", "2", "10"])
        // Numerically equal spellings keep one fixed order whatever the input order.
        #expect(MapCategories(labels: ["v1", "v01"], clusters: nil, theme: .light).labelNames
                == MapCategories(labels: ["v01", "v1"], clusters: nil, theme: .light).labelNames)
    }

    @Test("--clusters auto: the silhouette curve picks the 3 groups and is written to the diagnostics")
    func automaticClusterCount() throws {
        let dir = try makeTemporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (corpus, embeddings) = try Self.makeCorpus(in: dir, n: 120)
        var configuration = try Self.configuration(corpus, embeddings, dir: dir)
        configuration.clusters = .automatic
        let result = try Pipeline(configuration: configuration, reporter: ConsoleReporter(verbosity: .quiet)).run()
        #expect(result.diagnostics.clusterCount == 3)
        #expect(result.diagnostics.selectionCurve?.map(\.clusterCount) == Array(2...20))
        let written = try JSONDecoder().decode(ClusterDiagnostics.self, from: Data(contentsOf: dir.appendingPathComponent("map.clusters.json")))
        #expect(written.selectionCurve == result.diagnostics.selectionCurve)
        #expect(result.manifest.stages.first { $0.name == "kmeans" }?.detail?.hasPrefix("k=3 (auto) on the") == true)
    }

    @Test("tokens per text: the model's sentence-transformers max_seq_length unless given (skipped without the bundled model)")
    func maxLengthDefault() throws {
        let model = "/root/.cache/micse-cluster/models/all-MiniLM-L6-v2"
        guard FileManager.default.fileExists(atPath: model) else { return }
        #expect(try EmbeddingStage(model: model, pooling: nil, normalize: nil, maxLength: nil).options.maxLength == 256)
        #expect(try EmbeddingStage(model: model, pooling: nil, normalize: nil, maxLength: 64).options.maxLength == 64)
    }

    @Test("the same seed gives the same coordinates and clusters")
    func reproducible() throws {
        let dir = try makeTemporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (corpus, embeddings) = try Self.makeCorpus(in: dir, n: 120)
        var c = try Self.configuration(corpus, embeddings, dir: dir)
        c.outputs = OutputPlan()
        let a = try Pipeline(configuration: c, reporter: ConsoleReporter(verbosity: .quiet)).run()
        c.threads = 1
        let b = try Pipeline(configuration: c, reporter: ConsoleReporter(verbosity: .quiet)).run()
        #expect(a.coordinates == b.coordinates)
        #expect(a.clusters == b.clusters)
    }

    @Test("an embeddings file of the wrong shape is one clear error, and nothing is written")
    func wrongShape() throws {
        let dir = try makeTemporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (corpus, _) = try Self.makeCorpus(in: dir, n: 30)
        let wrong = try Self.wrongEmbeddings(in: dir)
        let c = try Self.configuration(corpus, wrong, dir: dir)
        #expect(throws: (any Error).self) { try Pipeline(configuration: c, reporter: ConsoleReporter(verbosity: .quiet)).run() }
        do { _ = try Pipeline(configuration: c, reporter: ConsoleReporter(verbosity: .quiet)).run() } catch {
            #expect("\(error)".contains("has shape (29, 4), expected (30, D)"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("map.png").path))
    }

    @Test("the default Output folder is created when the outputs are written, not by a run that fails before")
    func defaultFolder() throws {
        let dir = try makeTemporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (corpus, embeddings) = try Self.makeCorpus(in: dir, n: 30)
        let folder = dir.appendingPathComponent("Output")
        func configuration(_ embeddings: URL) throws -> PipelineConfiguration {
            var c = PipelineConfiguration(input: corpus)
            c.embeddingsFile = embeddings
            c.outputs = try OutputPlan.resolve(input: corpus, plots: [], coordinates: nil, html: nil, defaultFolder: folder)
            c.plot.width = 300; c.plot.height = 300
            return c
        }
        let wrong = try Self.wrongEmbeddings(in: dir)
        let failing = try configuration(wrong)
        #expect(failing.outputs.folderToCreate == folder)
        #expect(throws: (any Error).self) { try Pipeline(configuration: failing, reporter: ConsoleReporter(verbosity: .quiet)).run() }
        #expect(!FileManager.default.fileExists(atPath: folder.path), "a failed run left \(folder.path) behind")

        _ = try Pipeline(configuration: try configuration(embeddings), reporter: ConsoleReporter(verbosity: .quiet)).run()
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(files == ["corpus.png", "corpus.csv", "corpus.clusters.json", "corpus.run.json"])
        // Once it exists, the plan has nothing to create; a file in its place is one clear error.
        #expect(try configuration(embeddings).outputs.folderToCreate == nil)
        try FileManager.default.removeItem(at: folder)
        try Data().write(to: folder)
        #expect(throws: (any Error).self) { try configuration(embeddings) }
    }

    @Test("the coordinates go beside the plot (or the HTML map) when --csv is not given, never over an input")
    func coordinatesBesidePlot() throws {
        let dir = try makeTemporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (corpus, embeddings) = try Self.makeCorpus(in: dir, n: 30)   // corpus.csv, emb.npy
        func plan(_ plots: [String], csv: String? = nil, html: String? = nil, defaultFolder: URL? = nil) throws -> OutputPlan {
            try OutputPlan.resolve(input: corpus, plots: plots.map { dir.appendingPathComponent($0) },
                                   coordinates: csv.map { dir.appendingPathComponent($0) },
                                   html: html.map { dir.appendingPathComponent($0) },
                                   otherInputs: [embeddings], defaultFolder: defaultFolder ?? dir.appendingPathComponent("Output"))
        }
        let beside = try plan(["out.png", "out.svg"])
        #expect(beside.coordinates == dir.appendingPathComponent("out.csv"))
        #expect(beside.diagnostics == dir.appendingPathComponent("out.clusters.json"))
        // An HTML map alone: the CSV and diagnostics beside it, no default PNG or Output folder.
        let map = try plan([], html: "map.html")
        #expect(map.plots.isEmpty && map.folderToCreate == nil)
        #expect(map.coordinates == dir.appendingPathComponent("map.csv"))
        #expect(map.manifest == dir.appendingPathComponent("map.run.json"))
        // corpus.png's CSV would be corpus.csv, the input itself.
        let renamed = try plan(["corpus.png"])
        #expect(renamed.coordinates == dir.appendingPathComponent("corpus.coordinates.csv"))
        #expect(renamed.diagnostics == dir.appendingPathComponent("corpus.clusters.json"))
        // The default folder is the input's own: Output/corpus.csv is the input too.
        let own = try plan([], defaultFolder: dir)
        #expect(own.plots == [dir.appendingPathComponent("corpus.png")])
        #expect(own.coordinates == dir.appendingPathComponent("corpus.coordinates.csv"))
        // An explicit output over an input is refused; so is one name given twice.
        #expect(throws: MicseError.self) { try plan(["out.png"], csv: "corpus.csv") }
        #expect(throws: MicseError.self) { try plan(["emb.png"], csv: "emb.npy") }
        #expect(throws: MicseError.self) { try plan(["a.png", "a.png"]) }
        #expect(throws: MicseError.self) { try plan(["map.png"], csv: "map.png") }
        // A run from the plot-only plan writes the CSV beside the plot.
        var c = PipelineConfiguration(input: corpus)
        c.embeddingsFile = embeddings
        c.outputs = renamed
        c.plot.width = 300; c.plot.height = 300
        _ = try Pipeline(configuration: c, reporter: ConsoleReporter(verbosity: .quiet)).run()
        #expect(try CoordinateTable.read(dir.appendingPathComponent("corpus.coordinates.csv")).count == 30)
        #expect(try String(contentsOf: corpus, encoding: .utf8).hasPrefix("text,label\n"))
    }

    @Test("degenerate corpora: all texts equal, and a handful of documents, still give a map")
    func degenerate() throws {
        let dir = try makeTemporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("same.csv")
        try Data(("text\n" + String(repeating: "same text\n", count: 40)).utf8).write(to: corpus)
        let emb = dir.appendingPathComponent("same.npy")
        try NPYFile.write(rows: 40, columns: 8, values: (0..<320).map { Float($0 % 8) }, to: emb)
        var c = try Self.configuration(corpus, emb, dir: dir)
        c.clusters = .fixed(2)
        let result = try Pipeline(configuration: c, reporter: ConsoleReporter(verbosity: .quiet)).run()
        #expect(result.coordinates.rows == 40)
        #expect(result.coordinates.firstNonFiniteRow() == nil)
    }

    @Test("clusters from a coordinate CSV: only the numbers present are listed; rows without one are '(no cluster)'")
    func sparseClusters() throws {
        let categories = MapCategories(labels: nil, clusters: [5, 40, 5, -1, 0], theme: .dark)
        #expect(categories.clusterNames == ["cluster 0", "cluster 5", "cluster 40", MapCategories.noCluster])
        #expect(categories.clusterIndex == [1, 2, 1, 3, 0])
        #expect(categories.clusterColors.last == PlotTheme.dark.missingColor)
        #expect(Set(categories.clusterColors.dropLast()).count == 3)
        let data = categories.scatterData(x: [0, 1, 2, 3, 4], y: [0, 1, 0, 1, 0], coloring: .cluster)
        let image = try ScatterPlot.render(data, configuration: PlotConfiguration(width: 300, theme: .dark))
        #expect(image.width == 300)
    }

    @Test("legend order ignores case")
    func caseInsensitiveOrder() {
        let categories = MapCategories(labels: ["joy", "Anger", "sadness", "Optimism"], clusters: nil, theme: .light)
        #expect(categories.labelNames == ["Anger", "joy", "Optimism", "sadness"])
    }

    @Test("--embeddings with one row per record (as `embed` writes, empty texts too) takes the rows of the documents")
    func embeddingsPerRecord() throws {
        let dir = try makeTemporaryDirectory("micse-records")
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = (0..<40).map { $0 == 7 ? "" : "text \($0)" }
        let corpus = dir.appendingPathComponent("c.csv")
        try Data(("text\n" + texts.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: "\n") + "\n").utf8).write(to: corpus)
        // Record r's vector points along axis r % 8, so the rows can be told apart.
        var values = [Float](repeating: 0, count: 40 * 8)
        for r in 0..<40 { values[r * 8 + r % 8] = 1; values[r * 8 + (r + 3) % 8] = Float(r) / 40 }
        let file = dir.appendingPathComponent("e.npy")
        try NPYFile.write(rows: 40, columns: 8, values: values, to: file)
        var c = PipelineConfiguration(input: corpus)
        c.embeddingsFile = file
        c.outputs = OutputPlan(plots: [], coordinates: dir.appendingPathComponent("out.csv"), html: nil, diagnostics: nil, manifest: nil)
        c.clusters = .fixed(2)
        let result = try Pipeline(configuration: c, reporter: ConsoleReporter(verbosity: .quiet)).run()
        #expect(result.corpus.count == 39 && result.coordinates.rows == 39)
        #expect(result.manifest.stages[1].detail?.contains("1 empty-text row left out") == true)
        #expect(Summary.text(result).contains("e.npy, 39×8"), "\(Summary.text(result))")
    }

    @Test("a real label named '(no label)' stays apart from the documents without a label")
    func literalNoLabel() {
        let categories = MapCategories(labels: ["(no label)", "", "a", ""], clusters: nil, theme: .light)
        #expect(categories.labelNames == ["(no label)", "a", "(empty label)"])
        #expect(ClusterDiagnostics.noLabelName(avoiding: ["a"]) == "(no label)")
        #expect(ClusterDiagnostics.noLabelName(avoiding: ["(no label)", "(empty label)"]) == "(empty label *)")
    }

    @Test("with more than 20 labels, clusters take the first palette colours instead of their labels'")
    func manyLabelsClusterColors() {
        let labels = (0..<45).flatMap { l in [String](repeating: "lab\(l)", count: 3) }
        let clusters = labels.indices.map { $0 % 4 }
        let categories = MapCategories(labels: labels, clusters: clusters, theme: .light)
        #expect(categories.clusterColors == Palette.colors(count: 4, theme: .light))
        let few = MapCategories(labels: ["a", "a", "b", "b"], clusters: [1, 1, 0, 0], theme: .light)
        #expect(few.clusterColors == [few.labelColors[1], few.labelColors[0]])
    }
}

@Suite("Default number of clusters")
struct DefaultClusterCountTests {
    @Test("one cluster per label up to 50 labels; beyond, the default k with a notice (an id column would ask for hours of k-means)")
    func clusterCountFromLabels() {
        #expect(PipelineConfiguration.clusterCount(distinctLabels: nil) == (8, nil))
        #expect(PipelineConfiguration.clusterCount(distinctLabels: 3) == (3, nil))
        #expect(PipelineConfiguration.clusterCount(distinctLabels: 50) == (50, nil))
        let many = PipelineConfiguration.clusterCount(distinctLabels: 5000)
        #expect(many.k == 8 && many.notice?.contains("5000 distinct values") == true && many.notice?.contains("--clusters") == true)
    }
}
