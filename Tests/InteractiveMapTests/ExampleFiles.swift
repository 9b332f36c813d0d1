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
