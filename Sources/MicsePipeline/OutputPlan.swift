import Foundation
import MicseSupport

/// Where a run writes its files. Every path is checked for writability before any work starts,
/// so a typo in an output folder fails in a second, not after the embedding.
public struct OutputPlan: Sendable, Equatable {
    /// Whether `url` names a file a plot can be written to: `.png` or `.svg`.
    public static func isPlotFile(_ url: URL) -> Bool { ["png", "svg"].contains(url.pathExtension.lowercased()) }

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
    /// The default output folder when it does not exist yet: created by `createFolders()` when the
    /// run reaches its outputs, so that a run that fails earlier leaves no empty folder behind.
    public var folderToCreate: URL?

    public init(plots: [URL] = [], coordinates: URL? = nil, html: URL? = nil, diagnostics: URL? = nil, manifest: URL? = nil) {
        self.plots = plots; self.coordinates = coordinates; self.html = html; self.diagnostics = diagnostics; self.manifest = manifest
    }

    /// The plan for a corpus: explicit paths where given. The coordinate CSV is always written: without
    /// `--csv` it goes beside the first plot (else the HTML map) as `<its name>.csv`; with no output
    /// named at all, the plan is `Output/<input name>.png` and `.csv` (the folder is created by
    /// `createFolders()`, and only its parent has to be writable now). A derived CSV name that is one
    /// of the inputs becomes `<name>.coordinates.csv` instead (`micse-cluster t.csv --plot t.png` must
    /// not replace `t.csv`). Diagnostics and the manifest go beside the explicit CSV, else beside the
    /// first plot (or the map).
    ///
    /// - Parameters: otherInputs: files the run reads besides `input` (`--embeddings`, `--labels`);
    ///   no output may be one of them (`AtomicFile.checkDistinct`).
    public static func resolve(input: URL, plots: [URL], coordinates: URL?, html: URL?, otherInputs: [URL] = [],
                               defaultFolder: URL = URL(fileURLWithPath: "Output")) throws -> OutputPlan {
        var plan = OutputPlan(plots: plots, coordinates: coordinates, html: html)
        if plots.isEmpty && coordinates == nil && html == nil {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: defaultFolder.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw MicseError("cannot write into \(defaultFolder.path): it is a file, not a folder (give --plot or --csv)")
                }
            } else {
                try AtomicFile.checkWritable(defaultFolder)
                plan.folderToCreate = defaultFolder
            }
            plan.plots = [defaultFolder.appendingPathComponent(input.deletingPathExtension().lastPathComponent + ".png")]
        }
        let inputs = [input] + otherInputs
        if plan.coordinates == nil, let figure = plan.plots.first ?? html {
            let folder = figure.deletingLastPathComponent(), stem = figure.deletingPathExtension().lastPathComponent
            let beside = folder.appendingPathComponent(stem + ".csv")
            let isInput = AtomicFile.input(sameAs: beside, among: inputs) != nil
            plan.coordinates = isInput ? folder.appendingPathComponent(stem + ".coordinates.csv") : beside
        }
        let anchor = coordinates ?? plan.plots.first ?? plan.html ?? defaultFolder.appendingPathComponent(input.lastPathComponent)
        let folder = anchor.deletingLastPathComponent()
        let stem = anchor.deletingPathExtension().lastPathComponent
        plan.diagnostics = folder.appendingPathComponent(stem + ".clusters.json")
        plan.manifest = folder.appendingPathComponent(stem + ".run.json")
        for plot in plan.plots where !isPlotFile(plot) {
            throw MicseError("--plot \(plot.path): the file name must end in .png or .svg")
        }
        try AtomicFile.checkDistinct(outputs: plan.namedFiles, inputs: inputs)
        for url in plan.allFiles where url.deletingLastPathComponent().path != plan.folderToCreate?.path {
            try AtomicFile.checkWritable(url)
        }
        return plan
    }

    /// Creates the default output folder if the plan needs it (see `folderToCreate`).
    public func createFolders() throws {
        guard let folder = folderToCreate else { return }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw MicseError("cannot create the output folder \(folder.path): \(error.localizedDescription)")
        }
    }

    public var allFiles: [URL] { namedFiles.map(\.url) }

    /// Every file of the plan with what names it in messages (the option, or the file's role).
    var namedFiles: [(url: URL, option: String)] {
        plots.map { ($0, "--plot") } + [(coordinates, "--csv"), (html, "--html"), (diagnostics, "the diagnostics"),
                                         (manifest, "the run manifest")].compactMap { url, option in url.map { ($0, option) } }
    }
}
