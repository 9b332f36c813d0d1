import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe`: Chromium reads
/// NUL-terminated JSON commands on fd 3 and writes responses and events on fd 4, so no WebSocket is
/// needed. Used by the interaction tests to move the mouse, click, scroll and touch like a user.
final class DevToolsPipe {
    private let pid: pid_t
    private let commands: Int32    // our end of Chromium's fd 3
    private let replies: Int32     // our end of Chromium's fd 4
    private var buffer: [UInt8] = []
    private var nextID = 1
    private var sessionID: String?
    private let profile: URL

    /// Starts headless Chromium on `url` and attaches to its page.
    init(chromium: String, url: String, windowSize: (Int, Int) = (1200, 900)) throws {
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("micse-cdp-\(UUID().uuidString)")
        var toChromium: [Int32] = [0, 0], fromChromium: [Int32] = [0, 0]
        guard pipe(&toChromium) == 0, pipe(&fromChromium) == 0 else { throw DevToolsError("pipe() failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChromium[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromChromium[1], 4)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                         "--disable-extensions", "--user-data-dir=\(profile.path)", "--hide-scrollbars",
                         "--window-size=\(windowSize.0),\(windowSize.1)", "--remote-debugging-pipe", url]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, chromium, &actions, nil, &argv, environ)
        close(toChromium[0]); close(fromChromium[1])
        guard status == 0 else { throw DevToolsError("cannot start \(chromium): error \(status)") }
        pid = child
        commands = toChromium[1]
        replies = fromChromium[0]
        let targets = try send("Target.getTargets", [:], session: false)
        let infos = (targets["targetInfos"] as? [[String: Any]]) ?? []
        guard let page = infos.first(where: { $0["type"] as? String == "page" }), let targetID = page["targetId"] as? String else {
            throw DevToolsError("no page target")
        }
        let attached = try send("Target.attachToTarget", ["targetId": targetID, "flatten": true], session: false)
        sessionID = attached["sessionId"] as? String
    }

    deinit {
        _ = try? send("Browser.close", [:], session: false, timeout: 5)
        close(commands); close(replies)
        var status: Int32 = 0
        for _ in 0..<100 where waitpid(pid, &status, WNOHANG) == 0 { usleep(50_000) }
        if waitpid(pid, &status, WNOHANG) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
        try? FileManager.default.removeItem(at: profile)
    }

    /// Sends one command and waits for its result (events in between are dropped).
    @discardableResult
    func send(_ method: String, _ params: [String: Any], session: Bool = true, timeout: Double = 30) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if session, let sessionID { message["sessionId"] = sessionID }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(commands, raw.baseAddress! + offset, raw.count - offset)
                guard written > 0 else { throw DevToolsError("write to Chromium failed") }
                offset += written
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let frame = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let reply = try JSONSerialization.jsonObject(with: frame) as? [String: Any], reply["id"] as? Int == id else { continue }
                if let error = reply["error"] as? [String: Any] { throw DevToolsError("\(method): \(error)") }
                return (reply["result"] as? [String: Any]) ?? [:]
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw DevToolsError("\(method): no reply within \(timeout) s") }
            var descriptor = pollfd(fd: replies, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(remaining * 1000)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = read(replies, &chunk, chunk.count)
            guard count > 0 else { throw DevToolsError("Chromium closed the pipe") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its JSON value.
    func evaluate(_ expression: String) throws -> Any? {
        let result = try send("Runtime.evaluate", ["expression": expression, "awaitPromise": true, "returnByValue": true])
        if let exception = result["exceptionDetails"] { throw DevToolsError("page exception: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Waits for the page to finish loading (`<body data-state="ready">`).
    func waitUntilReady() throws {
        // The page may still be replacing the initial about:blank, which destroys the evaluation context.
        let deadline = Date().addingTimeInterval(30)
        while true {
            do { return try waitForReadyState() } catch let error as DevToolsError where error.description.contains("context") && Date() < deadline {
                usleep(100_000)
            }
        }
    }

    private func waitForReadyState() throws {
        _ = try evaluate("""
            new Promise((resolve, reject) => { const t0 = Date.now(); (function check() {
              if (location.protocol === 'file:' && document.body && document.body.dataset.state === 'ready') resolve(true);
              else if (Date.now() - t0 > 20000) reject(new Error('page not ready'));
              else setTimeout(check, 20); })(); })
            """)
    }

    /// Lets two animation frames pass, so pending redraws are on the canvas.
    func settle() throws {
        _ = try evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
    }

    func mouse(_ type: String, _ x: Double, _ y: Double, button: String = "none", buttons: Int = 0, deltaY: Double = 0) throws {
        var params: [String: Any] = ["type": type, "x": x, "y": y, "button": button, "buttons": buttons]
        if type == "mousePressed" || type == "mouseReleased" { params["clickCount"] = 1 }
        if type == "mouseWheel" { params["deltaX"] = 0; params["deltaY"] = deltaY }
        try send("Input.dispatchMouseEvent", params)
    }

    func touch(_ type: String, _ points: [(Double, Double)]) throws {
        try send("Input.dispatchTouchEvent", ["type": type, "touchPoints": points.enumerated().map { ["x": $1.0, "y": $1.1, "id": $0] }])
    }
}

struct DevToolsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
