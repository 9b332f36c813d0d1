import ArgumentParser
import Foundation
import MicsePipeline
import MicseSupport
import SentenceEmbedding

/// The main command: corpus in, map out.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Embed, lay out (UMAP), cluster (k-means) and plot a corpus; write PNG, CSV, diagnostics (default command).",
        discussion: """
        Reads a corpus (CSV/TSV with a header, JSON Lines, or one text per line), embeds every text with the \
        sentence encoder (miCSE from the Hugging Face cache if present, else the bundled all-MiniLM-L6-v2), lays \
        the corpus out with UMAP, clusters it with k-means and writes the plot (--plot, .png or .svg), the \
        coordinate CSV (--csv; columns id,x,y,label,cluster,text; by default beside the plot or the map: \
        out.png gives out.csv), an interactive HTML map (--html), and beside the CSV <name>.clusters.json \
        (cluster diagnostics) and <name>.run.json (configuration, seeds, model identity, timings). Without \
        --plot, --csv and --html it writes Output/<input name>.png and .csv. No output may replace an input.

        Embeddings are cached: re-running with other UMAP, k-means or plot options does not embed again.

        Examples:
          micse-cluster tweets.csv --plot out.png
          micse-cluster tweets.csv --plot map.png --csv map.csv --html map.html \\
              --panels label,cluster
          micse-cluster notes.txt --clusters auto --theme dark --min-dist 0.3
          micse-cluster tweets.csv --embeddings emb.npy --plot out.png
        """
    )

    @Argument(help: "The corpus: .csv, .tsv, .jsonl or .txt.", transform: URL.init(fileURLWithPath:))
    var input: URL

    @Option(help: "Write the plot here (.png or .svg); repeat for several files.", transform: URL.init(fileURLWithPath:))
    var plot: [URL] = []

    @Option(help: "Write the coordinates here: CSV with columns id,x,y,label,cluster,text (default: beside the first --plot, else --html, with its name).", transform: URL.init(fileURLWithPath:))
    var csv: URL?

    @Option(help: "Write a self-contained interactive HTML map here (hover to read the texts).", transform: URL.init(fileURLWithPath:))
    var html: URL?

    @Option(help: "Use these (N, D) embeddings (.npy, one row per document) instead of running the model.",
            transform: URL.init(fileURLWithPath:))
    var embeddings: URL?

    @OptionGroup(title: "Corpus") var corpus: CorpusOptions
    @OptionGroup(title: "Embedding") var embedding: EmbeddingOptions
    @OptionGroup(title: "Embedding") var cache: EmbeddingCacheOptions
    @OptionGroup(title: "UMAP") var umap: UMAPOptions
    @OptionGroup(title: "k-means") var clustering: ClusterOptions
    @OptionGroup(title: "k-means") var space: ClusterSpaceOptions
    @OptionGroup(title: "Plot") var figure: PlotOptions
    @OptionGroup(title: "Run") var runOptions: RunOptions
    @OptionGroup var verbosity: OutputVerbosityOptions

    func validate() throws {
        for url in plot where !OutputPlan.isPlotFile(url) {
            throw ValidationError("--plot must end in .png or .svg (got \(url.lastPathComponent)).")
        }
        if let html, !["html", "htm"].contains(html.pathExtension.lowercased()) {
            throw ValidationError("--html must end in .html (got \(html.lastPathComponent)).")
        }
    }

    func run() throws {
        let reporter = ConsoleReporter(verbosity: verbosity.quiet ? .quiet : (verbosity.verbose ? .verbose : .normal))
        var c = PipelineConfiguration(input: input)
        c.corpus = corpus.readOptions
        c.embeddingsFile = embeddings
        c.model = embedding.model
        c.pooling = embedding.pooling
        c.normalize = embedding.normalize
        c.maxLength = embedding.maxLength
        c.batchTokenBudget = embedding.batchTokens
        c.useCache = !cache.noCache
        c.umap = umap.configuration(run: runOptions)
        switch clustering.clusters {
        case .some(.fixed(let k)): c.clusters = .fixed(k)
        case .some(.auto): c.clusters = .automatic
        case .none: c.clusters = .fromLabels
        }
        c.kmeans = clustering.configuration(clusterCount: 1, run: runOptions)
        c.clusterSpace = space.clusterSpace == .umap ? .umap : .embedding
        c.plot = figure.configuration(defaultTitle: "", seed: runOptions.seed)
        c.defaultTitle = figure.title == nil   // --title "" means no title
        c.panels = try figure.panelColorings() ?? figure.colorBy.map { [$0] }
        c.threads = runOptions.threads
        c.outputs = try OutputPlan.resolve(input: input, plots: plot, coordinates: csv, html: html,
                                          otherInputs: [embeddings, corpus.labels].compactMap { $0 })
        let result = try Pipeline(configuration: c, reporter: reporter).run()
        reporter.debug("resolved configuration (also in the run manifest):")
        for (key, value) in result.manifest.configuration.sorted(by: { $0.key < $1.key }) { reporter.debug("  \(key) = \(value)") }
        guard !verbosity.quiet else { return }
        reporter.info("")
        reporter.info(Summary.text(result))
    }
}
