import CBLAS

/// The one typed façade over OpenBLAS. Every `cblas_sgemm` call of the project goes through here.
public enum BLAS {
    public enum Transpose: Sendable { case noTranspose, transpose
        var cblas: CBLAS_TRANSPOSE { self == .noTranspose ? CblasNoTrans : CblasTrans }
    }

    /// C ← alpha · op(A) · op(B) + beta · C, row-major, on raw pointers.
    ///
    /// - Parameters: `m × k` is op(A), `k × n` is op(B), `m × n` is C; `lda`, `ldb`, `ldc` are
    ///   the row strides of the stored (untransposed) matrices.
    @inline(__always)
    public static func sgemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        precondition(Int32(exactly: m) != nil && Int32(exactly: n) != nil && Int32(exactly: k) != nil
                     && Int32(exactly: lda) != nil && Int32(exactly: ldb) != nil && Int32(exactly: ldc) != nil,
                     "GEMM dimension exceeds Int32")
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C ← alpha · op(A) · op(B) + beta · C on `Matrix` values (shapes checked).
    public static func gemm(_ a: Matrix, _ transA: Transpose = .noTranspose, _ b: Matrix, _ transB: Transpose = .noTranspose,
                            into c: inout Matrix, alpha: Float = 1, beta: Float = 0) {
        let m = transA == .noTranspose ? a.rows : a.columns
        let k = transA == .noTranspose ? a.columns : a.rows
        let kb = transB == .noTranspose ? b.rows : b.columns
        let n = transB == .noTranspose ? b.columns : b.rows
        precondition(k == kb, "gemm: inner dimensions differ (\(k) vs \(kb))")
        precondition(c.rows == m && c.columns == n, "gemm: output is \(c.rows)×\(c.columns), expected \(m)×\(n)")
        let ldc = max(1, c.columns)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha,
                          a: pa.baseAddress!, lda: max(1, a.columns), b: pb.baseAddress!, ldb: max(1, b.columns),
                          beta: beta, c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
    }

    /// Sets the number of OpenBLAS threads (the process-wide pool used by `sgemm`).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The number of OpenBLAS threads currently in use.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
}
