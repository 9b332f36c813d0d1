import Foundation
import Testing
@testable import InteractiveMap
import MicseSupport

@Suite("Script-safe JSON, base64 and SHA-256")
struct EncodingTests {
    @Test("Hostile strings encode to JSON with no <, >, &, U+2028, U+2029 or raw control character, and round-trip")
    func hostileStringsRoundTrip() throws {
        var writer = ScriptSafeJSONWriter()
        writer.stringArray(MapFixtures.hostileTexts)
        let bytes = writer.bytes
        for forbidden in ["<", ">", "&"] { #expect(!bytes.contains(UInt8(ascii: Unicode.Scalar(forbidden)!))) }
        #expect(!bytes.contains { $0 < 0x20 || $0 == 0x7F })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" })
        #expect(text.contains("\\u003c/script\\u003e") && text.contains("\\u003c!--") && text.contains("\\u2028"))
        let decoded = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String]
        #expect(decoded == MapFixtures.hostileTexts)
    }

    @Test("Random strings over all Unicode planes round-trip through the JSON writer", arguments: [1, 2, 3] as [UInt64])
    func randomStringsRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var strings: [String] = []
        for _ in 0..<200 {
            var s = String.UnicodeScalarView()
            for _ in 0..<rng.nextInt(below: 40) {
                let pick = rng.nextInt(below: 4)
                let value: UInt32 = pick == 0 ? UInt32(rng.nextInt(below: 0x80)) : pick == 1 ? UInt32(rng.nextInt(below: 0x3000))
                    : UInt32(rng.nextInt(below: 0x110000))
                if let scalar = Unicode.Scalar(value) { s.append(scalar) }   // skips surrogate code points
            }
            strings.append(String(s))
        }
        var writer = ScriptSafeJSONWriter()
        writer.stringArray(strings)
        let decoded = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String]
        #expect(decoded?.count == strings.count)
        // Compare scalar by scalar: String == would also accept canonically equivalent sequences.
        for (a, b) in zip(decoded ?? [], strings) { #expect(Array(a.unicodeScalars) == Array(b.unicodeScalars)) }
    }

    @Test("Base64 agrees with Foundation for every length 0…64")
    func base64MatchesFoundation() {
        var rng = SplitMix64(seed: 9)
        for length in 0...64 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString(), "length \(length)")
        }
    }

    @Test("SHA-256 matches the FIPS 180-4 examples")
    func sha256Vectors() {
        func hex(_ s: String) -> String { SHA256.digest(Array(s.utf8)).map { String(format: "%02x", $0) }.joined() }
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
