import Foundation
import InteractiveMap
import MicseSupport
import TestSupport

/// Test corpora for the map: real tweets with seeded coordinates, hostile texts, synthetic sizes.
enum MapFixtures {
    static let tab10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// Texts that would run script if they ever became markup. If executed, each sets the attribute
    /// `data-xss` on `<body>` (the name is assembled at run time, so it does not occur in the texts).
    static let hostileTexts: [String] = [
        "</script><script>document.body.setAttribute('data-x'+'ss','script')</script>",
        "<img src=x onerror=\"document.body.setAttribute('data-x'+'ss','img')\">",
        "<!-- <script>document.body.setAttribute('data-x'+'ss','comment')</script> -->",
        "<svg onload=\"document.body.setAttribute('data-x'+'ss','svg')\"></svg>",
        "javascript:document.body.setAttribute('data-x'+'ss','url')",
        "line\u{2028}separator\u{2029}paragraph & \"quotes\" 'single' \\ backslash",
        "control \u{0}\u{1}\u{8}\u{B}\u{C}\u{1B}\u{7F} chars\r\nnew line\ttab",
        "<![CDATA[ ]]> ]]> <style>body{display:none}</style>",
        "emoji 👩‍👩‍👧 and replacement \u{FFFD} and noncharacter \u{FFFE}",
        "",
    ]

    /// `count` real tweets (`text,label`) from the shared corpus, RFC 4180.
    static func tweets(_ file: String, count: Int) throws -> (texts: [String], labels: [String]) {
        let data = try Data(contentsOf: SharedData.data(file))
        let rows = parseCSV(String(decoding: data, as: UTF8.self))
        var texts: [String] = [], labels: [String] = []
        for row in rows.dropFirst().prefix(count) where row.count >= 2 {
            texts.append(row[0]); labels.append(row[1])
        }
        return (texts, labels)
    }

    /// A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = scalars.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else if c != "\r" { field.unicodeScalars.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// A map of blobs: point i sits near the centre of its label's blob; clusters cut across labels.
    static func blobs(texts: [String], labelNames: [String], labelOf: [Int32], clusterCount: Int, seed: UInt64) -> MapDocument {
        var rng = SplitMix64(seed: seed)
        let n = texts.count
        var x = [Float](repeating: 0, count: n), y = [Float](repeating: 0, count: n)
        var cluster = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let blob = Int(labelOf[i] < 0 ? 0 : labelOf[i])
            let angle = Double(blob) * 2.4
            let u = Double(rng.next() >> 11) / Double(1 << 53), v = Double(rng.next() >> 11) / Double(1 << 53)
            let radius = (-2 * log(max(u, 1e-12))).squareRoot()       // Box–Muller
            x[i] = Float(4 * cos(angle) + radius * cos(2 * .pi * v))
            y[i] = Float(4 * sin(angle) + radius * sin(2 * .pi * v))
            cluster[i] = Int32((x[i] > 0 ? 1 : 0) + (y[i] > 0 ? 2 : 0)) % Int32(clusterCount)
        }
        let labels = MapColoring(title: "label", categoryIndex: labelOf, categoryNames: labelNames,
                                 categoryColors: labelNames.indices.map { tab10[$0 % tab10.count] })
        let clusters = MapColoring(title: "cluster", categoryIndex: cluster, categoryNames: (0..<clusterCount).map { "cluster \($0)" },
                                   categoryColors: (0..<clusterCount).map { tab10[(9 - $0) % tab10.count] })
        return MapDocument(title: "Test map", subtitle: "\(n) documents", x: x, y: y, texts: texts,
                           ids: Array(0..<n), labels: labels, clusters: clusters)
    }

    /// 2,000 real tweets followed by the hostile texts; labels are the corpus's names.
    static func tweetMap() throws -> MapDocument {
        let corpus = try tweets("tweet_eval_sentiment_val.csv", count: 2_000)
        let texts = corpus.texts + hostileTexts
        let names = Array(Set(corpus.labels)).sorted()
        let labelOf = corpus.labels.map { Int32(names.firstIndex(of: $0) ?? 0) } + hostileTexts.map { _ in Int32(-1) }
        var document = blobs(texts: texts, labelNames: names, labelOf: labelOf, clusterCount: 4, seed: 7)
        document.title = "tweet_eval sentiment <b>val</b> </title><script>document.body.setAttribute('data-x'+'ss','title')</script>"
        return document
    }

    /// `n` synthetic points with short texts (for size and speed measurements).
    static func synthetic(_ n: Int, labelCount: Int = 3, seed: UInt64 = 1) -> MapDocument {
        var rng = SplitMix64(seed: seed)
        let words = ["rain", "sun", "match", "vote", "music", "coffee", "train", "game", "news", "love", "work", "city"]
        var texts: [String] = [], labelOf: [Int32] = []
        texts.reserveCapacity(n); labelOf.reserveCapacity(n)
        for i in 0..<n {
            var t = "doc \(i):"
            for _ in 0..<12 { t += " " + words[Int(rng.next() % UInt64(words.count))] }
            texts.append(t)
            labelOf.append(Int32(rng.next() % UInt64(labelCount)))
        }
        return blobs(texts: texts, labelNames: (0..<labelCount).map { "label \($0)" }, labelOf: labelOf, clusterCount: 4, seed: seed)
    }
}
