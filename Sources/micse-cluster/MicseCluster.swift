import ArgumentParser
import Foundation
import LinearAlgebra
import MicsePipeline
import MicseSupport

/// The entry point: parses the command line, runs the command, and turns any error a user can
/// act on into one line on stderr and exit status 1 (usage errors: ArgumentParser's message, 64).
@main
enum Main {
    static func main() {
        TemporaryFiles.removeAllOnSignal()
        _ = OpenBLASKernelSelection.applied   // native BLAS kernels, before any BLAS call (see its documentation)
        do {
            var command = try MicseCluster.parseAsRoot()
            try command.run()
        } catch let error as UserFacingError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            exit(1)
        } catch {
            // Help and version print as usual; usage errors are one line (ArgumentParser's message).
            let code = MicseCluster.exitCode(for: error)
            guard code != .success else { MicseCluster.exit(withError: error) }
            let message = MicseCluster.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            let hint = code == .validationFailure ? " (see --help)" : ""   // only usage errors are about the options
            FileHandle.standardError.write(Data("error: \(message)\(hint)\n".utf8))
            exit(code.rawValue)
        }
    }
}

struct MicseCluster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micse-cluster",
        abstract: "Map a text corpus: embed with a BERT sentence encoder, lay out with UMAP, cluster with k-means, plot.",
        discussion: """
        Run `micse-cluster INPUT` (the `map` command) to get a PNG map, a coordinate CSV and cluster \
        diagnostics of a corpus (and with --html an interactive map); the other commands run one stage each \
        and share the same options.

        Examples:
          micse-cluster tweets.csv --plot out.png
          micse-cluster map --help      (all options of the main command)
        """,
        version: PipelineInfo.version,
        subcommands: [MapCommand.self, EmbedCommand.self, UMAPCommand.self, KMeansCommand.self, PlotCommand.self, TokenizeCommand.self, BenchCommand.self],
        defaultSubcommand: MapCommand.self
    )
}
