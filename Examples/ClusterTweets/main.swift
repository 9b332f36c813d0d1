// The miCSE model card's second example (cluster tweet_eval with UMAP and plot it), natively:
// the whole pipeline on a labelled tweet corpus, to a PNG coloured by label next to one
// coloured by cluster, plus the coordinate CSV.
//
//   swift run -c release example-cluster-tweets [corpus.csv] [output-folder]
import Foundation
import MicsePipeline
import Rendering

let arguments = CommandLine.arguments
let input = URL(fileURLWithPath: arguments.count > 1 ? arguments[1] : "Examples/tweets.csv")
let folder = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : "Output")

do {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let stem = input.deletingPathExtension().lastPathComponent
    var configuration = PipelineConfiguration(input: input)
    configuration.outputs = try OutputPlan.resolve(input: input, plots: [folder.appendingPathComponent("\(stem)-panels.png")],
                                                   coordinates: folder.appendingPathComponent("\(stem)-coordinates.csv"), html: nil)
    configuration.panels = [.label, .cluster]
    configuration.plot = PlotConfiguration(width: 1200, theme: .fire)   // as tall as the map needs
    let result = try Pipeline(configuration: configuration).run()
    print(result.diagnostics.summary)
    for file in result.filesWritten { print("wrote \(file.path)") }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
