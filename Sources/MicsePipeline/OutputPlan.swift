import Foundation
import MicseSupport

/// Where a run writes its files. Every path is checked for writability before any work starts,
/// so a typo in an output folder fails in a second, not after the embedding.
public struct OutputPlan: Sendable, Equatable {
    /// PNG or SVG plots (by extension).
    public var plots: [URL]
    /// The coordinate CSV (`id,x,y,label,cluster,text`).
    public var coordinates: URL?
    /// The self-contained HTML map.
    public var html: URL?
    /// Cluster diagnostics JSON, next to the CSV (or the first plot): `<stem>.clusters.json`.
    public var diagnostics: URL?
    /// The run manifest: `<stem>.run.json`.
    public var manifest: URL?

    public init(plots: [URL] = [], coordinates: URL? = nil, html: URL? = nil, diagnostics: URL? = nil, manifest: URL? = nil) {
        self.plots = plots; self.coordinates = coordinates; self.html = html; self.diagnostics = diagnostics; self.manifest = manifest
    }

    /// The plan for a corpus: explicit paths where given; with neither a plot nor a CSV given,
    /// `Output/<input name>.png` and `.csv` (the folder is created). Diagnostics and the manifest
    /// go beside the CSV, or beside the first plot.
    public static func resolve(input: URL, plots: [URL], coordinates: URL?, html: URL?,
                               defaultFolder: URL = URL(fileURLWithPath: "Output")) throws -> OutputPlan {
        var plan = OutputPlan(plots: plots, coordinates: coordinates, html: html)
        if plots.isEmpty && coordinates == nil {
            try FileManager.default.createDirectory(at: defaultFolder, withIntermediateDirectories: true)
            let stem = input.deletingPathExtension().lastPathComponent
            plan.plots = [defaultFolder.appendingPathComponent(stem + ".png")]
            plan.coordinates = defaultFolder.appendingPathComponent(stem + ".csv")
        }
        let anchor = plan.coordinates ?? plan.plots.first ?? plan.html ?? defaultFolder.appendingPathComponent(input.lastPathComponent)
        let folder = anchor.deletingLastPathComponent()
        let stem = anchor.deletingPathExtension().lastPathComponent
        plan.diagnostics = folder.appendingPathComponent(stem + ".clusters.json")
        plan.manifest = folder.appendingPathComponent(stem + ".run.json")
        for plot in plan.plots {
            let ext = plot.pathExtension.lowercased()
            guard ext == "png" || ext == "svg" else {
                throw MicseError("--plot \(plot.path): the file name must end in .png or .svg")
            }
        }
        for url in plan.allFiles { try AtomicFile.checkWritable(url) }
        return plan
    }

    public var allFiles: [URL] { plots + [coordinates, html, diagnostics, manifest].compactMap { $0 } }
}
