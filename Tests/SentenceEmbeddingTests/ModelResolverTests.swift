import Foundation
import SentenceEmbedding
import TestSupport
import Testing

/// Builds fake layouts in a temporary directory: a Hugging Face hub cache (snapshots symlinked into blobs, as
/// huggingface_hub does) and a MICSE_HOME holding the "bundled" model, both made of the tiny fixture.
private struct FakeHome {
    let root: URL
    init() throws { root = try makeTemporaryDirectory("micse-resolver") }
    func remove() { try? FileManager.default.removeItem(at: root) }

    var environment: [String: String] { ["HOME": root.path] }

    /// Copies `fixture`'s files into `hub/models--sap-ai-research--miCSE/snapshots/<commit>` as symlinks to blobs.
    @discardableResult
    func addSnapshot(_ commit: String, fixture: String = "tiny-bert-safetensors", hub: URL, omitting: Set<String> = []) throws -> URL {
        let manager = FileManager.default
        let repository = hub.appendingPathComponent("models--sap-ai-research--miCSE")
        let snapshot = repository.appendingPathComponent("snapshots/\(commit)")
        let blobs = repository.appendingPathComponent("blobs")
        try manager.createDirectory(at: snapshot, withIntermediateDirectories: true)
        try manager.createDirectory(at: blobs, withIntermediateDirectories: true)
        let source = ModelFixtures.directory(fixture)
        for file in try manager.contentsOfDirectory(atPath: source.path) where !omitting.contains(file) {
            let blob = blobs.appendingPathComponent("\(commit)-\(file)")
            try manager.copyItem(at: source.appendingPathComponent(file), to: blob)
            try manager.createSymbolicLink(at: snapshot.appendingPathComponent(file), withDestinationURL: blob)
        }
        return snapshot
    }

    func setRef(_ commit: String, hub: URL) throws {
        let refs = hub.appendingPathComponent("models--sap-ai-research--miCSE/refs")
        try FileManager.default.createDirectory(at: refs, withIntermediateDirectories: true)
        try Data((commit + "\n").utf8).write(to: refs.appendingPathComponent("main"))
    }

    /// Puts the tiny model where `.ci/install-deps` would put all-MiniLM-L6-v2, under `micseHome`.
    func installBundled(micseHome: URL) throws {
        let models = micseHome.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ModelFixtures.directory("tiny-bert-sentence-transformers"),
                                         to: models.appendingPathComponent("all-MiniLM-L6-v2"))
    }
}

@Suite("Model resolution: explicit, $MICSE_MODEL, HF cache, bundled fallback")
struct ModelResolverTests {
    @Test("A miCSE snapshot in $HF_HOME/hub is found, preferring the commit refs/main names")
    func huggingFaceCache() throws {
        let home = try FakeHome(); defer { home.remove() }
        let hub = home.root.appendingPathComponent("hf/hub")
        try home.addSnapshot("1111aaaa", fixture: "tiny-bert-bin", hub: hub)
        let main = try home.addSnapshot("2222bbbb", hub: hub)
        try home.setRef("2222bbbb", hub: hub)
        try home.installBundled(micseHome: home.root.appendingPathComponent("micse"))
        var environment = home.environment
        environment["HF_HOME"] = home.root.appendingPathComponent("hf").path
        environment["MICSE_HOME"] = home.root.appendingPathComponent("micse").path
        let resolved = try ModelResolver.resolve(explicit: nil, environment: environment)
        #expect(resolved.source == .huggingFaceCache)
        #expect(!resolved.isFallback && resolved.notice == nil)
        #expect(resolved.directory.url.path == main.path)
        #expect(resolved.directory.name == "sap-ai-research/miCSE")
        #expect(resolved.directory.weightFiles == .safetensors([main.appendingPathComponent("model.safetensors")]))
        #expect(resolved.directory.defaultPooling == .cls)
        let weights = try resolved.directory.loadWeights()
        try ModelFixtures.expectMatchesChecksums(weights, fixture: "tiny-bert-safetensors")

        // $HF_HUB_CACHE takes precedence over $HF_HOME, and an incomplete snapshot named by refs/main is skipped.
        let other = home.root.appendingPathComponent("other-hub")
        try home.addSnapshot("3333cccc", hub: other, omitting: ["model.safetensors"])
        let complete = try home.addSnapshot("4444dddd", fixture: "tiny-bert-bin", hub: other)
        try home.setRef("3333cccc", hub: other)
        environment["HF_HUB_CACHE"] = other.path
        let second = try ModelResolver.resolve(explicit: nil, environment: environment)
        #expect(second.directory.url.path == complete.path)
        #expect(second.skipped.count == 1 && second.skipped[0].contains("3333cccc"))
        #expect(second.notice?.contains("skipped unusable Hugging Face cache snapshot(s)") == true && second.notice?.contains("3333cccc") == true)

        // Without HF_HOME, huggingface_hub puts its cache under $XDG_CACHE_HOME/huggingface.
        var xdg = home.environment
        xdg["XDG_CACHE_HOME"] = home.root.appendingPathComponent("xdg").path
        #expect(ModelResolver.huggingFaceCacheDirectory(environment: xdg).path == home.root.appendingPathComponent("xdg/huggingface/hub").path)
        xdg["HF_HOME"] = home.root.appendingPathComponent("hf").path
        #expect(ModelResolver.huggingFaceCacheDirectory(environment: xdg).path == hub.path)
    }

