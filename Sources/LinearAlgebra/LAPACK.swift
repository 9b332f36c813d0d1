import CLAPACKE

/// Dense symmetric eigensolvers through LAPACKE (used for small problems: Rayleigh–Ritz steps of
/// the UMAP spectral initialisation, and the whole Laplacian when N is small).
public enum LAPACK {
    public struct EigenError: Error, CustomStringConvertible, Sendable {
        /// The LAPACK routine that failed (dsyevd or dstevr).
        public let routine: String
        public let info: Int32
        public init(routine: String = "dsyevd", info: Int32) { self.routine = routine; self.info = info }
        public var description: String { "LAPACK \(routine) failed (info \(info))" }
    }

    /// Eigenvalues (ascending) and eigenvectors of the symmetric `n × n` matrix `a` (row-major,
    /// only the upper triangle is read), via `LAPACKE_dsyevd`.
    ///
    /// - Returns: `values` (n) ascending, and `vectors` (n × n, row-major) whose column j is the
    ///   unit eigenvector of `values[j]`.
    public static func symmetricEigen(_ a: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        precondition(a.count == n * n, "symmetricEigen: matrix has \(a.count) entries, expected \(n * n)")
        var vectors = a
        var values = [Double](repeating: 0, count: n)
        let info = vectors.withUnsafeMutableBufferPointer { pa in
            values.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")),
                               Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
            }
        }
        guard info == 0 else { throw EigenError(info: info) }
        return (values, vectors)
    }

    /// The `count` smallest eigenvalues (ascending) and their unit eigenvectors of the symmetric
    /// tridiagonal matrix with `diagonal` (m) and `offDiagonal` (m − 1), via `LAPACKE_dstevr`
    /// (MRRR, RANGE = "I"; O(m·count) work, no level-3 BLAS, so no BLAS threads are woken).
    ///
    /// - Returns: `values` (count) ascending and `vectors` (m × count, row-major), column j the
    ///   eigenvector of `values[j]`.
    public static func tridiagonalEigen(diagonal: [Double], offDiagonal: [Double], lowest count: Int) throws
        -> (values: [Double], vectors: [Double]) {
        let m = diagonal.count
        precondition(offDiagonal.count == max(0, m - 1) && count >= 1 && count <= m, "tridiagonalEigen: bad sizes")
        var d = diagonal, e = offDiagonal + [0]
        var values = [Double](repeating: 0, count: m)
        var vectors = [Double](repeating: 0, count: m * count)
        var support = [Int32](repeating: 0, count: 2 * m)
        var found: Int32 = 0
        let info = d.withUnsafeMutableBufferPointer { pd in
            e.withUnsafeMutableBufferPointer { pe in
                values.withUnsafeMutableBufferPointer { pw in
                    vectors.withUnsafeMutableBufferPointer { pz in
                        support.withUnsafeMutableBufferPointer { ps in
                            LAPACKE_dstevr(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "I")), Int32(m),
                                           pd.baseAddress, pe.baseAddress, 0, 0, 1, Int32(count), 0, &found,
                                           pw.baseAddress, pz.baseAddress, Int32(count), ps.baseAddress)
                        }
                    }
                }
            }
        }
        guard info == 0, Int(found) == count else { throw EigenError(routine: "dstevr", info: info == 0 ? -1 : info) }
        return (Array(values[0..<count]), vectors)
    }
}
