import ArgumentParser
import Foundation
import Rendering

extension PlotTheme: ExpressibleByArgument {}
extension DensityMode: ExpressibleByArgument {}
extension PlotColoring: ExpressibleByArgument {}
extension PNGFilter: ExpressibleByArgument {}
extension PlotFraming: ExpressibleByArgument {}

/// Options of the PNG/SVG scatter plot, shared by `plot` and the main command.
struct PlotOptions: ParsableArguments {
    @Option(help: "Image width in pixels (per panel; 64…32768).")
    var width = 1600

    @Option(help: "Image height in pixels (default: as tall as the map needs at this width, at most the width).")
    var height: Int?

    @Option(help: "Colour theme: light, dark or fire (black, datashader-like).")
    var theme: PlotTheme = .light

    @Option(help: "Point diameter in pixels (default: from the number of points and the canvas).")
    var pointSize: Float?

    @Option(help: "Point opacity in (0, 1] (default: from the number of points).")
    var alpha: Float?

    @Option(help: "Density shading instead of discs: auto (above 200,000 points), on, off.")
    var density: DensityMode = .auto

    @Option(help: "Resolution recorded in the PNG (dots per inch).")
    var dpi: Double = 200

    @Option(help: "Colour points by label or cluster (default: label when the input has labels).")
    var colorBy: PlotColoring?

    @Option(help: "Draw side-by-side panels in one image, e.g. label,cluster.")
    var panels: String?

    @Option(help: "Plot title (default: the input's name and size, and the model when embedding).")
    var title: String?

    @Flag(help: "On a plot or panel coloured by cluster, write each cluster's number near the median of its points (moved apart where they would overlap).")
    var clusterNumbers = false

    @Option(help: "Categories with their own colour; smaller ones are drawn as 'other'.")
    var maxCategories = Palette.defaultMaxColored

    @Option(help: ArgumentHelp("What the plot frame fits: auto (the bulk of the points; a few far-off points are drawn on the frame's edge and counted in a footnote) or all (every point).",
                               discussion: "UMAP can put small groups of points, such as duplicate texts, far from the rest; fitting them shrinks the map. The HTML map opens on the same frame (zoom out to reach the far-off points). The CSV keeps every point's true coordinates either way."))
    var frame: PlotFraming = .auto

    func validate() throws {
        guard (64...32768).contains(width) else { throw ValidationError("--width must be 64…32768 pixels (got \(width)).") }
        if let height, !(64...32768).contains(height) {
            throw ValidationError("--height must be 64…32768 pixels (got \(height)).")
        }
        if let pointSize, !(pointSize > 0 && pointSize <= 200) {
            throw ValidationError("--point-size must be in (0, 200] pixels (got \(pointSize)).")
        }
        if let alpha, !(alpha > 0 && alpha <= 1) { throw ValidationError("--alpha must be in (0, 1] (got \(alpha)).") }
        guard dpi > 0, dpi <= 100_000 else { throw ValidationError("--dpi must be in (0, 100000] (got \(dpi)).") }
        guard maxCategories >= 1 else { throw ValidationError("--max-categories must be at least 1.") }
        _ = try panelColorings()
        if panels != nil, colorBy != nil { throw ValidationError("--color-by and --panels cannot be used together (--panels names every colouring).") }
    }

    /// The colourings of `--panels` (nil when not given).
    func panelColorings() throws -> [PlotColoring]? {
        guard let panels else { return nil }
        let parts = panels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let colorings = try parts.map { part -> PlotColoring in
            guard let c = PlotColoring(rawValue: part) else {
                throw ValidationError("--panels: '\(part)' is not one of label, cluster.")
            }
            return c
        }
        guard !colorings.isEmpty else { throw ValidationError("--panels needs at least one of label, cluster.") }
        return colorings
    }

    /// The plot configuration; `defaultTitle` is used when `--title` is not given.
    func configuration(defaultTitle: String, seed: UInt64) -> PlotConfiguration {
        PlotConfiguration(width: width, height: height, theme: theme, pointSize: pointSize, alpha: alpha,
                          density: density, dpi: dpi, title: title ?? defaultTitle,
                          showClusterNumbers: clusterNumbers, seed: seed, maxColoredCategories: maxCategories,
                          framing: frame)
    }
}
