import Foundation
import Clustering
import CorpusIO
import InteractiveMap
import LinearAlgebra
import ManifoldLayout
import MicseSupport
import Rendering
import SentenceEmbedding

/// What a run produced: the table that went to the CSV, the diagnostics, the manifest.
public struct PipelineResult: Sendable {
    public var corpus: Corpus
    public var coordinates: Matrix
    public var clusters: [Int32]
    public var diagnostics: ClusterDiagnostics
    public var clusterCurve: [ClusterCountSelection.Candidate]?
    public var umap: UMAPResult
    public var embedding: EmbeddingStage.Result?
    /// Columns of the embeddings laid out (from the model or `--embeddings`).
    public var embeddingDimension: Int
    public var manifest: RunManifest
    public var filesWritten: [URL]
}

/// The whole map: read the corpus, embed (through the cache), UMAP, k-means, then write the
/// plots, the coordinate CSV, the HTML map, the diagnostics and the run manifest.
/// Reads like a list of named stages; the work is in the stage modules.
public struct Pipeline {
    public let configuration: PipelineConfiguration
    public let reporter: ConsoleReporter

    public init(configuration: PipelineConfiguration, reporter: ConsoleReporter = ConsoleReporter()) {
        self.configuration = configuration
        self.reporter = reporter
    }

