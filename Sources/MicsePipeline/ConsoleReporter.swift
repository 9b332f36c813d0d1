import Foundation
import MicseSupport

/// How much a run says on stderr.
public enum Verbosity: Int, Sendable, Comparable {
    case quiet, normal, verbose
    public static func < (a: Verbosity, b: Verbosity) -> Bool { a.rawValue < b.rawValue }
}

/// Progress and notices on stderr: a redrawn bar (done/total, rate, ETA) when stderr is a
/// terminal, plain lines every 10% otherwise (CI logs) once a stage has run for
/// `logLineDelay` seconds (a quick stage's finish line is enough), nothing with `--quiet`.
/// Each distinct notice is printed once.
public final class ConsoleReporter: ProgressReporter, @unchecked Sendable {
    public let verbosity: Verbosity
    private let isTerminal: Bool
    private let lock = NSLock()
    private var stageStart: [String: Stopwatch] = [:]
    private var lastDecile: [String: Int] = [:]
    private var lastDraw = Stopwatch()
    private var noticesSeen = Set<String>()
    private var barVisible = false

    /// Seconds a stage runs before it logs progress lines (when stderr is not a terminal).
    public static let logLineDelay = 2.0

    public init(verbosity: Verbosity = .normal) {
        self.verbosity = verbosity
        isTerminal = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    public func progress(stage: String, done: Int, total: Int) {
        guard verbosity > .quiet, total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        if stageStart[stage] == nil || done == 0 { stageStart[stage] = Stopwatch(); lastDecile[stage] = 0 }
        let elapsed = stageStart[stage]?.seconds ?? 0
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if isTerminal {
            guard done == total || lastDraw.seconds > 0.1 else { return }
            lastDraw = Stopwatch()
            // Rate and ETA once there is something to measure; the bar shrinks to fit the terminal, so the
            // line never wraps (a wrapped line is not redrawn in place).
            let figures = "\(done)/\(total)" + (elapsed >= 0.5 && done > 0 ? "  \(Self.rate(rate))/s  ETA \(Self.duration(eta))" : "")
            let columns = Self.terminalColumns()
            let room = columns - 1 - stage.count - figures.count - 2
            let width = min(30, room), filled = max(0, min(width, Int(Double(width) * Double(done) / Double(total))))
            let bar = width >= 5 ? String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + " " : ""
            var line = "\r" + String("\(stage) \(bar)\(figures)".prefix(max(10, columns - 1))) + "\u{1B}[K"
            if done >= total { line += "\r\u{1B}[K"; barVisible = false } else { barVisible = true }
            FileHandle.standardError.write(Data(line.utf8))
        } else {
            let decile = done * 10 / total
            guard decile > (lastDecile[stage] ?? 0), done < total, elapsed >= Self.logLineDelay else { return }
            lastDecile[stage] = decile
            write("\(stage): \(done)/\(total) (\(done * 100 / total)%), \(Self.rate(rate))/s, ETA \(Self.duration(eta))")
        }
    }

    /// Columns of the terminal on stderr (80 when it does not say).
    private static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    public func notice(_ message: String) {
        guard verbosity > .quiet else { return }
        lock.lock(); defer { lock.unlock() }
        guard noticesSeen.insert(message).inserted else { return }
        write("note: \(message)")
    }

    /// A line for a finished stage: `name  1.23 s  details`.
    public func stage(_ name: String, seconds: Double, _ details: String = "") {
        guard verbosity > .quiet else { return }
        lock.lock(); defer { lock.unlock() }
        let padded = name.padding(toLength: max(name.count, 10), withPad: " ", startingAt: 0)
        write("\(padded) \(String(format: "%7.2f s", seconds))\(details.isEmpty ? "" : "  \(details)")")
    }

    /// A line printed unless quiet.
    public func info(_ message: String) {
        guard verbosity > .quiet else { return }
        lock.lock(); defer { lock.unlock() }
        write(message)
    }

    /// A line printed only with --verbose.
    public func debug(_ message: String) {
        guard verbosity >= .verbose else { return }
        lock.lock(); defer { lock.unlock() }
        write(message)
    }

    private func write(_ line: String) {
        let prefix = barVisible ? "\r\u{1B}[K" : ""
        barVisible = false
        FileHandle.standardError.write(Data((prefix + line + "\n").utf8))
    }

    static func rate(_ r: Double) -> String { r >= 100 ? String(format: "%.0f", r) : String(format: "%.1f", r) }
    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        return s < 60 ? String(format: "%.0fs", s) : String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }
}