    @Test("Without a cache snapshot the bundled model is used and flagged as the fallback")
    func bundledFallback() throws {
        let home = try FakeHome(); defer { home.remove() }
        var environment = home.environment
        environment["XDG_CACHE_HOME"] = home.root.appendingPathComponent("xdg").path
        try home.installBundled(micseHome: home.root.appendingPathComponent("xdg/micse-cluster"))
        let resolved = try ModelResolver.resolve(explicit: nil, environment: environment)
        #expect(resolved.source == .bundledFallback && resolved.isFallback)
        #expect(resolved.directory.name == "all-MiniLM-L6-v2")
        #expect(resolved.notice?.contains("using the bundled fallback all-MiniLM-L6-v2") == true)
        #expect(resolved.notice?.contains("--model DIR") == true)
        #expect(resolved.directory.defaultPooling == .mean && resolved.directory.normalizesEmbeddings)
    }

    @Test("An explicit directory wins over $MICSE_MODEL, which wins over the cache")
    func explicitAndEnvironment() throws {
        let home = try FakeHome(); defer { home.remove() }
        let hub = home.root.appendingPathComponent(".cache/huggingface/hub")  // the ~ default
        try home.addSnapshot("5555eeee", hub: hub)
        var environment = home.environment
        #expect(try ModelResolver.resolve(explicit: nil, environment: environment).source == .huggingFaceCache)
        environment["MICSE_MODEL"] = ModelFixtures.directory("tiny-bert-bin").path
        let fromEnvironment = try ModelResolver.resolve(explicit: nil, environment: environment)
        #expect(fromEnvironment.source == .environment && fromEnvironment.directory.name == "tiny-bert-bin")
        let explicit = try ModelResolver.resolve(explicit: ModelFixtures.directory("tiny-bert-f16").path, environment: environment)
        #expect(explicit.source == .explicitPath && explicit.directory.name == "tiny-bert-f16")
        #expect(explicit.summary.hasPrefix("model tiny-bert-f16 (--model: "))
        // A snapshot passed explicitly is named after its hub repository.
        let snapshot = hub.appendingPathComponent("models--sap-ai-research--miCSE/snapshots/5555eeee")
        #expect(try ModelResolver.resolve(explicit: snapshot.path, environment: environment).directory.name == "sap-ai-research/miCSE")
    }

    @Test("Unusable explicit choices are errors; nothing at all tells the user to run make setup")
    func failures() throws {
        let home = try FakeHome(); defer { home.remove() }
        #expect {
            try ModelResolver.resolve(explicit: nil, environment: home.environment)
        } throws: { error in
            let text = "\(error)"
            return text.contains("make setup") && text.contains("--model") && !text.contains("\n")
        }
        #expect {
            try ModelResolver.resolve(explicit: home.root.appendingPathComponent("nope").path, environment: home.environment)
        } throws: { error in
            "\(error)".contains("nope") && "\(error)".contains("(from --model)")
        }
        var environment = home.environment
        environment["MICSE_MODEL"] = home.root.path  // exists, but no config.json
        #expect {
            try ModelResolver.resolve(explicit: nil, environment: environment)
        } throws: { error in
            "\(error)".contains("$MICSE_MODEL") && "\(error)".contains("config.json")
        }
    }
}

@Suite("ModelDirectory: pooling defaults, tokenizer settings, identity fingerprint")
struct ModelDirectoryTests {
    @Test("A plain BERT directory pools [CLS]; a sentence-transformers one pools the mean and normalises")
    func pooling() throws {
        let plain = try ModelDirectory(url: ModelFixtures.directory("tiny-bert-safetensors"))
        #expect(plain.defaultPooling == .cls && !plain.normalizesEmbeddings && plain.lowercasesInput)
        #expect(plain.vocabularyURL != nil && plain.maxSequenceLength == nil && plain.defaultMaxLength == 128)
        let st = try ModelDirectory(url: ModelFixtures.directory("tiny-bert-sentence-transformers"))
        #expect(st.defaultPooling == .mean && st.normalizesEmbeddings)
    }

    @Test("The bundled all-MiniLM-L6-v2 is a mean-pooled, normalised model (skipped when not installed)")
    func bundledMiniLM() throws {
        let url = URL(fileURLWithPath: "/root/.cache/micse-cluster/models/all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let model = try ModelDirectory(url: url)
        #expect(model.defaultPooling == .mean && model.normalizesEmbeddings && model.maxSequenceLength == 256)
        #expect(model.defaultMaxLength == 256)   // as sentence-transformers' encode truncates
        #expect(model.configuration.hiddenSize == 384 && model.tokenizerJSONURL != nil)
    }

    @Test("The fingerprint identifies config + weights")
    func fingerprint() throws {
        let home = try makeTemporaryDirectory("micse-fingerprint"); defer { try? FileManager.default.removeItem(at: home) }
        let copy = home.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: ModelFixtures.directory("tiny-bert-safetensors"), to: copy)
        let original = try ModelDirectory(url: ModelFixtures.directory("tiny-bert-safetensors")).identityFingerprint()
        #expect(try ModelDirectory(url: copy).identityFingerprint() == original)
        #expect(try ModelDirectory(url: ModelFixtures.directory("tiny-bert-f16")).identityFingerprint() != original)
        let config = copy.appendingPathComponent("config.json")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"layer_norm_eps\": 1e-12", with: "\"layer_norm_eps\": 1e-05")
        try Data(text.utf8).write(to: config)
        #expect(try ModelDirectory(url: copy).identityFingerprint() != original)
        #expect(original.count == 16)
    }
}
