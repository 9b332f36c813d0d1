import CLAPACKE

/// Dense symmetric eigensolvers through LAPACKE (used for small problems: Rayleigh–Ritz steps of
/// the UMAP spectral initialisation, and the whole Laplacian when N is small).
public enum LAPACK {
    public struct EigenError: Error, CustomStringConvertible, Sendable {
        public let info: Int32
        public var description: String { "LAPACK dsyevd failed (info \(info))" }
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
}
