import Foundation

/// Where the model in use came from.
public enum ModelSource: String, Sendable, Equatable, CaseIterable {
    /// A directory passed explicitly (`--model DIR`).
    case explicitPath = "--model"
    /// The `MICSE_MODEL` environment variable.
    case environment = "$MICSE_MODEL"
    /// A miCSE snapshot in the Hugging Face hub cache.
    case huggingFaceCache = "Hugging Face cache"
    /// The bundled all-MiniLM-L6-v2 that `make setup` (`.ci/install-deps`) installs.
    case bundledFallback = "bundled fallback"
}

/// The outcome of `ModelResolver.resolve`: the opened directory and where it was found.
public struct ResolvedModel: Sendable {
    public let directory: ModelDirectory
    public let source: ModelSource
    /// Candidates that were present but unusable on the way (e.g. an incomplete cache snapshot), one line each.
    public let skipped: [String]

    /// True when the bundled all-MiniLM-L6-v2 is used instead of miCSE.
    public var isFallback: Bool { source == .bundledFallback }

    /// A one-line description for the run log: `model sap-ai-research/miCSE (Hugging Face cache: /…/snapshots/abc)`.
    public var summary: String { "model \(directory.name) (\(source.rawValue): \(directory.url.path))" }

    /// The notice to print once when the fallback is used, or when cache snapshots were skipped on
    /// the way (a newer download left incomplete, say); nil otherwise.
    public var notice: String? {
        guard isFallback else {
            return skipped.isEmpty ? nil : "skipped unusable Hugging Face cache snapshot(s): \(skipped.joined(separator: "; "))"
        }
        var text = "using the bundled fallback \(ModelResolver.bundledModelName); to use miCSE, put its weights in the "
            + "Hugging Face cache (models--sap-ai-research--miCSE) or pass --model DIR"
        if !skipped.isEmpty { text += " (skipped: \(skipped.joined(separator: "; ")))" }
        return text
    }
}

/// Finds the sentence-encoder model to use, in this order:
///
/// 1. an explicit directory (`--model DIR`);
/// 2. `$MICSE_MODEL`;
/// 3. the Hugging Face hub cache — `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `${XDG_CACHE_HOME:-~/.cache}/huggingface/hub` — at
///    `models--sap-ai-research--miCSE/snapshots/<commit>/`, taking the commit `refs/main` names when it exists,
///    otherwise the most recently modified complete snapshot (huggingface_hub's cache layout);
/// 4. the bundled fallback `${MICSE_HOME:-${XDG_CACHE_HOME:-~/.cache}/micse-cluster}/models/all-MiniLM-L6-v2`.
///
/// An explicit directory or `$MICSE_MODEL` that is unusable is an error (the user asked for it); a cache snapshot
/// without config.json or weights is skipped, and the reason is reported in `ResolvedModel.notice` (also when an older
/// snapshot is used instead).
public enum ModelResolver {
    public static let huggingFaceRepository = "sap-ai-research/miCSE"
    public static let bundledModelName = "all-MiniLM-L6-v2"

