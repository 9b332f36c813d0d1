import Clustering
import Foundation
import InteractiveMap
import MicseSupport
import Rendering

/// The categories of a map (labels, clusters) with the colours they are drawn in, assigned in one
/// place so that the PNG, the SVG, the side-by-side panels and the HTML map agree.
///
/// Colours: labels take the categorical palette in order of decreasing size (the largest
/// `maxColored` get their own colour, the rest "other"). Clusters are matched one-to-one to labels
/// by largest overlap (greedy on the contingency table); a matched cluster takes its label's
/// colour, so when clusters follow labels the two panels look alike, and the other clusters take
/// the next palette colours no label uses (with more than 20 labels, clusters simply take the first
/// palette colours). Documents without a label (empty label) form one
/// category, "(no label)", drawn in the theme's `missingColor` (a grey apart from the "other" grey)
/// and listed last; rows without a cluster likewise form "(no cluster)".
public struct MapCategories: Sendable {
    public var labelNames: [String] = []
    public var labelIndex: [Int32]?
    public var labelColors: [RGBColor] = []
    public var clusterNames: [String] = []
    public var clusterIndex: [Int32]?
    public var clusterColors: [RGBColor] = []

    public init(labels: [String]?, clusters: [Int]?, theme: PlotTheme, maxColored: Int = Palette.defaultMaxColored) {
        var labelCounts: [Int] = []
        if let labels {
            var index: [String: Int32] = [:]
            var counts: [Int] = []
            var names: [String] = []
            var categories = [Int32](); categories.reserveCapacity(labels.count)
            for l in labels {
                if let i = index[l] { categories.append(i); counts[Int(i)] += 1; continue }
                index[l] = Int32(names.count); categories.append(Int32(names.count)); names.append(l); counts.append(1)
            }
            // Legend order: numeric labels numerically, others by name, ignoring case, with their digit
            // runs compared as numbers ("topic 2" before "topic 10"); no label last.
            let order = names.indices.sorted { a, b in
                if names[a].isEmpty || names[b].isEmpty { return names[b].isEmpty && !names[a].isEmpty }
                if let ia = Int(names[a]), let ib = Int(names[b]) { return ia < ib }
                switch names[a].compare(names[b], options: [.numeric, .caseInsensitive]) {
                case .orderedAscending: return true
                case .orderedDescending: return false
                case .orderedSame: return names[a] < names[b]   // "01" and "1": still one fixed order
                }
            }
            var remap = [Int32](repeating: 0, count: names.count)
            for (newIndex, old) in order.enumerated() { remap[old] = Int32(newIndex) }
            labelNames = order.map { names[$0] }
            labelCounts = order.map { counts[$0] }
            labelIndex = categories.map { remap[Int($0)] }
            let unlabeled = labelNames.last == ""
            let named = unlabeled ? labelNames.count - 1 : labelNames.count
            labelColors = Palette.colors(for: Array(labelNames.prefix(named)), counts: Array(labelCounts.prefix(named)),
                                         theme: theme, maxColored: maxColored)
            if unlabeled {
                labelNames[named] = ClusterDiagnostics.noLabelName(avoiding: Array(labelNames.prefix(named)))
                labelColors.append(theme.missingColor)
            }
        }
        guard let clusters else { return }
        // Categories: the cluster numbers present (a coordinate CSV may skip some), in order, then
        // "(no cluster)" for rows without one (a blank cell), drawn like "(no label)".
        let present = Set(clusters.filter { $0 >= 0 }).sorted()
        var position: [Int: Int32] = [:]
        for (i, c) in present.enumerated() { position[c] = Int32(i) }
        let k = present.count
        let unclustered = clusters.contains { $0 < 0 }
        clusterNames = present.map { "cluster \($0)" } + (unclustered ? [Self.noCluster] : [])
        let index = clusters.map { $0 >= 0 ? position[$0]! : Int32(k) }
        clusterIndex = index
        // Beyond 20 labels their colours are too many to compare across panels (and far down the
        // generated palette): clusters then take the first, most distinct palette colours.
        let pairWithLabels = !labelNames.isEmpty && labelNames.count <= Self.maxLabelsForPairedColors
        let palette = Palette.colors(count: max(1, (pairWithLabels ? labelNames.count : 0) + k), theme: theme)
        var colors = [RGBColor?](repeating: nil, count: k)
        var used = Set<RGBColor>()
        if let labelIndex, pairWithLabels {
            var overlap = [[Int]](repeating: [Int](repeating: 0, count: labelNames.count), count: k)
            for i in clusters.indices where index[i] < k { overlap[Int(index[i])][Int(labelIndex[i])] += 1 }
            var pairs: [(count: Int, cluster: Int, label: Int)] = []
            for c in 0..<k { for l in labelNames.indices where overlap[c][l] > 0 { pairs.append((overlap[c][l], c, l)) } }
            pairs.sort { $0.count != $1.count ? $0.count > $1.count : ($0.cluster, $0.label) < ($1.cluster, $1.label) }
            var labelTaken = Set<Int>()
            for p in pairs where colors[p.cluster] == nil && !labelTaken.contains(p.label) {
                let color = labelColors[p.label]
                guard !theme.isGrey(color) else { continue }
                colors[p.cluster] = color
                labelTaken.insert(p.label)
                used.insert(color)
            }
            used.formUnion(labelColors)
        }
        var next = palette.makeIterator()
        for c in 0..<k where colors[c] == nil {
            var color = next.next()
            while let candidate = color, used.contains(candidate) { color = next.next() }
            colors[c] = color ?? theme.otherColor
            if let color { used.insert(color) }
        }
        clusterColors = colors.map { $0 ?? theme.otherColor } + (unclustered ? [theme.missingColor] : [])
    }

