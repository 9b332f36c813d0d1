import ArgumentParser
import CorpusIO
import Foundation
import MicseSupport
import Rendering

/// Times rendering + PNG encoding of a scatter plot, like ../shared/bench/bench_render.py.
struct BenchRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Time drawing a scatter plot and encoding it as PNG.",
        discussion: """
        Synthetic Gaussian blobs (as bench_render.py's datashader case) unless --coords is given. \
        Reports the median of --runs warm runs of: render (points + text), PNG encode, total, and \
        the PNG size, plus the process CPU time per run; --png-sweep also times every zlib level × filter.

        Examples:
          micse-cluster bench render --points 12284 --categories 3
          micse-cluster bench render --points 1000000 --categories 20 \\
              --out /tmp/bench.png
          micse-cluster bench render --coords bench-out/umap2d_seed42.csv --png-sweep
        """
    )

    @Option(help: "Number of synthetic points.")
    var points = 12_284

    @Option(help: "Number of synthetic categories.")
    var categories = 3

    @Option(help: "Coordinate CSV (x,y[,label]) to draw instead of synthetic points.", transform: URL.init(fileURLWithPath:))
    var coords: URL?

    @Option(help: "Timed warm runs (median reported).")
    var runs = 5

    @Option(help: "zlib level of the PNG.")
    var pngLevel = PNGEncoder.defaultLevel

    @Option(help: "PNG row filter: none, sub, up, paeth, adaptive.")
    var pngFilter: PNGFilter = PNGEncoder.defaultFilter

    @Flag(help: "Also time every PNG level (1, 2, 3, 6, 9) × filter.")
    var pngSweep = false

    @Option(help: "Write the last PNG here.", transform: URL.init(fileURLWithPath:))
    var out: URL?

    @OptionGroup var plot: PlotOptions

    func run() throws {
        if let out { try AtomicFile.checkDistinct(outputs: [(out, "--out")], inputs: coords.map { [$0] } ?? []) }
        let data: ScatterData
        if let coords {
            let table = try CoordinateTable.read(coords)
            data = table.labels.map { ScatterData(x: table.x, y: table.y, sortedLabels: $0) } ?? ScatterData(x: table.x, y: table.y)
        } else {
            guard points > 0, categories > 0 else { throw ValidationError("--points and --categories must be positive.") }
            data = .syntheticBlobs(pointCount: points, categoryCount: categories, seed: 0)
        }
        var configuration = plot.configuration(defaultTitle: "synthetic · \(data.count.formatted()) points", seed: 42)
        configuration.height = configuration.height ?? configuration.width   // the peers' square canvas
        var renderTimes: [Double] = [], encodeTimes: [Double] = [], totals: [Double] = [], cpuTimes: [Double] = []
        var image: RGBAImage?
        var png = Data()
        // One untimed run first (font loading, page faults).
        _ = try ScatterPlot.render(data, configuration: configuration)
        for _ in 0..<max(1, runs) {
            let c0 = cpuSeconds()
            let t0 = Stopwatch()
            let rendered = try ScatterPlot.render(data, configuration: configuration)
            let t1 = t0.seconds
            png = try PNGEncoder.encode(rendered, dpi: configuration.dpi, level: pngLevel, filter: pngFilter)
            let t2 = t0.seconds
            renderTimes.append(t1); encodeTimes.append(t2 - t1); totals.append(t2); cpuTimes.append(cpuSeconds() - c0)
            image = rendered
        }
        let mode = ScatterPlot.usesDensity(pointCount: data.count, configuration: configuration) ? "density" : "points"
        print("render: \(data.count) points, \(data.categoryNames.count) categories, \(image?.width ?? 0)×\(image?.height ?? 0), theme \(configuration.theme.rawValue), \(mode), \(resolvedThreadCount(nil)) threads")
        print(String(format: "  render  %.4f s   png encode (level %d, %@) %.4f s   total %.4f s   png %.0f KiB",
                     median(renderTimes), pngLevel, pngFilter.rawValue, median(encodeTimes), median(totals), Double(png.count) / 1024))
        print(String(format: "  process CPU time per run (user + system, all threads) %.4f s — on a loaded machine a better guide than wall time", median(cpuTimes)))
        if pngSweep, let image {
            for strategy in [PNGCompressionStrategy.standard, .rle] { for filter in PNGFilter.allCases {
                for level in strategy == .rle ? [1] : [1, 2, 3, 6, 9] {
                    var times: [Double] = [], cpu: [Double] = []
                    var size = 0
                    for _ in 0..<max(1, runs) {
                        let c = cpuSeconds()
                        let t = Stopwatch()
                        size = try PNGEncoder.encode(image, level: level, filter: filter, strategy: strategy).count
                        times.append(t.seconds)
                        cpu.append(cpuSeconds() - c)
                    }
                    print(String(format: "  png %@ level %d %-8@ wall %.4f s  cpu %.4f s  %7.0f KiB", strategy.name, level, filter.rawValue, median(times), median(cpu), Double(size) / 1024))
                }
            } }
        }
        if let out { try AtomicFile.write(png, to: out) }
        print(String(format: "{\"n\": %d, \"render_s\": %.5f, \"encode_s\": %.5f, \"total_s\": %.5f, \"png_bytes\": %d}",
                     data.count, median(renderTimes), median(encodeTimes), median(totals), png.count))
    }

    /// User + system CPU time of the process so far.
    private func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }
}
