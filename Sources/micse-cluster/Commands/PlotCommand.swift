import ArgumentParser
import CorpusIO
import Foundation
import MicsePipeline
import MicseSupport
import Rendering

/// Re-renders a plot from an exported coordinate CSV, without re-running the pipeline.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a PNG or SVG scatter plot from a coordinate CSV (id,x,y,label,cluster,text).",
        discussion: """
        Reads the coordinate CSV written by the main command and draws it again, e.g. in another
        theme, size or colouring. The output format follows the extension (.png or .svg; SVG up to
        100,000 points).

        Examples:
          micse-cluster plot Output/tweets.csv --output Output/tweets-clusters.png --color-by cluster
          micse-cluster plot Output/tweets.csv --output map.png --panels label,cluster --theme dark
        """
    )

    @Argument(help: "Coordinate CSV (header row with x and y; label and cluster optional).",
              transform: URL.init(fileURLWithPath:))
    var coordinates: URL

    @Option(name: .shortAndLong, help: "Output file (.png or .svg).", transform: URL.init(fileURLWithPath:))
    var output: URL

    @Option(help: "Seed of the point drawing order.")
    var seed: UInt64 = 42

    @OptionGroup var plot: PlotOptions

    func validate() throws {
        let ext = output.pathExtension.lowercased()
        guard ext == "png" || ext == "svg" else {
            throw ValidationError("--output must end in .png or .svg (got \(output.lastPathComponent)).")
        }
    }

    func run() throws {
        try AtomicFile.checkWritable(output)
        let table = try CoordinateTable.read(coordinates)
        let defaultTitle = "\(coordinates.deletingPathExtension().lastPathComponent) · \(table.count.formatted()) points"
        let configuration = plot.configuration(defaultTitle: defaultTitle, seed: seed)
        let reporter = ConsoleReporter()

        func data(_ coloring: PlotColoring) throws -> ScatterData {
            switch coloring {
            case .label:
                guard let labels = table.labels else {
                    throw MicseError("\(coordinates.path): --color-by label needs a non-empty label column")
                }
                return ScatterData(x: table.x, y: table.y, sortedLabels: labels)
            case .cluster:
                guard let clusters = table.clusters else {
                    throw MicseError("\(coordinates.path): --color-by cluster needs a non-empty cluster column")
                }
                return ScatterData(x: table.x, y: table.y, clusters: clusters)
            }
        }
        let colorings: [PlotColoring]
        if let panels = try plot.panelColorings() {
            colorings = panels
        } else if let c = plot.colorBy {
            colorings = [c]
        } else {
            colorings = [table.labels != nil ? .label : (table.clusters != nil ? .cluster : .label)]
        }
        let panels: [ScatterData]
        if table.labels == nil && table.clusters == nil && plot.colorBy == nil && plot.panels == nil {
            panels = [ScatterData(x: table.x, y: table.y)]
        } else {
            panels = try colorings.map(data)
        }
        let subtitles = colorings.count > 1 ? colorings.map { "by \($0.rawValue)" } : [""]
        let stopwatch = Stopwatch()
        if output.pathExtension.lowercased() == "svg" {
            try SVGWriter.writePanels(panels, subtitles: subtitles, configuration: configuration, to: output)
        } else {
            let image = try ScatterPlot.renderPanels(panels, subtitles: subtitles, configuration: configuration, reporter: reporter)
            try PNGEncoder.write(image, to: output, dpi: configuration.dpi)
        }
        print(String(format: "wrote %@ (%d points, %.2f s)", output.path, table.count, stopwatch.seconds))
    }
}
