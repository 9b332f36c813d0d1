import ArgumentParser
import CorpusIO
import Foundation
import MicsePipeline
import MicseSupport
import InteractiveMap
import Rendering

/// Re-renders a plot from an exported coordinate CSV, without re-running the pipeline.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a PNG, SVG or HTML map from a coordinate CSV (id,x,y,label,cluster,text).",
        discussion: """
        Reads the coordinate CSV written by the main command and draws it again, e.g. in another \
        theme, size or colouring. The output format follows the extension: .png, .svg (up to 100,000 \
        points) or .html (the self-contained interactive map: hover or tap a point to read its text).

        Examples:
          micse-cluster plot Output/tweets.csv --output Output/tweets-clusters.png \\
              --color-by cluster
          micse-cluster plot Output/tweets.csv --output map.png \\
              --panels label,cluster --theme dark
          micse-cluster plot Output/tweets.csv --output map.html
        """
    )

    @Argument(help: "Coordinate CSV (header row with x and y; label and cluster optional).",
              transform: URL.init(fileURLWithPath:))
    var coordinates: URL

    @Option(name: .shortAndLong, help: "Output file (.png, .svg or .html).", transform: URL.init(fileURLWithPath:))
    var output: URL

    @Option(help: "Seed of the point drawing order.")
    var seed: UInt64 = 42
    @OptionGroup var plot: PlotOptions

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    func validate() throws {
        let ext = output.pathExtension.lowercased()
        guard ["png", "svg", "html"].contains(ext) else {
            throw ValidationError("--output must end in .png, .svg or .html (got \(output.lastPathComponent)).")
        }
    }

    func run() throws {
        try AtomicFile.checkDistinct(outputs: [(output, "--output")], inputs: [coordinates])
        try AtomicFile.checkWritable(output)
        let table = try CoordinateTable.read(coordinates)
        let name = coordinates.deletingPathExtension().lastPathComponent
        let configuration = plot.configuration(defaultTitle: "\(name) · \(table.count.formatted()) point\(table.count == 1 ? "" : "s")", seed: seed)
        let categories = MapCategories(labels: table.labels, clusters: table.clusters, theme: configuration.theme,
                                       maxColored: configuration.maxColoredCategories)
        let stopwatch = Stopwatch()
        if output.pathExtension.lowercased() == "html" {
            let document = categories.mapDocument(title: configuration.title, subtitle: "from \(coordinates.lastPathComponent)",
                                                  x: table.x, y: table.y, texts: table.texts ?? [String](repeating: "", count: table.count),
                                                  ids: table.ids, framing: configuration.framing, theme: configuration.theme)
            try HTMLMapWriter.write(document, to: output)
        } else {
            // Without a label or cluster column (and no --color-by/--panels) the points get one colour.
            let panels = try plot.panelColorings()
            let requested = panels ?? plot.colorBy.map { [$0] }
            let colorings = requested ?? [categories.availableColorings.first ?? .label]
            for coloring in requested ?? [] where !categories.availableColorings.contains(coloring) {
                let option = panels != nil ? "--panels" : "--color-by"
                throw MicseError("\(coordinates.path): \(option) \(coloring.rawValue) needs a non-empty \(coloring.rawValue) column")
            }
            try MapFigures.writePlot(categories, x: table.x, y: table.y, colorings: colorings, configuration: configuration,
                                     to: output, reporter: ConsoleReporter(verbosity: quiet ? .quiet : .normal))
        }
        guard !quiet else { return }
        print(String(format: "wrote %@ (%@ point%@, %.2f s)", output.path, table.count.formatted(), table.count == 1 ? "" : "s", stopwatch.seconds))
    }
}
