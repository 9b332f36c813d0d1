import Foundation
import Clustering
import CorpusIO
import ManifoldLayout
import Rendering
import SentenceEmbedding

/// How many k-means clusters to make.
public enum ClusterCountChoice: Sendable, Equatable {
    /// Exactly k.
    case fixed(Int)
    /// k in 2…20 with the highest silhouette on a seeded subsample.
    case automatic
    /// The number of distinct labels when the corpus has labels (see `PipelineConfiguration.clusterCount(distinctLabels:)`),
    /// else `PipelineConfiguration.defaultClusterCount`.
    case fromLabels
}

/// Where k-means clusters.
public enum ClusterSpace: String, Sendable, Equatable, Codable {
    /// The L2-normalised embeddings (cosine geometry): what a text user means by "similar".
    case embedding
    /// The 2-D UMAP coordinates.
    case umap
}

/// Everything one run of the pipeline needs, resolved from the command line (or set by a
/// library user). Each stage receives only its own part.
public struct PipelineConfiguration: Sendable {
    /// k when the corpus has no labels and no `--clusters` is given.
    public static let defaultClusterCount = 8

    /// Most clusters the labels set on their own. A label column with more distinct values (an id or a free-text
    /// column, say) would ask for thousands of clusters: a k-means run of hours, and no readable map.
    public static let maxClustersFromLabels = 50

    /// k when no `--clusters` is given: the number of distinct labels, up to `maxClustersFromLabels`, else
    /// `defaultClusterCount`, with a notice saying why when there were too many labels.
    public static func clusterCount(distinctLabels: Int?) -> (k: Int, notice: String?) {
        guard let labels = distinctLabels, labels >= 1 else { return (defaultClusterCount, nil) }
        guard labels <= maxClustersFromLabels else {
            return (defaultClusterCount, "the labels have \(labels) distinct values, more than \(maxClustersFromLabels): "
                    + "k=\(defaultClusterCount) instead of one cluster per label (--clusters K sets it)")
        }
        return (labels, nil)
    }

    public var input: URL
    public var corpus = CorpusReadOptions()
    /// Precomputed (N, D) embeddings (`--embeddings`); the model is not loaded then.
    public var embeddingsFile: URL?
    /// `--model`: a model directory (else `$MICSE_MODEL`, the Hugging Face cache, the bundled model).
    public var model: String?
    /// Pooling and normalisation; nil means the model's own default (CLS for miCSE, the
    /// sentence-transformers config for others).
    public var pooling: Pooling?
    public var normalize: Bool?
    /// Tokens per text ([CLS] and [SEP] included); nil: the model's own (the sentence-transformers
    /// `max_seq_length`, 256 for all-MiniLM-L6-v2; else 128).
    public var maxLength: Int?
    public var batchTokenBudget = 2048
    public var useCache = true
    public var umap = UMAPConfiguration()
    public var clusters: ClusterCountChoice = .fromLabels
    public var kmeans = KMeansConfiguration(clusterCount: 1)
    public var clusterSpace: ClusterSpace = .embedding
    public var plot = PlotConfiguration()
    /// Whether an empty `plot.title` means the default title (corpus, size, model) rather than none.
    public var defaultTitle = true
    /// Colourings of the plot: one panel each (default: label when the corpus has labels, else cluster).
    public var panels: [PlotColoring]?
    public var outputs = OutputPlan()
    /// Worker threads for every stage (nil: all cores).
    public var threads: Int?
    /// The command line, recorded in the run manifest.
    public var commandLine: [String] = CommandLine.arguments

    public init(input: URL) { self.input = input }
}