    /// Resolves the model (see the type's documentation for the order).
    /// - Parameters:
    ///   - explicit: the `--model` argument, if given (`~` is expanded).
    ///   - environment: the process environment (injectable for tests).
    /// - Throws: `ModelLoadingError.notAModelDirectory` for an unusable explicit / `$MICSE_MODEL` directory or
    ///   bundled model, `.modelNotFound` when no candidate exists (hint: `make setup` or `--model`).
    public static func resolve(explicit: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ResolvedModel {
        if let explicit, !explicit.isEmpty {
            return ResolvedModel(directory: try open(expand(explicit, environment), source: .explicitPath, name: nil),
                                 source: .explicitPath, skipped: [])
        }
        if let variable = environment["MICSE_MODEL"], !variable.isEmpty {
            return ResolvedModel(directory: try open(expand(variable, environment), source: .environment, name: nil),
                                 source: .environment, skipped: [])
        }
        var tried: [String] = []
        var skipped: [String] = []
        let repository = huggingFaceCacheDirectory(environment: environment)
            .appendingPathComponent("models--" + huggingFaceRepository.replacingOccurrences(of: "/", with: "--"))
        tried.append(repository.appendingPathComponent("snapshots").path)
        for snapshot in snapshotCandidates(repository) {
            do {
                let directory = try ModelDirectory(url: snapshot, name: huggingFaceRepository)
                return ResolvedModel(directory: directory, source: .huggingFaceCache, skipped: skipped)
            } catch let error as ModelLoadingError {
                skipped.append("\(snapshot.path): \(error.description)")
            }
        }
        let bundled = bundledDirectory(environment: environment)
        tried.append(bundled.path)
        if FileManager.default.fileExists(atPath: bundled.path) {
            return ResolvedModel(directory: try open(bundled, source: .bundledFallback, name: bundledModelName),
                                 source: .bundledFallback, skipped: skipped)
        }
        throw ModelLoadingError.modelNotFound(tried: tried + skipped.map { "skipped " + $0 })
    }

    /// The folder to read a tokenizer from (`micse-cluster tokenize`): `explicit` as given (`~` expanded; it may
    /// hold only tokenizer files), else the model `resolve` finds.
    public static func tokenizerDirectory(explicit: String?,
                                          environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let explicit, !explicit.isEmpty { return expand(explicit, environment) }
        return try resolve(explicit: nil, environment: environment).directory.url
    }

    /// `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `${XDG_CACHE_HOME:-~/.cache}/huggingface/hub`
    /// (huggingface_hub `constants.py`).
    public static func huggingFaceCacheDirectory(environment: [String: String]) -> URL {
        if let cache = environment["HF_HUB_CACHE"], !cache.isEmpty { return expand(cache, environment) }
        if let home = environment["HF_HOME"], !home.isEmpty { return expand(home, environment).appendingPathComponent("hub") }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return expand(xdg, environment).appendingPathComponent("huggingface/hub") }
        return homeDirectory(environment).appendingPathComponent(".cache/huggingface/hub")
    }

    /// `${MICSE_HOME:-${XDG_CACHE_HOME:-~/.cache}/micse-cluster}/models/all-MiniLM-L6-v2` (as `.ci/install-deps`).
    public static func bundledDirectory(environment: [String: String]) -> URL {
        let root: URL
        if let home = environment["MICSE_HOME"], !home.isEmpty {
            root = expand(home, environment)
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            root = expand(xdg, environment).appendingPathComponent("micse-cluster")
        } else {
            root = homeDirectory(environment).appendingPathComponent(".cache/micse-cluster")
        }
        return root.appendingPathComponent("models").appendingPathComponent(bundledModelName)
    }

    /// Snapshot folders in preference order: the one `refs/main` names first, then the others, newest first.
    static func snapshotCandidates(_ repository: URL) -> [URL] {
        let manager = FileManager.default
        let snapshots = repository.appendingPathComponent("snapshots")
        guard let names = try? manager.contentsOfDirectory(atPath: snapshots.path) else { return [] }
        var candidates = names.filter { !$0.hasPrefix(".") }.map { snapshots.appendingPathComponent($0) }
        func modified(_ url: URL) -> Date {
            ((try? manager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
        }
        candidates.sort { (modified($0), $0.lastPathComponent) > (modified($1), $1.lastPathComponent) }
        if let ref = try? String(contentsOf: repository.appendingPathComponent("refs/main"), encoding: .utf8) {
            let commit = ref.trimmingCharacters(in: .whitespacesAndNewlines)
            if let index = candidates.firstIndex(where: { $0.lastPathComponent == commit }) {
                candidates.insert(candidates.remove(at: index), at: 0)
            }
        }
        return candidates
    }

    private static func open(_ url: URL, source: ModelSource, name: String?) throws -> ModelDirectory {
        do {
            return try ModelDirectory(url: url, name: name)
        } catch let error as ModelLoadingError {
            throw ModelLoadingError.notAModelDirectory(path: url.path, source: source.rawValue, reason: error.description)
        }
    }

    private static func homeDirectory(_ environment: [String: String]) -> URL {
        if let home = environment["HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        return FileManager.default.homeDirectoryForCurrentUser
    }

    private static func expand(_ path: String, _ environment: [String: String]) -> URL {
        if path == "~" { return homeDirectory(environment) }
        if path.hasPrefix("~/") { return homeDirectory(environment).appendingPathComponent(String(path.dropFirst(2))) }
        return URL(fileURLWithPath: path)
    }
}