    public func run() throws -> PipelineResult {
        let config = configuration
        let total = Stopwatch()
        var stages: [RunManifest.Stage] = []
        func record(_ name: String, _ seconds: Double, _ detail: String = "") {
            stages.append(.init(name: name, seconds: seconds, detail: detail.isEmpty ? nil : detail))
            reporter.stage(name, seconds: seconds, detail)
        }
        let threads = resolvedThreadCount(config.threads)
        BLAS.setThreadCount(threads)

        // 1. Corpus.
        var watch = Stopwatch()
        let corpus = try CorpusReader.read(config.input, options: config.corpus)
        var readDetail = "\(corpus.count.formatted()) document\(corpus.count == 1 ? "" : "s")"
        if corpus.skippedEmpty > 0 { readDetail += ", \(corpus.skippedEmpty) empty skipped" }
        if corpus.skippedInvalid > 0 { readDetail += ", \(corpus.skippedInvalid) invalid UTF-8 skipped" }
        if let labels = corpus.labelColumnName {
            readDetail += ", labels from '\(labels)' (\(corpus.labelCounts().count) distinct"
            readDetail += corpus.unlabeledCount > 0 ? "; \(corpus.unlabeledCount.formatted()) without a label)" : ")"
        }
        record("read", watch.seconds, readDetail)
        for notice in corpus.notices { reporter.notice(notice) }
        // Checks that need only the corpus and the options, before the expensive stages.
        if !config.outputs.plots.isEmpty { try config.plot.validate(panelCount: config.panels?.count ?? 1) }
        if config.panels?.contains(.label) == true, corpus.labels == nil {
            throw MicseError("\(config.input.path) has no labels to colour by (\(corpus.format == .text ? "no labels file" : "no label column")); "
                             + "colour by cluster, or name the labels with \(corpus.format == .text ? "--labels FILE" : "--label-column")")
        }
        if case .fixed(let k) = config.clusters, k > corpus.count {
            throw MicseError("--clusters \(k): the corpus has \(corpus.count.formatted()) documents; use at most \(corpus.count)")
        }
        guard corpus.count >= 3 else {
            throw MicseError("\(config.input.path): \(corpus.count) document\(corpus.count == 1 ? "" : "s"); a map needs at least 3")
        }

        // 2. Embeddings: from a file, or the model (through the cache).
        watch = Stopwatch()
        var embedding: EmbeddingStage.Result?
        var embeddings: Matrix
        if let file = config.embeddingsFile {
            let array = try NPYFile.read(file)
            // `embed` writes a row for every record it read, empty texts too: those rows are left out here.
            let records = corpus.count + corpus.skippedEmpty
            let perRecord = corpus.skippedEmpty > 0 && array.rows == records
            guard !array.isVector, array.rows == corpus.count || perRecord else {
                let empties = corpus.skippedEmpty > 0 ? " (or \(records), one per record with the \(corpus.skippedEmpty) empty texts)" : ""
                throw MicseError("\(file.path): has shape (\(array.rows)\(array.isVector ? "," : ", \(array.columns)")), expected (\(corpus.count), D)\(empties): one row per document of \(config.input.lastPathComponent)")
            }
            embeddings = Matrix(rows: array.rows, columns: array.columns, storage: array.values)
            if perRecord {
                // Record r's row: r less the records skipped as invalid UTF-8 before it (they have no row).
                var invalidBefore = 0
                embeddings = embeddings.selectingRows(corpus.recordIndices.map { record in
                    while invalidBefore < corpus.invalidRecordIndices.count, corpus.invalidRecordIndices[invalidBefore] < record { invalidBefore += 1 }
                    return record - invalidBefore
                })
            }
            record("embed", watch.seconds, "\(embeddings.rows)×\(array.columns) from \(file.lastPathComponent)"
                   + (perRecord ? " (\(corpus.skippedEmpty) empty-text row\(corpus.skippedEmpty == 1 ? "" : "s") left out)" : ""))
        } else {
            let stage = try EmbeddingStage(model: config.model, pooling: config.pooling, normalize: config.normalize,
                                           maxLength: config.maxLength, batchTokenBudget: config.batchTokenBudget, threads: threads)
            reporter.info(stage.resolved.summary)
            if let notice = stage.resolved.notice { reporter.notice(notice) }
            let result = try stage.embed(corpus, cache: config.useCache ? EmbeddingCache() : nil, progress: reporter)
            embedding = result
            embeddings = result.embeddings
            record("embed", watch.seconds, result.detail)
        }
        if let row = embeddings.firstNonFiniteRow() {
            throw MicseError("\(config.input.path):\(corpus.lineNumbers[row]): the embedding of this document has NaN or infinite values")
        }

        // 3. UMAP (cosine kNN graph, fuzzy simplicial set, spectral init, SGD).
        watch = Stopwatch()
        var umapConfig = config.umap
        umapConfig.threadCount = threads
        let layout = try UMAP(configuration: umapConfig).fit(embeddings, progress: reporter)
        for notice in layout.notices { reporter.notice(notice) }
        record("umap", watch.seconds, layout.uniqueCount < 3
               ? "skipped: \(layout.uniqueCount) distinct row\(layout.uniqueCount == 1 ? "" : "s"), copies at fixed points"
               : String(format: "kNN %.2f s, graph %.2f s, init %.2f s (%@), layout %.2f s (%d epochs)",
                        layout.timings.knn, layout.timings.graph, layout.timings.initialize,
                        layout.initialization.rawValue, layout.timings.layout, layout.epochCount))

        // 4. k-means.
        watch = Stopwatch()
        let clusterData = config.clusterSpace == .embedding ? embeddings.l2Normalized() : layout.coordinates
        var kmeansConfig = config.kmeans
        kmeansConfig.threads = threads
        // Label codes in order of first appearance; −1 for documents without a label.
        let labelNames = uniqueInOrder((corpus.labels ?? []).filter { !$0.isEmpty })
        var curve: [ClusterCountSelection.Candidate]?
        let kmeansResult: KMeansResult
        switch config.clusters {
        case .automatic:
            let selection = try ClusterCountSelection.select(clusterData, configuration: kmeansConfig, progress: reporter)
            kmeansConfig.clusterCount = selection.clusterCount
            kmeansResult = selection.result
            curve = selection.curve
            reporter.info(selection.report)
        case .fixed(let k):
            kmeansConfig.clusterCount = k
            kmeansResult = try KMeans.fit(clusterData, configuration: kmeansConfig, progress: reporter)
        case .fromLabels:
            let (k, notice) = PipelineConfiguration.clusterCount(distinctLabels: corpus.labels == nil ? nil : labelNames.count)
            if let notice { reporter.notice(notice) }
            if k > clusterData.rows { reporter.notice("k=\(k) lowered to \(clusterData.rows), the number of points to cluster") }
            kmeansConfig.clusterCount = min(k, clusterData.rows)
            kmeansResult = try KMeans.fit(clusterData, configuration: kmeansConfig, progress: reporter)
        }
        for notice in kmeansResult.notices { reporter.notice(notice) }
        let labelIDs: [Int]? = corpus.labels.map { labels in
            let index = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($1, $0) })
            return labels.map { index[$0] ?? -1 }
        }
        var diagnostics = try ClusterDiagnostics.make(result: kmeansResult, data: clusterData, configuration: kmeansConfig,
                                                      labels: labelIDs, labelNames: labelIDs == nil ? nil : labelNames,
                                                      seed: kmeansConfig.seed)
        diagnostics.selectionCurve = curve
        diagnostics.space = config.clusterSpace.rawValue
        var kmeansDetail = "k=\(kmeansConfig.clusterCount)\(curve == nil ? "" : " (auto)") on the \(config.clusterSpace == .embedding ? "normalised embeddings" : "UMAP coordinates"), inertia \(String(format: "%.4g", kmeansResult.inertia)), \(kmeansResult.iterations) iteration\(kmeansResult.iterations == 1 ? "" : "s")"
        if let ari = diagnostics.adjustedRandIndex, let nmi = diagnostics.normalizedMutualInformation {
            kmeansDetail += ", ARI \(ClusterDiagnostics.formatScore(ari)), NMI \(ClusterDiagnostics.formatScore(nmi))"
        }
        record("kmeans", watch.seconds, kmeansDetail)

        // 5. Outputs.
        watch = Stopwatch()
        try config.outputs.createFolders()
        let x = (0..<layout.coordinates.rows).map { layout.coordinates[$0, 0] }
        let y = (0..<layout.coordinates.rows).map { layout.coordinates[$0, 1] }
        let clusters = kmeansResult.labels.map(Int.init)
        let categories = MapCategories(labels: corpus.labels, clusters: clusters, theme: config.plot.theme,
                                       maxColored: config.plot.maxColoredCategories)
        let modelName = embedding?.model.directory.name ?? config.embeddingsFile?.lastPathComponent ?? "embeddings"
        var plotConfig = config.plot
        if plotConfig.title.isEmpty && config.defaultTitle { plotConfig.title = "\(corpus.name) · \(corpus.count.formatted()) documents · \(modelName)" }
        let colorings = config.panels ?? [corpus.labels != nil ? .label : .cluster]
        var written: [URL] = []
        // All outputs are replaced together or not at all (a full disk at the third file leaves
        // the previous run's files as they were).
        var manifest = try AtomicFile.group { () throws -> RunManifest in
            for plot in config.outputs.plots {
                try MapFigures.writePlot(categories, x: x, y: y, colorings: colorings, configuration: plotConfig, to: plot, reporter: reporter)
                written.append(plot)
            }
            if let csv = config.outputs.coordinates {
                try CoordinateTable(ids: corpus.recordIndices, x: x, y: y, labels: corpus.labels, clusters: clusters, texts: corpus.texts).write(to: csv)
                written.append(csv)
            }
            if let html = config.outputs.html {
                let document = categories.mapDocument(title: plotConfig.title, subtitle: "UMAP of \(modelName) embeddings; k-means k=\(kmeansConfig.clusterCount)",
                                                      x: x, y: y, texts: corpus.texts, ids: corpus.recordIndices, framing: plotConfig.framing, theme: plotConfig.theme)
                try HTMLMapWriter.write(document, to: html)
                written.append(html)
            }
            if let url = config.outputs.diagnostics {
                try AtomicFile.write(try diagnostics.jsonData(), to: url)
                written.append(url)
            }
            let fileCount = written.count + (config.outputs.manifest == nil ? 0 : 1)   // the manifest comes last, with these times
            record("write", watch.seconds, "\(fileCount) file\(fileCount == 1 ? "" : "s")")

            // 6. The run manifest.
            let manifest = RunManifest(
                version: PipelineInfo.version, createdAt: ISO8601DateFormatter().string(from: Date()), commandLine: config.commandLine,
                input: .init(path: config.input.path, fingerprint: (try? Fingerprint.ofFile(config.input)) ?? "", format: corpus.format.rawValue,
                             documents: corpus.count, skippedEmpty: corpus.skippedEmpty, skippedInvalid: corpus.skippedInvalid,
                             duplicateTexts: embedding?.duplicateCount ?? layout.duplicateCount, textColumn: corpus.textColumnName,
                             labelColumn: corpus.labelColumnName),
                model: embedding.map { e in
                    .init(name: e.model.directory.name, path: e.model.directory.url.path, source: e.model.source.rawValue, identity: e.identity,
                          pooling: e.options.pooling.rawValue, normalize: e.options.normalize, maxLength: e.options.maxLength, dimension: e.embeddings.columns,
                          batchTokens: e.options.batchTokenBudget, batchSize: e.options.maxBatchSize)
                },
                embeddingsFile: config.embeddingsFile?.path,
                embeddingsFingerprint: config.embeddingsFile.flatMap { try? Fingerprint.ofFile($0) },
                embeddingCache: embedding?.cachePath,
                configuration: describe(config, umap: layout, kmeans: kmeansConfig, title: plotConfig.title),
                stages: stages, totalSeconds: total.seconds, peakMemoryMiB: peakResidentMemoryMiB(),
                outputs: (written + [config.outputs.manifest].compactMap { $0 }).map(\.path), threads: threads,
                blasKernel: OpenBLASKernelSelection.coreName)
            if let url = config.outputs.manifest {
                try manifest.write(to: url)
                written.append(url)
            }
            return manifest
        }
        manifest.totalSeconds = total.seconds
        return PipelineResult(corpus: corpus, coordinates: layout.coordinates, clusters: kmeansResult.labels, diagnostics: diagnostics,
                              clusterCurve: curve, umap: layout, embedding: embedding, embeddingDimension: embeddings.columns,
                              manifest: manifest, filesWritten: written)
    }

    /// The resolved settings for run.json; `title` is the one drawn (the default one when none was given).
    private func describe(_ c: PipelineConfiguration, umap: UMAPResult, kmeans: KMeansConfiguration, title: String) -> [String: String] {
        let u = c.umap
        var d: [String: String] = [
            "umap.neighbors": String(u.neighborCount), "umap.minDist": String(u.minDistance), "umap.spread": String(u.spread),
            "umap.epochs": String(umap.epochCount), "umap.seed": String(u.seed), "umap.init": u.initialization.rawValue,
            "umap.knn": u.neighborSearch.rawValue, "umap.learningRate": String(u.learningRate),
            "umap.negativeSampleRate": String(u.negativeSampleRate), "umap.a": String(umap.a), "umap.b": String(umap.b),
            "umap.repulsionStrength": String(u.repulsionStrength), "umap.localConnectivity": String(u.localConnectivity),
            "umap.setOpMixRatio": String(u.setOpMixRatio), "umap.keepDuplicates": String(!u.deduplicateRows),
            "kmeans.clusters": String(kmeans.clusterCount), "kmeans.nInit": String(kmeans.initCount),
            "kmeans.maxIter": String(kmeans.maxIterations), "kmeans.tol": String(kmeans.tolerance), "kmeans.seed": String(kmeans.seed),
            "kmeans.algorithm": kmeans.algorithm.rawValue,
            "kmeans.keepRestarts": kmeans.pruning.map { "\($0.keep) after \($0.afterIterations) iterations" } ?? "all", "kmeans.space": c.clusterSpace.rawValue,
            "plot.theme": c.plot.theme.rawValue, "plot.width": String(c.plot.width), "plot.height": c.plot.height.map(String.init) ?? "auto",
            "plot.seed": String(c.plot.seed), "plot.density": c.plot.density.rawValue, "plot.dpi": String(c.plot.dpi),
            "plot.pointSize": c.plot.pointSize.map { String($0) } ?? "auto", "plot.alpha": c.plot.alpha.map { String($0) } ?? "auto",
            "plot.title": title, "plot.clusterNumbers": String(c.plot.showClusterNumbers), "plot.frame": c.plot.framing.rawValue,
            "embed.maxLength": c.maxLength.map(String.init) ?? "model", "embed.cache": String(c.useCache),
        ]
        if let p = c.pooling { d["embed.pooling"] = p.rawValue }
        if let n = c.normalize { d["embed.normalize"] = String(n) }
        if let panels = c.panels { d["plot.panels"] = panels.map(\.rawValue).joined(separator: ",") }
        return d
    }
}

/// Version of the tool, recorded in manifests and caches.
public enum PipelineInfo {
    public static let version = "0.1.0"
}

func uniqueInOrder(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert($0).inserted }
}
