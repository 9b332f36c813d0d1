import Foundation
import Testing
import TestSupport

/// Runs headless Chromium on a local page and returns the DOM after the page's scripts ran.
///
/// The page reports its state through attributes on `<body>` (`data-state`, `data-drawn-count`,
/// `data-errors`, …), so `--dump-dom` after a virtual-time budget is enough to check it; no
/// DevTools-protocol client is needed. The same flags, for a screenshot by hand:
/// `Tests/InteractiveMapTests/Fixtures/chromium-page.sh screenshot map.html out.png`.
struct HeadlessChromium {
    let executable: String

    /// Finds Chromium (`$CHROMIUM`, else `chromium`, `chromium-browser`, `google-chrome` on `PATH`).
    /// Records a test failure saying how to install it when there is none: the browser tests must not
    /// pass silently on a machine without a browser.
    static func locate() -> HeadlessChromium? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["CHROMIUM"] { candidates.append(explicit) }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            candidates += path.map { "\($0)/\(name)" }
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return HeadlessChromium(executable: found)
        }
        Issue.record("Chromium is not installed: run `.ci/install-deps --test` (Debian package `chromium`), or set CHROMIUM=/path/to/chromium")
        return nil
    }

    struct PageResult {
        let dom: String
        let log: String

        /// The value of attribute `name` on `<body>` (nil if absent).
        func bodyAttribute(_ name: String) -> String? {
            guard let start = dom.range(of: "<body"), let end = dom[start.upperBound...].range(of: ">") else { return nil }
            return Self.attribute(name, in: String(dom[start.upperBound..<end.lowerBound]))
        }

        /// The opening tag of the element with `id`, e.g. `<section id="document" data-index="3">`.
        func openingTag(id: String) -> String? {
            guard let hit = dom.range(of: " id=\"\(id)\""),
                  let start = dom[..<hit.lowerBound].range(of: "<", options: .backwards),
                  let end = dom[hit.upperBound...].range(of: ">") else { return nil }
            return String(dom[start.lowerBound..<end.upperBound])
        }

        /// The serialized inner HTML of the element with `id` (elements of this page do not nest their own kind deeply).
        func innerHTML(id: String) -> String? {
            guard let tag = openingTag(id: id), let tagRange = dom.range(of: tag) else { return nil }
            let name = tag.dropFirst().prefix { $0.isLetter || $0.isNumber }
            guard let close = dom[tagRange.upperBound...].range(of: "</\(name)>") else { return nil }
            return String(dom[tagRange.upperBound..<close.lowerBound])
        }

        func occurrences(of needle: String) -> Int { dom.components(separatedBy: needle).count - 1 }

        static func attribute(_ name: String, in tagText: String) -> String? {
            guard let r = tagText.range(of: " \(name)=\"") else { return nil }
            let rest = tagText[r.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    /// Loads `file` (with an optional `#fragment`) and returns the DOM after `budgetMilliseconds` of
    /// virtual time, plus Chromium's log (console messages appear there as `CONSOLE` lines).
    func load(_ file: URL, fragment: String? = nil, budgetMilliseconds: Int = 20_000, windowSize: String = "1200,900") throws -> PageResult {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("micse-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        var url = file.absoluteString
        if let fragment { url += "#" + fragment }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--user-data-dir=\(profile.path)",
            "--enable-logging=stderr", "--v=0", "--window-size=\(windowSize)",
            "--virtual-time-budget=\(budgetMilliseconds)", "--dump-dom", url,
        ]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A hung browser must fail the test, not the CI job's time limit.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(180), execute: watchdog)
        defer { watchdog.cancel() }
        // Read both pipes concurrently so neither fills up and blocks Chromium.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = readToEnd(errors.fileHandleForReading) }
        reader.start()
        let outputData = readToEnd(output.fileHandleForReading)
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return PageResult(dom: String(decoding: outputData, as: UTF8.self), log: String(decoding: errorData, as: UTF8.self))
    }
}
