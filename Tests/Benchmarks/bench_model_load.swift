// Times model loading (see compare_model_load.sh): open + validate the directory, convert all weights to fp32
// (WeightLoader), and the identity fingerprint. Compiled with swiftc -O together with the loader sources.
//
//   bench-model-load <model-dir> [repetitions]
import Foundation
import MicseSupport
#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds of this process (user + system): on a loaded machine wall time measures the queue, this the work.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

@main
struct BenchModelLoad {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: bench-model-load <model-dir> [repetitions]")
            return
        }
        let url = URL(fileURLWithPath: arguments[1])
        let repetitions = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
        var open: [Double] = [], load: [Double] = [], fingerprint: [Double] = [], loadCPU: [Double] = [], fingerprintCPU: [Double] = []
        var parameters = 0
        for _ in 0..<repetitions {
            var clock = Stopwatch()
            let directory = try ModelDirectory(url: url)
            open.append(clock.seconds)
            clock = Stopwatch()
            var cpu = cpuSeconds()
            let weights = try directory.loadWeights()
            load.append(clock.seconds)
            loadCPU.append(cpuSeconds() - cpu)
            parameters = weights.wordEmbeddings.values.count + weights.positionEmbeddings.values.count
                + weights.layers.reduce(0) { $0 + $1.query.weight.values.count * 4 + $1.intermediate.weight.values.count * 2 }
            clock = Stopwatch()
            cpu = cpuSeconds()
            _ = try directory.identityFingerprint()
            fingerprint.append(clock.seconds)
            fingerprintCPU.append(cpuSeconds() - cpu)
        }
        func report(_ label: String, _ times: [Double]) {
            let sorted = times.sorted()
            print(String(format: "%@: median %.3f s, min %.3f s over %d runs", label, sorted[sorted.count / 2], sorted[0], sorted.count))
        }
        print("model \(url.path) (\(try ModelDirectory(url: url).weightFiles.urls.map(\.lastPathComponent).joined(separator: ", "))), ~\(parameters / 1_000_000) M weights")
        report("open+validate (config, tokenizer files, pooling)", open)
        report("load weights → BertWeights (fp32)", load)
        report("  cpu time of the load", loadCPU)
        report("identity fingerprint (config + weight bytes)", fingerprint)
        report("  cpu time of the fingerprint", fingerprintCPU)
        if let peak = peakResidentMemoryMiB() { print(String(format: "peak RSS %.0f MiB", peak)) }
    }
}
