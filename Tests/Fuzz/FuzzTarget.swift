// libFuzzer entry point for the model-file parsers (see run_fuzz.sh). Compiled together with the parser sources of
// Sources/SentenceEmbedding into one module, with exactly one of -DFUZZ_SAFETENSORS, -DFUZZ_PICKLE, -DFUZZ_CHECKPOINT.
// Contract under test: any byte string either parses (and then every float tensor converts within bounds) or throws
// a one-line ModelLoadingError. Anything else — a trap, an ASan report, another error type — is a finding.
import Foundation

private func check(_ body: () throws -> Void) {
    do {
        try body()
    } catch let error as ModelLoadingError {
        if error.description.contains("\n") { fatalError("multi-line error: \(error)") }
    } catch {
        fatalError("unexpected error type: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    #if FUZZ_SAFETENSORS
    check {
        let file = try SafeTensorsFile(data: Data(bytes), url: URL(fileURLWithPath: "fuzz.safetensors"))
        for tensor in file.tensors.values where tensor.dtype.convertsToFloat && tensor.unknownDType == nil { _ = try tensor.floats() }
    }
    #elseif FUZZ_PICKLE
    check { _ = try RestrictedUnpickler.load(bytes, path: "fuzz.pkl") }
    #elseif FUZZ_CHECKPOINT
    check {
        let checkpoint = try PyTorchCheckpoint(data: Data(bytes), url: URL(fileURLWithPath: "fuzz.bin"))
        for tensor in checkpoint.tensors.values where tensor.dtype.convertsToFloat { _ = try tensor.floats() }
    }
    #else
    #error("define one of FUZZ_SAFETENSORS, FUZZ_PICKLE, FUZZ_CHECKPOINT")
    #endif
    return 0
}
