import Foundation
import Clustering

/// The short report printed at the end of a run.
public enum Summary {
    public static func text(_ r: PipelineResult) -> String {
        var lines: [String] = []
        let c = r.corpus
        var docs = "documents   \(c.count.formatted()) read from \(c.source.lastPathComponent)"
        var skipped: [String] = []
        if c.skippedEmpty > 0 { skipped.append("\(c.skippedEmpty) empty") }
        if c.skippedInvalid > 0 { skipped.append("\(c.skippedInvalid) invalid UTF-8") }
        if !skipped.isEmpty { docs += " (skipped: \(skipped.joined(separator: ", ")))" }
        if let duplicates = r.embedding?.duplicateCount ?? Optional(r.umap.duplicateCount), duplicates > 0 {
            docs += "; \(duplicates.formatted()) duplicate text\(duplicates == 1 ? "" : "s")"
        }
        lines.append(docs)
        if let e = r.embedding {
            lines.append("model       \(e.model.directory.name) (\(e.model.source.rawValue)), \(e.options.pooling.rawValue) pooling, \(e.embeddings.columns) dimensions\(e.fromCache ? ", from the cache" : "")")
        } else if let file = r.manifest.embeddingsFile {
            lines.append("embeddings  \(file), \(r.coordinates.rows)×\(r.embeddingDimension)")
        }
        lines.append("layout      UMAP \(r.umap.epochCount) epochs, \(r.umap.componentCount) graph component\(r.umap.componentCount == 1 ? "" : "s"), \(r.umap.initialization.rawValue) init")
        let d = r.diagnostics
        lines.append("clusters    k=\(d.clusterCount), sizes \(d.clusterSizes.map(String.init).joined(separator: " "))")
        if let ari = d.adjustedRandIndex, let nmi = d.normalizedMutualInformation {
            let scored = d.labeledCount.map { $0 < d.pointCount ? " (\($0.formatted()) labelled documents)" : "" } ?? ""
            lines.append("vs labels   ARI \(ClusterDiagnostics.formatScore(ari)), NMI \(ClusterDiagnostics.formatScore(nmi))" + scored
                         + (d.silhouette.map { ", silhouette \(ClusterDiagnostics.formatScore($0))" } ?? ""))
        }
        for file in r.filesWritten { lines.append("wrote       \(file.path)") }
        lines.append(String(format: "total       %.1f s", r.manifest.totalSeconds) + (r.manifest.peakMemoryMiB.map { String(format: ", peak memory %.0f MiB", $0) } ?? ""))
        return lines.joined(separator: "\n")
    }
}
