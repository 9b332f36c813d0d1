import Testing
import LinearAlgebra
import MicseSupport

@Suite("LinearAlgebra")
struct LinearAlgebraTests {
    @Test("gemm matches a naive triple loop for every transpose combination")
    func gemmMatchesNaive() {
        var rng = SplitMix64(seed: 7)
        for (ta, tb) in [(BLAS.Transpose.noTranspose, BLAS.Transpose.noTranspose), (.transpose, .noTranspose), (.noTranspose, .transpose), (.transpose, .transpose)] {
            let m = 7, n = 5, k = 9
            let a = Matrix(rows: ta == .noTranspose ? m : k, columns: ta == .noTranspose ? k : m,
                           storage: (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 })
            let b = Matrix(rows: tb == .noTranspose ? k : n, columns: tb == .noTranspose ? n : k,
                           storage: (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 })
            var c = Matrix(rows: m, columns: n)
            BLAS.gemm(a, ta, b, tb, into: &c)
            for i in 0..<m { for j in 0..<n {
                var s: Float = 0
                for p in 0..<k {
                    let av = ta == .noTranspose ? a[i, p] : a[p, i]
                    let bv = tb == .noTranspose ? b[p, j] : b[j, p]
                    s += av * bv
                }
                #expect(abs(c[i, j] - s) < 1e-5)
            } }
        }
    }

    @Test("symmetric eigensolver returns ascending eigenpairs with A v = λ v")
    func symmetricEigen() throws {
        let a: [Double] = [2, -1, 0, -1, 2, -1, 0, -1, 2]
        let (values, vectors) = try LAPACK.symmetricEigen(a, n: 3)
        #expect(abs(values[0] - (2 - 2.squareRoot())) < 1e-12)
        #expect(abs(values[2] - (2 + 2.squareRoot())) < 1e-12)
        for j in 0..<3 { for i in 0..<3 {
            var av = 0.0
            for p in 0..<3 { av += a[i * 3 + p] * vectors[p * 3 + j] }
            #expect(abs(av - values[j] * vectors[i * 3 + j]) < 1e-12)
        } }
    }

    @Test("rows normalise to unit length; zero rows stay zero; non-finite rows are found")
    func normalize() {
        var m = Matrix([[3, 4], [0, 0], [1, .nan]])
        #expect(m.firstNonFiniteRow() == 2)
        m.normalizeRows()
        #expect(abs(m[0, 0] - 0.6) < 1e-7 && abs(m[0, 1] - 0.8) < 1e-7)
        #expect(m[1, 0] == 0 && m[1, 1] == 0)
    }
}

@Suite("Row normalisation")
struct RowNormalizationTests {
    @Test("rows of subnormal values normalise to unit length (1/norm overflows Float)")
    func subnormal() {
        var m = Matrix(rows: 2, columns: 3, storage: [1e-40, 2e-40, 2e-40, 3, 0, 4])
        m.normalizeRows()
        #expect(m.firstNonFiniteRow() == nil)
        let expected: [Float] = [1.0 / 3, 2.0 / 3, 2.0 / 3, 0.6, 0, 0.8]
        for (got, want) in zip(m.storage, expected) { #expect(abs(got - want) < 1e-5) }
    }
}
