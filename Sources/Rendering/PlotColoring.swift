// What the points of a plot are coloured by, and building `ScatterData` from per-point columns.

import Foundation

/// The per-point category a plot colours by.
public enum PlotColoring: String, Sendable, CaseIterable, Codable {
    /// The corpus labels (default when the corpus has labels).
    case label
    /// The k-means clusters.
    case cluster
}

extension ScatterData {
    /// Points coloured by cluster number; clusters are named "0", "1", … and ordered numerically.
    /// Negative cluster numbers (unclustered rows) become the category "none".
    public init(x: [Float], y: [Float], clusters: [Int]) {
        let distinct = Set(clusters).sorted { ($0 < 0 ? Int.max : $0) < ($1 < 0 ? Int.max : $1) }
        var index: [Int: Int32] = [:]
        for (i, c) in distinct.enumerated() { index[c] = Int32(i) }
        self.init(x: x, y: y, categories: clusters.map { index[$0] ?? 0 },
                  categoryNames: distinct.map { $0 < 0 ? "none" : String($0) }, categoryNoun: "clusters", coloring: .cluster)
    }

    /// Points coloured by label, categories ordered by label name (ignoring case, digits compared numerically),
    /// so that a label gets the same colour in every plot of the same corpus.
    public init(x: [Float], y: [Float], sortedLabels labels: [String]) {
        let distinct = Set(labels).sorted { a, b in
            let order = a.compare(b, options: [.numeric, .caseInsensitive])   // "topic 4" before "Topic 10"
            return order == .orderedSame ? a < b : order == .orderedAscending
        }
        var index: [String: Int32] = [:]
        for (i, l) in distinct.enumerated() { index[l] = Int32(i) }
        self.init(x: x, y: y, categories: labels.map { index[$0] ?? 0 }, categoryNames: distinct, categoryNoun: "labels")
    }
}
