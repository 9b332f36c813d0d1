import ArgumentParser
import Foundation
import MicseSupport

@main
struct MicseCluster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micse-cluster",
        abstract: "Map a text corpus: embed with a BERT sentence encoder, lay out with UMAP, cluster with k-means, plot.",
        version: "0.1.0",
        subcommands: [UMAPCommand.self, BenchCommand.self]
    )

    func run() throws {
        print(MicseCluster.helpMessage())
    }
}
