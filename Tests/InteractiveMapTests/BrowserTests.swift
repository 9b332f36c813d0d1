import Foundation
import Testing
import InteractiveMap
import TestSupport

/// End-to-end checks in a real browser (headless Chromium, installed by `.ci/install-deps --test`).
/// Serialized: each test starts one Chromium, and the machine has two cores.
@Suite("Interactive map in headless Chromium", .serialized)
struct BrowserTests {
    /// Writes `document` to a temporary file and loads it, optionally with a `#fragment`.
    private func open(_ document: MapDocument, fragment: String? = nil) throws -> (HeadlessChromium.PageResult, URL)? {
        guard let chromium = HeadlessChromium.locate() else { return nil }
        let folder = try makeTemporaryDirectory("micse-html")
        let file = folder.appendingPathComponent("map.html")
        try HTMLMapWriter.write(document, to: file)
        let page = try chromium.load(file, fragment: fragment)
        try? FileManager.default.removeItem(at: folder)
        return (page, file)
    }

    /// The page finished loading with no script error, no CSP violation and no console error.
    private func expectHealthy(_ page: HeadlessChromium.PageResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(page.bodyAttribute("data-state") == "ready", "page did not finish loading; Chromium log:\n\(page.log.suffix(3000))", sourceLocation: sourceLocation)
        #expect(page.bodyAttribute("data-errors") == nil, "page reported errors: \(page.innerHTML(id: "errors") ?? "")", sourceLocation: sourceLocation)
        let consoleProblems = page.log.split(separator: "\n").filter {
            $0.contains("Uncaught") || $0.contains("Content Security Policy") || $0.contains("Refused to")
        }
        #expect(consoleProblems.isEmpty, "console: \(consoleProblems.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    @Test("2,000 real tweets and hostile texts: every point drawn, texts inert")
    func tweetsAndHostileTexts() throws {
        let document = try MapFixtures.tweetMap()
        guard let (page, _) = try open(document) else { return }
        expectHealthy(page)
        #expect(page.bodyAttribute("data-point-count") == String(document.pointCount))
        #expect(page.bodyAttribute("data-drawn-count") == String(document.pointCount))
        #expect(page.bodyAttribute("data-shown-count") == String(document.pointCount))
        // Nothing a text or the title carries ran or became an element.
        #expect(page.occurrences(of: "data-xss") == 0)
        #expect(page.occurrences(of: "<script") == 3, "expected the two JSON blocks and the page script")
        #expect(page.occurrences(of: "<img") == 0 && page.occurrences(of: "<svg") == 0 && page.occurrences(of: "<style") == 1)
        // The title is shown as text.
        #expect(page.innerHTML(id: "title") == "tweet_eval sentiment &lt;b&gt;val&lt;/b&gt; &lt;/title&gt;&lt;script&gt;document.body.setAttribute('data-x'+'ss','title')&lt;/script&gt;")
        // The legend lists the three labels and the unlabelled hostile rows, with counts.
        let legend = page.innerHTML(id: "legend") ?? ""
        for name in ["negative", "neutral", "positive", "(none)"] { #expect(legend.contains(">\(name)<"), "legend lacks \(name)") }
        #expect(legend.contains(">\(MapFixtures.hostileTexts.count)<"))
    }

    @Test("A #doc deep link pins that document and shows its text, id, label and cluster")
    func deepLinkShowsText() throws {
        let document = try MapFixtures.tweetMap()
        let index = 123
        guard let (page, _) = try open(document, fragment: "doc=\(index)") else { return }
        expectHealthy(page)
        #expect(page.bodyAttribute("data-pinned-id") == String(index))
        #expect(page.openingTag(id: "document")?.contains("data-index=\"\(index)\"") == true)
        #expect(page.innerHTML(id: "doc-text") == htmlEscaped(document.texts[index]))
        #expect(page.innerHTML(id: "doc-id") == String(index))
        let labels = try #require(document.labels), clusters = try #require(document.clusters)
        #expect(page.innerHTML(id: "doc-label") == labels.categoryNames[Int(labels.categoryIndex[index])])
        #expect(page.innerHTML(id: "doc-cluster") == clusters.categoryNames[Int(clusters.categoryIndex[index])])
    }

    @Test("Pinning a hostile text shows it literally", arguments: [0, 1, 3, 6])
    func hostileTextShownLiterally(hostile: Int) throws {
        let document = try MapFixtures.tweetMap()
        let index = 2_000 + hostile
        guard let (page, _) = try open(document, fragment: "doc=\(index)") else { return }
        expectHealthy(page)
        #expect(page.occurrences(of: "data-xss") == 0)
        #expect(page.innerHTML(id: "doc-text") == htmlEscaped(document.texts[index]))
        #expect(page.innerHTML(id: "doc-label") == "(none)")
    }

    @Test("Search by #q= highlights and counts documents containing the query, case-insensitively")
    func searchCounts() throws {
        let document = try MapFixtures.tweetMap()
        let query = "LoVe"
        let expected = document.texts.filter { containsIgnoringCase($0, query) }.count
        #expect(expected > 10)
        guard let (page, _) = try open(document, fragment: "q=\(query)&color=cluster") else { return }
        expectHealthy(page)
        #expect(page.bodyAttribute("data-search-count") == String(expected))
        #expect(page.innerHTML(id: "search-count")?.hasPrefix("\(expected) documents contain") == true)
        #expect(page.bodyAttribute("data-coloring") == "cluster")
        #expect(page.bodyAttribute("data-drawn-count") == String(document.pointCount))
        #expect(page.occurrences(of: "<li><button type=\"button\" data-index=") == min(expected, 100))
    }

    @Test("An empty map loads and says it has no points")
    func emptyMap() throws {
        let document = MapDocument(title: "empty", x: [], y: [], texts: [])
        guard let (page, _) = try open(document) else { return }
        expectHealthy(page)
        #expect(page.bodyAttribute("data-drawn-count") == "0")
        #expect(page.innerHTML(id: "status") == "No points: this map is empty.")
        #expect(page.openingTag(id: "empty")?.contains("hidden") == false)
    }

    @Test("One point, with an empty text, no colourings and a deep link")
    func singlePoint() throws {
        let document = MapDocument(title: "one", x: [3], y: [-2], texts: [""], ids: [41])
        guard let (page, _) = try open(document, fragment: "doc=41") else { return }
        expectHealthy(page)
        #expect(page.bodyAttribute("data-drawn-count") == "1")
        #expect(page.bodyAttribute("data-pinned-id") == "41")
        #expect(page.innerHTML(id: "doc-text") == "(empty text)")
        #expect(page.innerHTML(id: "status")?.hasPrefix("1 of 1 points shown") == true)
    }

    @Test("10,000 distinct labels: the legend shows the top 30 and one \"other\" entry")
    func manyCategories() throws {
        let n = 20_000
        var document = MapFixtures.synthetic(n, labelCount: 10_000)
        // Make label 7 the biggest so it leads the legend.
        for i in stride(from: 0, to: n, by: 50) { document.labels?.categoryIndex[i] = 7 }
        guard let (page, _) = try open(document) else { return }
        expectHealthy(page)
        #expect(page.bodyAttribute("data-drawn-count") == String(n))
        let legend = page.innerHTML(id: "legend") ?? ""
        #expect(legend.components(separatedBy: "<li>").count - 1 == 31)
        #expect(legend.contains(">other (9,970 categories)<"))
        #expect(legend.range(of: ">label 7<").map { $0.lowerBound < (legend.range(of: ">other")?.lowerBound ?? legend.startIndex) } == true)
        let firstName = legend.range(of: "class=\"name\">").map { legend[$0.upperBound...].prefix(while: { $0 != "<" }) }
        #expect(firstName == "label 7")
    }

    @Test("A document's initial view leaves far-off points out of the first view; without one every point is in view")
    func initialView() throws {
        let n = 2_000
        var document = MapFixtures.synthetic(n)
        let bulk = (minX: document.x.min()!, maxX: document.x.max()!, minY: document.y.min()!, maxY: document.y.max()!)
        let far = 3
        for i in 0..<far { document.x[i] = bulk.maxX + 50 * (bulk.maxX - bulk.minX); document.y[i] = bulk.minY }
        guard let (fitAll, _) = try open(document) else { return }
        expectHealthy(fitAll)
        #expect(fitAll.bodyAttribute("data-drawn-count") == String(n))
        // The bulk's extent (the far points' y lies on its edge, their x far beyond it).
        document.initialView = MapViewport(minX: bulk.minX, maxX: bulk.maxX, minY: bulk.minY, maxY: bulk.maxY, outsideCount: far)
        guard let (framed, _) = try open(document) else { return }
        expectHealthy(framed)
        #expect(framed.bodyAttribute("data-drawn-count") == String(n - far))
        #expect(framed.innerHTML(id: "status")?.hasPrefix("2,000 of 2,000 points shown (1,997 in view; zoom out for the rest)") == true,
                "\(framed.innerHTML(id: "status") ?? "")")
    }

    @Test("100,000 points: loads and draws every point")
    func hundredThousandPoints() throws {
        let n = 100_000
        let document = MapFixtures.synthetic(n)
        guard let (page, _) = try open(document) else { return }
        expectHealthy(page)
        #expect(page.bodyAttribute("data-drawn-count") == String(n))
        print("100k points: page ready after \(page.bodyAttribute("data-load-ms") ?? "?") ms of page time; \(page.innerHTML(id: "status") ?? "")")
    }
}

/// How `--dump-dom` serializes a text node (HTML fragment serialization: &, <, >, and U+00A0 escaped).
func htmlEscaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\u{A0}": out += "&nbsp;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// JavaScript's `a.toLowerCase().indexOf(b.toLowerCase()) !== -1`, on UTF-16 code units.
func containsIgnoringCase(_ text: String, _ query: String) -> Bool {
    let haystack = Array(text.lowercased().utf16), needle = Array(query.lowercased().utf16)
    if needle.isEmpty { return true }
    guard haystack.count >= needle.count else { return false }
    for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) { return true }
    return false
}
