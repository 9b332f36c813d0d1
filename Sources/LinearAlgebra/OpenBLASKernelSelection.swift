import Foundation

/// Works around OpenBLAS 0.3.21 (Debian 12) not recognising recent Xeon models: its `DYNAMIC_ARCH`
/// start-up check then falls back to the SSE3 "Prescott" kernels, which run sgemm 3-4× slower than the
/// AVX-512 "SkylakeX" kernels on the same CPU (measured on this project's 2-core VM: 30 vs 128 GFLOP
/// per CPU-second). OpenBLAS documents `OPENBLAS_CORETYPE` to force a kernel set, but reads it before
/// `main`; its exported `gotoblas_dynamic_quit` / `gotoblas_dynamic_init` re-run that selection.
///
/// This is process-wide state of the BLAS library: the command-line tool applies it once, first thing
/// in `main`, before any thread can call BLAS.
public enum OpenBLASKernelSelection {
    /// What happened: `nil` when nothing was changed (the user set `OPENBLAS_CORETYPE`, OpenBLAS
    /// already chose a modern kernel set, the CPU lacks AVX2, or the symbols are missing).
    public struct Change: Sendable, Equatable {
        public let before: String
        public let after: String
    }

    /// Re-selects the kernels once per process, the first time it is read. Read it at process start, before
    /// any thread calls BLAS: between `gotoblas_dynamic_quit` and `gotoblas_dynamic_init` OpenBLAS has no
    /// kernel table, so a concurrent BLAS call would crash. The library never reads it on its own (tests run
    /// many suites in parallel in one process); the command-line tool reads it first thing in `main`.
    public static let applied: Change? = selectNativeKernels()

    /// The kernel set OpenBLAS runs (`openblas_get_corename`, e.g. "Haswell", "SkylakeX", "Zen"), nil when the
    /// library does not say. Results depend on it in their last bits, so caches and run records name it.
    public static var coreName: String? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "openblas_get_corename") else { return nil }
        typealias NameFunction = @convention(c) () -> UnsafeMutablePointer<CChar>?
        return unsafeBitCast(symbol, to: NameFunction.self)().map { String(cString: $0) }
    }

    private static func selectNativeKernels() -> Change? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let handle = dlopen(nil, RTLD_NOW),
              let nameSymbol = dlsym(handle, "openblas_get_corename"),
              let quitSymbol = dlsym(handle, "gotoblas_dynamic_quit"),
              let initSymbol = dlsym(handle, "gotoblas_dynamic_init") else { return nil }
        typealias NameFunction = @convention(c) () -> UnsafeMutablePointer<CChar>?
        typealias VoidFunction = @convention(c) () -> Void
        let name = unsafeBitCast(nameSymbol, to: NameFunction.self)
        guard let current = name().map({ String(cString: $0) }), current.lowercased() == "prescott" else { return nil }
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let target: String
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]) {
            target = "SkylakeX"
        } else if flags.isSuperset(of: ["avx2", "fma"]) {
            target = "Haswell"
        } else {
            return nil
        }
        setenv("OPENBLAS_CORETYPE", target, 1)
        unsafeBitCast(quitSymbol, to: VoidFunction.self)()
        unsafeBitCast(initSymbol, to: VoidFunction.self)()
        unsetenv("OPENBLAS_CORETYPE")
        let after = name().map { String(cString: $0) } ?? "?"
        return Change(before: current, after: after)
    }
}
