import Foundation

/// Writes output files so that nothing half-written is ever left behind: the content goes to
/// a hidden temporary file in the destination's folder and is renamed over the destination
/// only when complete (rename(2) is atomic within one file system). On any error, or an
/// interrupted process (see `TemporaryFiles.removeAllOnSignal`), the temporary is removed.
public enum AtomicFile {
    /// Checks that `url`'s folder exists and is writable, before any expensive work is done.
    public static func checkWritable(_ url: URL) throws {
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MicseError("cannot write \(url.path): folder \(folder.path) does not exist")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw MicseError("cannot write \(url.path): it is a directory")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw MicseError("cannot write \(url.path): folder \(folder.path) is not writable")
        }
    }

    /// Refuses outputs that would destroy an input or each other, before any work is done: an output
    /// renamed over an input file replaces it for good (`micse-cluster t.csv --csv t.csv` would turn the
    /// corpus into coordinates), and two outputs of one name leave only the last. Files are compared
    /// by device and inode when they exist, so a symbolic or hard link to an input counts as the input;
    /// outputs that do not exist yet, by their standardised path.
    ///
    /// - Parameters: outputs: each output with the option that names it (`--csv`), for the message.
    public static func checkDistinct(outputs: [(url: URL, option: String)], inputs: [URL]) throws {
        var seen: [String: String] = [:]
        for (url, option) in outputs {
            if let input = input(sameAs: url, among: inputs) {
                let same = input.path == url.path ? "" : " (\(input.path))"
                throw MicseError("\(option) \(url.path) is an input file\(same): writing it would replace the input; choose another output name")
            }
            let identity = fileIdentity(url)
            if let earlier = seen[identity] {
                throw MicseError("\(url.path) is named by both \(earlier) and \(option): give each output its own name")
            }
            seen[identity] = option
        }
    }

    /// The first of `inputs` that is the same file as `url` (same device and inode, or the same
    /// standardised path), if any.
    public static func input(sameAs url: URL, among inputs: [URL]) -> URL? {
        let identity = fileIdentity(url)
        return inputs.first { fileIdentity($0) == identity }
    }

    /// "device:inode" of an existing file, else its standardised absolute path.
    private static func fileIdentity(_ url: URL) -> String {
        var status = stat()
        if stat(url.path, &status) == 0 { return "inode \(status.st_dev):\(status.st_ino)" }
        return "path " + url.standardizedFileURL.path
    }

    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { handle in try handle.write(contentsOf: data) }
    }

    /// Streams content to `url` atomically: `body` writes to a handle on the temporary file.
    /// Inside `group`, the complete file is renamed into place when the group ends.
    public static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws {
        try checkWritable(url)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw MicseError("cannot write \(url.path): cannot create a file in \(folder.path)")
        }
        TemporaryFiles.register(temporary.path)
        do {
            let handle: FileHandle
            do { handle = try FileHandle(forWritingTo: temporary) } catch {
                throw MicseError("cannot write \(url.path): \(error.localizedDescription)")
            }
            do {
                try body(handle)
                try handle.synchronize()
                try handle.close()
            } catch let error where error is CocoaError || error is POSIXError {
                // The file system's (a full disk, a quota): named with the file.
                try? handle.close()
                throw MicseError("cannot write \(url.path): \(error.localizedDescription)")
            } catch {   // the body's own errors pass through unchanged
                try? handle.close()
                throw error
            }
            if let staging { staging.add(temporary.path, url); return }   // renamed when the group ends
            try move(temporary: temporary.path, to: url)
        } catch {
            unlink(temporary.path)
            TemporaryFiles.unregister(temporary.path)
            throw error
        }
    }

    private static func move(temporary: String, to url: URL) throws {
        defer { TemporaryFiles.unregister(temporary) }
        if rename(temporary, url.path) != 0 {
            throw MicseError("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Runs `body`, holding back every file it writes through `AtomicFile` until it returns: then
    /// all are renamed into place, one after the other. If `body` throws (a full disk while writing
    /// the third output, say), none is, and the files already at those paths stay as they were: a
    /// run's outputs are replaced together or not at all. The group belongs to the calling task
    /// (writes of other tasks and threads are not held back).
    public static func group<T>(_ body: () throws -> T) throws -> T {
        let staging = Staging()
        let result: T
        do { result = try $staging.withValue(staging) { try body() } } catch {
            for (temporary, _) in staging.take() { unlink(temporary); TemporaryFiles.unregister(temporary) }
            throw error
        }
        let staged = staging.take()
        for (i, (temporary, url)) in staged.enumerated() {
            do { try move(temporary: temporary, to: url) } catch {
                for (rest, _) in staged[(i + 1)...] { unlink(rest); TemporaryFiles.unregister(rest) }
                throw error
            }
        }
        return result
    }

    /// The files held back by the calling task's `group`, if it is in one.
    @TaskLocal private static var staging: Staging?

    private final class Staging: @unchecked Sendable {   // its one array is guarded by `lock`
        private var files: [(String, URL)] = []
        private let lock = NSLock()
        func add(_ temporary: String, _ url: URL) { lock.lock(); files.append((temporary, url)); lock.unlock() }
        func take() -> [(String, URL)] { lock.lock(); defer { lock.unlock() }; let f = files; files = []; return f }
    }
}

/// Temporary files currently being written, removed if the process is interrupted (Ctrl-C).
public enum TemporaryFiles {
    nonisolated(unsafe) private static var paths = Set<String>()
    private static let lock = NSLock()

    static func register(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
    static func unregister(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Installs SIGINT/SIGTERM handlers that delete the registered temporaries and exit 130/143.
    public static func removeAllOnSignal() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { received in
                // Not strictly async-signal-safe (the lock), but the process is about to exit and
                // the only alternative is leaving partial files behind.
                for path in TemporaryFiles.paths { unlink(path) }
                _exit(128 + received)
            }
        }
    }
}