    /// Up to this many labels, clusters take the colour of the label they pair with.
    public static let maxLabelsForPairedColors = 20

    /// The category of rows without a cluster.
    public static let noCluster = "(no cluster)"

    /// The points coloured by `coloring` (one category for all when that coloring is absent).
    public func scatterData(x: [Float], y: [Float], coloring: PlotColoring) -> ScatterData {
        switch coloring {
        case .label:
            guard let labelIndex else { return ScatterData(x: x, y: y) }
            return ScatterData(x: x, y: y, categories: labelIndex, categoryNames: labelNames, colors: labelColors, categoryNoun: "labels")
        case .cluster:
            guard let clusterIndex else { return ScatterData(x: x, y: y) }
            return ScatterData(x: x, y: y, categories: clusterIndex, categoryNames: clusterNames,
                               colors: clusterColors, categoryNoun: "clusters")
        }
    }

    /// The colourings available (labels first).
    public var availableColorings: [PlotColoring] {
        (labelIndex != nil ? [.label] : []) + (clusterIndex != nil ? [.cluster] : [])
    }

    /// The HTML map document of these points. It opens on the rectangle the PNG frames under `framing`.
    public func mapDocument(title: String, subtitle: String, x: [Float], y: [Float], texts: [String], ids: [Int],
                            framing: PlotFraming, theme: PlotTheme) -> MapDocument {
        let frame = x.isEmpty ? nil : PlotFrame.fit(xs: x, ys: y, framing: framing)
        let view = frame.map { MapViewport(minX: $0.minX, maxX: $0.maxX, minY: $0.minY, maxY: $0.maxY, outsideCount: $0.outsideCount) }
        return MapDocument(title: title, subtitle: subtitle, x: x, y: y, texts: texts, ids: ids,
                           labels: labelIndex.map { MapColoring(title: "label", categoryIndex: $0, categoryNames: labelNames, categoryColors: labelColors.map(\.hex)) },
                           clusters: clusterIndex.map { MapColoring(title: "cluster", categoryIndex: $0, categoryNames: clusterNames, categoryColors: clusterColors.map(\.hex)) },
                           initialView: view, background: theme.background.hex)
    }
}

/// Writes a plot file: PNG or SVG by extension, one panel per colouring.
public enum MapFigures {
    public static func writePlot(_ categories: MapCategories, x: [Float], y: [Float], colorings: [PlotColoring],
                                 configuration: PlotConfiguration, to url: URL, reporter: any ProgressReporter) throws {
        let colorings = colorings.isEmpty ? [.label] : colorings
        let panels = colorings.map { categories.scatterData(x: x, y: y, coloring: $0) }
        let subtitles = colorings.count > 1 ? colorings.map { "by \($0.rawValue)" } : [""]
        if url.pathExtension.lowercased() == "svg" {
            try SVGWriter.writePanels(panels, subtitles: subtitles, configuration: configuration, to: url)
        } else {
            let image = try ScatterPlot.renderPanels(panels, subtitles: subtitles, configuration: configuration, reporter: reporter)
            try PNGEncoder.write(image, to: url, dpi: configuration.dpi)
        }
    }
}
