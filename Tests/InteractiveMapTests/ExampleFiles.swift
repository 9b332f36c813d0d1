import Foundation
import Testing
import InteractiveMap
import TestSupport

/// Writes maps to look at by hand (screenshots, load timings) when `MICSE_HTML_EXAMPLES` names a folder:
/// `MICSE_HTML_EXAMPLES=/tmp/maps swift test --filter InteractiveMapTests.ExampleFiles`, then
/// `Tests/InteractiveMapTests/Fixtures/chromium-page.sh screenshot /tmp/maps/tweets.html out.png`.
/// `MICSE_HTML_EXAMPLES_MILLION=1` adds a 1,000,000-point map.
@Suite("Example maps (written only when MICSE_HTML_EXAMPLES is set)")
struct ExampleFiles {
    @Test("Write example maps", .enabled(if: ProcessInfo.processInfo.environment["MICSE_HTML_EXAMPLES"] != nil))
    func writeExamples() throws {
        let folder = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["MICSE_HTML_EXAMPLES"]))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let corpus = try MapFixtures.tweets("tweet_eval_sentiment_test.csv", count: 12_284)
        let names = Array(Set(corpus.labels)).sorted()
        var tweets = MapFixtures.blobs(texts: corpus.texts, labelNames: names,
                                       labelOf: corpus.labels.map { Int32(names.firstIndex(of: $0) ?? 0) }, clusterCount: 4, seed: 3)
        tweets.title = "tweet_eval sentiment (test split)"
        tweets.subtitle = "12,284 tweets · synthetic layout for illustration (the pipeline supplies UMAP coordinates and k-means clusters)"
        try HTMLMapWriter.write(tweets, to: folder.appendingPathComponent("tweets.html"))
        try HTMLMapWriter.write(MapFixtures.synthetic(100_000), to: folder.appendingPathComponent("synthetic-100k.html"))
        if ProcessInfo.processInfo.environment["MICSE_HTML_EXAMPLES_MILLION"] != nil {
            try HTMLMapWriter.write(MapFixtures.synthetic(1_000_000), to: folder.appendingPathComponent("synthetic-1m.html"))
        }
    }
}

/// Hand-run load measurement: `MICSE_HTML_MEASURE=/tmp/maps swift test --filter InteractiveMapTests.LoadTimes` opens every
/// `.html` file in that folder in headless Chromium (through the DevTools pipe, real time) and prints the file size,
/// the wall time from browser start to `data-state="ready"`, the browser's navigation timings and the time of one
/// full redraw after a zoom. Timings depend on the machine and its load; they are printed, not asserted.
@Suite("Load times (run only when MICSE_HTML_MEASURE is set)")
struct LoadTimes {
    @Test("Measure load and redraw times", .enabled(if: ProcessInfo.processInfo.environment["MICSE_HTML_MEASURE"] != nil))
    func measure() throws {
        let folder = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["MICSE_HTML_MEASURE"]))
        guard let chromium = HeadlessChromium.locate() else { return }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.fileSizeKey])
            .filter { $0.pathExtension == "html" }.sorted { $0.path < $1.path }
        for file in files {
            let size = try file.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
            let start = Date()
            let page = try DevToolsPipe(chromium: chromium.executable, url: file.absoluteString)
            try page.waitUntilReady()
            let wall = Date().timeIntervalSince(start)
            let timings = try page.evaluate("""
                (() => { const n = performance.getEntriesByType('navigation')[0];
                  return [Math.round(n.domContentLoadedEventEnd), Math.round(n.loadEventEnd), Number(document.body.dataset.loadMs)]; })()
                """) as? [Double] ?? []
            let redraw = try page.evaluate("""
                new Promise(r => { const c = document.getElementById('map'), b = c.getBoundingClientRect();
                  c.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: b.left + b.width / 2, clientY: b.top + b.height / 2, cancelable: true}));
                  requestAnimationFrame(() => requestAnimationFrame(() => r(document.getElementById('status').textContent))); })
                """) as? String ?? ""
            print("\(file.lastPathComponent): \(size) bytes; ready after \(String(format: "%.2f", wall)) s wall (browser start included); "
                  + "DOMContentLoaded \(timings.first ?? -1) ms, load \(timings.dropFirst().first ?? -1) ms, script start→ready \(timings.last ?? -1) ms; after a zoom: \(redraw)")
        }
    }
}
