import Testing
import Foundation
@testable import CorpusIO
import TestSupport

@Suite("NPY files")
struct NPYTests {
    @Test("float32 round trip, 2-D and 1-D, data aligned to 64 bytes")
    func roundTrip() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("a.npy")
        let values: [Float] = [1, -2.5, 3, .pi, 0, 1e-8]
        try NPYFile.write(rows: 3, columns: 2, values: values, to: url)
        let data = try Data(contentsOf: url)
        #expect((data.count - values.count * 4) % 64 == 0)
        let back = try NPYFile.read(url)
        #expect(back.rows == 3 && back.columns == 2 && back.values == values && !back.isVector)
        try NPYFile.write(rows: 6, columns: 1, values: values, to: url, vector: true)
        let vec = try NPYFile.read(url)
        #expect(vec.isVector && vec.rows == 6 && vec.values == values)
    }

    @Test("version 2.0 header and float64 values are read")
    func version2Float64() throws {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }" + String(repeating: " ", count: 3) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0])
        let n = UInt32(header.utf8.count)
        data.append(contentsOf: [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), 0, 0])
        data.append(contentsOf: Array(header.utf8))
        [0.5, -7.25].forEach { (v: Double) in withUnsafeBytes(of: v) { data.append(contentsOf: $0) } }
        let arr = try NPYFile.parse(data, path: "x.npy")
        #expect(arr.rows == 2 && arr.values == [0.5, -7.25])
    }

    @Test("integer labels are read exactly, in every integer dtype (not rounded through Float)")
    func integerLabels() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func file(_ descr: String, _ payload: [UInt8], count: Int) throws -> URL {
            var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(count),), }"
            header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
            var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
            data.append(contentsOf: Array(header.utf8))
            data.append(contentsOf: payload)
            let url = dir.appendingPathComponent("\(descr.filter(\.isLetter))\(descr.filter(\.isNumber)).npy")
            try data.write(to: url)
            return url
        }
        func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
        let big: [Int32] = [16_777_216, 16_777_217, 20_240_101]
        #expect(try NPYFile.readIntegers(file("<i4", bytes(big), count: 3)) == [16_777_216, 16_777_217, 20_240_101])
        #expect(try NPYFile.readIntegers(file("<i8", bytes([Int64(2_000_000_000_001), -3]), count: 2)) == [2_000_000_000_001, -3])
        #expect(try NPYFile.readIntegers(file("|u1", [0, 3, 255], count: 3)) == [0, 3, 255])
        #expect(try NPYFile.readIntegers(file("<u2", bytes([UInt16(65_535)]), count: 1)) == [65_535])
        #expect(try NPYFile.readIntegers(file("<f8", bytes([2.0, 7.0]), count: 2)) == [2, 7])
        #expect(throws: (any Error).self) { try NPYFile.readIntegers(file("<f4", bytes([Float(0.5)]), count: 1)) }
    }

    @Test("bad files give one clear error")
    func badFiles() throws {
        #expect(throws: NPYFile.NPYError.self) { try NPYFile.parse(Data("hello world".utf8), path: "x.npy") }
        var good = NPYFile.encode(rows: 4, columns: 4, values: [Float](repeating: 1, count: 16))
        good.removeLast(5)
        #expect(throws: NPYFile.NPYError.self) { try NPYFile.parse(good, path: "x.npy") }
        let strings = Self.replacing("'<f4'", with: "'<U1'", in: NPYFile.encode(rows: 2, columns: 1, values: [1, 2]))
        #expect { try NPYFile.parse(strings, path: "x.npy") } throws: { "\($0)".contains("text goes in a text file") }
    }

    /// `data` with the first `old` (ASCII, in the header) replaced by `new` of the same length.
    static func replacing(_ old: String, with new: String, in data: Data) -> Data {
        var data = data
        if let range = data.range(of: Data(old.utf8)) { data.replaceSubrange(range, with: Data(new.utf8)) }
        return data
    }

    @Test("what numpy writes besides C-order float32: Fortran order (a transposed array) and float16")
    func fortranOrderAndHalfPrecision() throws {
        // np.save of np.asfortranarray([[1, 2, 3], [4, 5, 6]]) stores the columns one after the other.
        let fortran = Self.replacing("'fortran_order': False", with: "'fortran_order': True ",
                                     in: NPYFile.encode(rows: 2, columns: 3, values: [1, 4, 2, 5, 3, 6]))
        let array = try NPYFile.parse(fortran, path: "f.npy")
        #expect(array.rows == 2 && array.columns == 3 && array.values == [1, 2, 3, 4, 5, 6])
        var header = "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var half = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count), 0]) + Data(header.utf8)
        [Float16(0.5), -2, 1.25].withUnsafeBytes { half.append(contentsOf: $0) }
        #expect(try NPYFile.parse(half, path: "h.npy").values == [0.5, -2, 1.25])
    }
}
