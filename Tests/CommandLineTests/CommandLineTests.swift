import Testing
import Foundation
import CorpusIO
import TestSupport

/// The `micse-cluster` binary as a user meets it: every help screen, and what bad input prints.
/// Runs the executable that `swift build --build-tests` leaves beside the test bundle (or `$MICSE_CLI`).
@Suite("Command line")
struct CommandLineTests {
    struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["MICSE_CLI"] { return URL(fileURLWithPath: path) }
        let bundleDirectory = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
        return bundleDirectory.appendingPathComponent("micse-cluster")
    }

    /// Runs the binary with `arguments` on an 80-column, non-terminal output.
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            Issue.record("no micse-cluster binary at \(binary.path): build it first (swift build --build-tests)")
            return Outcome(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "80"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting: a help screen can exceed a pipe's buffer. (Foundation's
        // readDataToEndOfFile traps on EINTR, which other tests' child processes can cause.)
        let stderrData = readToEnd(err.fileHandleForReading)
        let stdoutData = readToEnd(out.fileHandleForReading)
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                       stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Subcommand names listed in a help screen's SUBCOMMANDS section.
    static func subcommands(inHelp help: String) -> [String] {
        var names: [String] = [], inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
            guard inSection else { continue }
            if line.isEmpty { break }   // then comes "See 'micse-cluster help …'
            // "  name    abstract": a name sits at two spaces' indent (wrapped abstracts sit deeper).
            if line.hasPrefix("  ") && !line.hasPrefix("   "), let name = line.split(separator: " ").first {
                names.append(String(name))
            }
        }
        return names
    }

    @Test("Every help screen reads at 80 columns: examples and tables are not broken by wrapping")
    func helpScreens() throws {
        var queue: [[String]] = [[]], seen = 0
        while !queue.isEmpty {
            let command = queue.removeFirst()
            let outcome = try Self.run(command + ["--help"])
            let name = (["micse-cluster"] + command).joined(separator: " ")
            #expect(outcome.status == 0, "\(name) --help exited with \(outcome.status)")
            let help = outcome.stdout
            #expect(help.contains("USAGE:"), "\(name) --help has no USAGE line")
            if command.count < 2 { queue += Self.subcommands(inHelp: help).map { command + [$0] } }
            seen += 1
            // The free text above USAGE: an indented line (an example or a table row) that ArgumentParser
            // had to wrap continues at column 0 right below it. Prose may wrap, indented lines may not.
            let text = help.components(separatedBy: "\nUSAGE:")[0].split(separator: "\n", omittingEmptySubsequences: false)
            for (above, line) in zip(text, text.dropFirst()) where above.hasPrefix("  ") && !line.isEmpty && !line.hasPrefix(" ") {
                Issue.record("\(name) --help: \"\(line)\" continues the wrapped line \"\(above)\"")
            }
            #expect(!help.contains("\n\n\n"), "\(name) --help has two blank lines in a row")
            // ArgumentParser never wraps its USAGE line; everything else must fit.
            for line in help.split(separator: "\n") where line.count > 80 && !line.hasPrefix("USAGE:") {
                Issue.record("\(name) --help: line longer than 80 columns: \"\(line)\"")
            }
        }
        // The top level, map, embed, umap, kmeans, plot, tokenize, bench and its 6 stages at least.
        #expect(seen >= 14, "found only \(seen) help screens")
    }

    /// One bad-input case: arguments, what the single error line must mention, the exit status.
    struct BadInput: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var mentions: String
        var status: Int32 = 1
        var testDescription: String { arguments.joined(separator: " ") }
    }

    /// Placeholders in `BadInput.arguments`: `DIR/` becomes the test's directory.
    static let badInputs: [BadInput] = [
        BadInput(arguments: ["DIR/missing.csv", "--plot", "DIR/out.png"], mentions: "missing.csv: no such file"),
        BadInput(arguments: ["embed", "DIR/unterminated.csv", "--output", "DIR/out.npy"], mentions: "unterminated.csv:3:"),
        BadInput(arguments: ["umap", "DIR/unterminated.csv", "--output", "DIR/out.csv"], mentions: "not a NumPy .npy file"),
        BadInput(arguments: ["kmeans", "DIR/nan.npy", "--clusters", "2", "--output", "DIR/out.csv"], mentions: "row 3 holds a NaN"),
        BadInput(arguments: ["kmeans", "DIR/nan.npy", "--clusters", "0", "--output", "DIR/out.csv"], mentions: "--clusters", status: 64),
        BadInput(arguments: ["DIR/missing.csv", "--bogus"], mentions: "--bogus", status: 64),
        // `bench embed` never uses the cache, so it has no --no-cache to ignore.
        BadInput(arguments: ["bench", "embed", "--no-cache"], mentions: "--no-cache", status: 64),
        BadInput(arguments: ["bench", "tokenize", "--model", ""], mentions: "--model needs a directory", status: 64),
        BadInput(arguments: ["DIR/unterminated.csv", "--csv", "DIR/unterminated.csv"], mentions: "is an input file"),
        BadInput(arguments: ["umap", "DIR/nan.npy", "--output", "DIR/nan.npy"], mentions: "is an input file"),
        BadInput(arguments: ["embed"], mentions: "<input>", status: 64),
        BadInput(arguments: ["plot", "DIR/unterminated.csv", "--output", "DIR/out.png", "--height", "10"],
                 mentions: "--height must be 64…32768 pixels (got 10)", status: 64),
        // A comma inside an unquoted text would shift the label into the text's place.
        BadInput(arguments: ["DIR/extra.csv", "--csv", "DIR/out.csv"], mentions: "extra.csv:2: row has 3 fields, the header has 2"),
        BadInput(arguments: ["DIR/extra.csv", "--labels", "DIR/labels.txt", "--csv", "DIR/out.csv"], mentions: "is for a plain-text corpus"),
        // Out-of-range numbers are usage errors, not traps or huge allocations.
        BadInput(arguments: ["DIR/ok.csv", "--csv", "DIR/out.csv", "--threads", "2147483648"], mentions: "--threads must be 1…1024", status: 64),
        BadInput(arguments: ["tokenize", "--model", "DIR/", "--threads", "0"], mentions: "--threads must be 1…1024", status: 64),
        BadInput(arguments: ["kmeans", "DIR/nan.npy", "--n-init", "4611686018427387904", "--output", "DIR/out.csv"],
                 mentions: "--n-init must be 1…10,000", status: 64),
        BadInput(arguments: ["umap", "DIR/nan.npy", "--output", "DIR/out.csv", "--negative-sample-rate", "1000000000"],
                 mentions: "negative sample rate must be 0…1000", status: 64),
        BadInput(arguments: ["embed", "DIR/ok.csv", "--output", "DIR/out.csv", "--batch-tokens", "9223372036854775807"],
                 mentions: "--batch-tokens must be 1…16,777,216", status: 64),
        BadInput(arguments: ["umap", "DIR/nan.npy", "--output", "DIR/out.csv"], mentions: "nan.npy: row 3 holds a NaN"),
        BadInput(arguments: ["kmeans", "DIR/nan.npy", "--output", "DIR/out.png"], mentions: "--output must end in .csv", status: 64),
        BadInput(arguments: ["embed", "DIR/ok.csv", "--output", "DIR/out.csv"], mentions: "--output must end in .npy", status: 64),
        BadInput(arguments: ["plot", "DIR/huge.csv", "--output", "DIR/out.png", "--frame", "all"], mentions: "too large to draw"),
        BadInput(arguments: ["bench", "umap", "DIR/nan.npy", "--runs", "1", "--output", "DIR/nan.npy"], mentions: "is an input file"),
        // Refused after reading the corpus, before the model is loaded.
        BadInput(arguments: ["DIR/ok.csv", "--clusters", "5", "--csv", "DIR/out.csv", "-q"], mentions: "--clusters 5: the corpus has 4 documents"),
        BadInput(arguments: ["DIR/ok.csv", "--width", "30000", "--height", "30000", "--plot", "DIR/out.png", "-q"],
                 mentions: "image size 30000×30000 is out of range"),
        BadInput(arguments: ["DIR/ok.csv", "--max-length", "100000", "--csv", "DIR/out.csv", "-q"], mentions: "--max-length 100000 is more than"),
        BadInput(arguments: ["DIR/ok.csv", "--panels", "label,cluster", "--plot", "DIR/out.png", "-q"], mentions: "has no labels to colour by"),
        BadInput(arguments: ["DIR/ok.csv", "--plot", "DIR/out.jpg"], mentions: "--plot must end in .png or .svg", status: 64),
        BadInput(arguments: ["plot", "DIR/huge.csv", "-o", "DIR/out.png", "--color-by", "cluster", "--panels", "label"],
                 mentions: "--color-by and --panels cannot be used together", status: 64),
        BadInput(arguments: ["plot", "DIR/huge.csv", "-o", "DIR/out.png", "--dpi", "200000"], mentions: "--dpi must be in (0, 100000]", status: 64),
    ]

    @Test("Bad input: one clear line on stderr, a non-zero exit, the previous output left as it was", arguments: badInputs)
    func badInput(_ case: BadInput) throws {
        let dir = try makeTemporaryDirectory("micse-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("text,label\nhello,0\n\"never closed,1\n".utf8).write(to: dir.appendingPathComponent("unterminated.csv"))
        try Data("text,label\nI love this, really,joy\ngoodbye,sad\n".utf8).write(to: dir.appendingPathComponent("extra.csv"))
        try Data("text\none\ntwo\nthree\nfour\n".utf8).write(to: dir.appendingPathComponent("ok.csv"))
        try Data("x,y,label\n3e38,1,a\n-3e38,2,b\n0,-3e38,a\n".utf8).write(to: dir.appendingPathComponent("huge.csv"))
        var values = [Float](repeating: 0.5, count: 4 * 3)
        values[2 * 3 + 1] = .nan   // the third row: "row 3" to the user
        try NPYFile.write(rows: 4, columns: 3, values: values, to: dir.appendingPathComponent("nan.npy"))
        // Outputs from an earlier run: a failed run must not replace or truncate them.
        for name in ["out.png", "out.npy", "out.csv"] { try Data("earlier run".utf8).write(to: dir.appendingPathComponent(name)) }
        let inputs = try ["unterminated.csv", "nan.npy"].map { try Data(contentsOf: dir.appendingPathComponent($0)) }

        let outcome = try Self.run(`case`.arguments.map { $0.replacingOccurrences(of: "DIR/", with: dir.path + "/") })
        let lines = outcome.stderr.split(separator: "\n")
        #expect(outcome.status == `case`.status, "exit status \(outcome.status); stderr: \(outcome.stderr)")
        #expect(lines.count == 1, "stderr should be one line: \(outcome.stderr)")
        #expect(lines.first?.hasPrefix("error: ") == true && outcome.stderr.contains(`case`.mentions),
                "stderr should be \"error: …\" mentioning \(`case`.mentions): \(outcome.stderr)")
        for name in ["out.png", "out.npy", "out.csv"] {
            let kept = try Data(contentsOf: dir.appendingPathComponent(name))
            #expect(kept == Data("earlier run".utf8), "\(name) was changed by a failed run")
        }
        for (name, before) in zip(["unterminated.csv", "nan.npy"], inputs) {
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == before, "the input \(name) was changed")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
    }

    @Test("embed, then map --embeddings of its file: the same map as embedding in the run (empty texts, skipped invalid rows and all)")
    func embedThenMap() throws {
        let dir = try makeTemporaryDirectory("micse-cli-embed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = Array(CorpusReader.lines(of: try String(contentsOf: SharedData.data("tweet_eval_emotion_train.csv"), encoding: .utf8))
            .prefix(41))
        var corpus = Data((([rows[0]] + rows[1...5]).joined(separator: "\n") + "\n").utf8)
        corpus += Data("not UTF-8 ".utf8) + Data([0xFF, 0xFE]) + Data(",anger\n".utf8)   // record 5, skipped with --skip-invalid
        corpus += Data(((Array(rows[6...10]) + ["\"\",joy", "\"  \",sadness"] + rows[11...]).joined(separator: "\n") + "\n").utf8)
        try corpus.write(to: dir.appendingPathComponent("c.csv"))
        let cache = ["MICSE_CACHE_DIR": dir.appendingPathComponent("cache").path]
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        var embedNotes = ""
        for arguments in [["embed", path("c.csv"), "-o", path("e.npy"), "--skip-invalid"],
                          [path("c.csv"), "--embeddings", path("e.npy"), "--csv", path("a.csv"), "-q", "--skip-invalid"],
                          [path("c.csv"), "--csv", path("b.csv"), "-q", "--no-cache", "--skip-invalid"]] {
            let outcome = try Self.run(arguments, environment: cache)
            try #require(outcome.status == 0, "\(arguments): \(outcome.stderr)")
            if arguments[0] == "embed" { embedNotes = outcome.stderr }
        }
        #expect(try NPYFile.read(dir.appendingPathComponent("e.npy")).rows == 42, "one row per record read, the two empty texts too")
        #expect(embedNotes.contains("1 record with invalid UTF-8 skipped, so without a row (0-based record 5)"), "\(embedNotes)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("a.csv")) == Data(contentsOf: dir.appendingPathComponent("b.csv")))
    }

    @Test("kmeans --labels: a negative integer label (scikit-learn's -1) is no label, left out of ARI, NMI and the default k")
    func negativeLabelsAreUnlabelled() throws {
        let dir = try makeTemporaryDirectory("micse-cli-labels")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two far-apart groups of 4 points; the last point of each group is unlabelled (-1).
        var points: [Float] = []
        for i in 0..<8 {
            let x: Float = (i < 4 ? 0 : 10) + Float(i % 4) / 10
            points += [x, Float(i % 2) / 10]
        }
        try NPYFile.write(rows: 8, columns: 2, values: points, to: dir.appendingPathComponent("e.npy"))
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (8,), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var labels = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count), 0]) + Data(header.utf8)
        [Int64(0), 0, 0, -1, 1, 1, 1, -1].withUnsafeBytes { labels.append(contentsOf: $0) }
        try labels.write(to: dir.appendingPathComponent("l.npy"))
        let outcome = try Self.run(["kmeans", dir.appendingPathComponent("e.npy").path, "--labels", dir.appendingPathComponent("l.npy").path,
                                    "--raw", "-o", dir.appendingPathComponent("k.csv").path, "-q"])
        try #require(outcome.status == 0, "\(outcome.stderr)")
        let diagnostics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("k.diagnostics.json"))) as? [String: Any])
        #expect(diagnostics["clusterCount"] as? Int == 2 && diagnostics["labeledCount"] as? Int == 6)
        #expect(diagnostics["adjustedRandIndex"] as? Double == 1)
    }

    @Test("tokenize: a full disk on standard output is one error line, not a trap")
    func tokenizeToFullDisk() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let vocabulary = try makeTemporaryDirectory("micse-cli-vocab")
        defer { try? FileManager.default.removeItem(at: vocabulary) }
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n".utf8).write(to: vocabulary.appendingPathComponent("vocab.txt"))
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["tokenize", "--model", vocabulary.path]
        let input = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data("hello\n".utf8))
        try input.fileHandleForWriting.close()
        let stderr = String(decoding: readToEnd(err.fileHandleForReading), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "exit \(process.terminationStatus): \(stderr)")
        #expect(stderr.hasPrefix("error: cannot write the token ids to standard output") && stderr.split(separator: "\n").count == 1, "\(stderr)")
    }
}
