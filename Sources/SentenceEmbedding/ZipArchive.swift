import Foundation

/// A minimal reader of the zip container `torch.save` writes (PyTorch `caffe2/serialize/inline_container.cc`, built on
/// miniz): the central directory is read from the end-of-central-directory record (and its zip64 variant), entries
/// must be *stored* (method 0, which is what torch writes), and each entry's data range is found through its local
/// header. Compressed or encrypted entries are reported, not decoded.
///
/// Layout references: PKWARE APPNOTE.TXT 6.3.x, §4.3.6 (local header), §4.3.12 (central directory header),
/// §4.3.14–16 (zip64 end of central directory record and locator), §4.5.3 (zip64 extra field).
/// Every read is bounds-checked; a malformed archive throws `ModelLoadingError.zipInvalid`.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var flags: UInt16
        var compressedSize: Int
        var uncompressedSize: Int
        /// The entry's bytes in the archive (valid only for stored entries).
        var dataRange: Range<Int>
    }

    let path: String
    /// Entries by name, in central-directory order.
    let entries: [Entry]
    let entriesByName: [String: Int]

    init(data: Data, path: String) throws {
        self.path = path
        let entries = try data.withUnsafeBytes { bytes in try ZipArchive.readEntries(Bytes(base: bytes, path: path)) }
        self.entries = entries
        var byName: [String: Int] = [:]
        for (i, entry) in entries.enumerated() where byName[entry.name] == nil { byName[entry.name] = i }
        self.entriesByName = byName
    }

    subscript(name: String) -> Entry? { entriesByName[name].map { entries[$0] } }

    /// Little-endian reads that throw instead of reading out of bounds.
    struct Bytes {
        let base: UnsafeRawBufferPointer
        let path: String
        var count: Int { base.count }
        func fail(_ reason: String) -> ModelLoadingError { .zipInvalid(path: path, reason: reason) }
        func check(_ offset: Int, _ length: Int, _ what: String) throws {
            guard offset >= 0, length >= 0, offset <= count, length <= count - offset else {
                throw fail("\(what) at byte \(offset) runs past the end of the file")
            }
        }
        func u16(_ offset: Int, _ what: String) throws -> UInt16 {
            try check(offset, 2, what); return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        }
        func u32(_ offset: Int, _ what: String) throws -> UInt32 {
            try check(offset, 4, what); return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }
        func u64(_ offset: Int, _ what: String) throws -> UInt64 {
            try check(offset, 8, what); return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        func int(_ value: UInt64, _ what: String) throws -> Int {
            guard value <= UInt64(count) else { throw fail("\(what) \(value) exceeds the file size \(count)") }
            return Int(value)
        }
    }

    private static let endOfCentralDirectory: UInt32 = 0x0605_4B50
    private static let zip64Locator: UInt32 = 0x0706_4B50
    private static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4B50
    private static let centralHeader: UInt32 = 0x0201_4B50
    private static let localHeader: UInt32 = 0x0403_4B50

    private static func readEntries(_ b: Bytes) throws -> [Entry] {
        // The end-of-central-directory record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
        guard b.count >= 22 else { throw b.fail("file too short for a zip archive (\(b.count) bytes)") }
        var eocd = -1
        var offset = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while offset >= lowest {
            if try b.u32(offset, "end of central directory") == endOfCentralDirectory { eocd = offset; break }
            offset -= 1
        }
        guard eocd >= 0 else { throw b.fail("no end-of-central-directory record (not a zip file, or truncated)") }
        var entryCount = UInt64(try b.u16(eocd + 10, "entry count"))
        var directorySize = UInt64(try b.u32(eocd + 12, "central directory size"))
        var directoryOffset = UInt64(try b.u32(eocd + 16, "central directory offset"))
        if eocd >= 20, try b.u32(eocd - 20, "zip64 locator") == zip64Locator {
            let record = try b.int(try b.u64(eocd - 20 + 8, "zip64 record offset"), "zip64 record offset")
            guard try b.u32(record, "zip64 end of central directory") == zip64EndOfCentralDirectory else {
                throw b.fail("the zip64 locator points at byte \(record), which is not a zip64 end-of-central-directory record")
            }
            entryCount = try b.u64(record + 32, "zip64 entry count")
            directorySize = try b.u64(record + 40, "zip64 central directory size")
            directoryOffset = try b.u64(record + 48, "zip64 central directory offset")
        }
        let start = try b.int(directoryOffset, "central directory offset")
        let size = try b.int(directorySize, "central directory size")
        try b.check(start, size, "central directory")
        // Each central header takes at least 46 bytes: a count larger than that allows is a lie.
        guard entryCount <= UInt64(size / 46) else {
            throw b.fail("the directory claims \(entryCount) entries in \(size) bytes")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(entryCount))
        var cursor = start
        for index in 0..<Int(entryCount) {
            guard try b.u32(cursor, "central directory entry") == centralHeader else {
                throw b.fail("central directory entry \(index) at byte \(cursor) has a bad signature")
            }
            let flags = try b.u16(cursor + 8, "flags")
            let method = try b.u16(cursor + 10, "compression method")
            var compressed = UInt64(try b.u32(cursor + 20, "compressed size"))
            var uncompressed = UInt64(try b.u32(cursor + 24, "uncompressed size"))
            let nameLength = Int(try b.u16(cursor + 28, "name length"))
            let extraLength = Int(try b.u16(cursor + 30, "extra length"))
            let commentLength = Int(try b.u16(cursor + 32, "comment length"))
            var localOffset = UInt64(try b.u32(cursor + 42, "local header offset"))
            try b.check(cursor + 46, nameLength + extraLength + commentLength, "central directory entry \(index)")
            let nameBytes = UnsafeRawBufferPointer(rebasing: b.base[(cursor + 46)..<(cursor + 46 + nameLength)])
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                throw b.fail("entry \(index) has a name that is not UTF-8")
            }
            // zip64 extended information: the 8-byte values replace the fields saturated at 0xFFFFFFFF, in order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try b.u16(extra, "extra field id")
                let length = Int(try b.u16(extra + 2, "extra field length"))
                guard extra + 4 + length <= extraEnd else { throw b.fail("entry \(name) has a malformed extra field") }
                if id == 0x0001 {
                    var field = extra + 4
                    func next() throws -> UInt64 {
                        guard field + 8 <= extra + 4 + length else { throw b.fail("entry \(name) has a short zip64 extra field") }
                        defer { field += 8 }
                        return try b.u64(field, "zip64 extra field")
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                    if compressed == 0xFFFF_FFFF { compressed = try next() }
                    if localOffset == 0xFFFF_FFFF { localOffset = try next() }
                }
                extra += 4 + length
            }
            cursor = extraEnd + commentLength

            let local = try b.int(localOffset, "local header offset of \(name)")
            guard try b.u32(local, "local header of \(name)") == localHeader else {
                throw b.fail("entry \(name): no local header at byte \(local)")
            }
            let localName = Int(try b.u16(local + 26, "local name length"))
            let localExtra = Int(try b.u16(local + 28, "local extra length"))
            let dataStart = local + 30 + localName + localExtra
            let compressedSize = try b.int(compressed, "compressed size of \(name)")
            try b.check(dataStart, compressedSize, "data of entry \(name)")
            entries.append(Entry(name: name, method: method, flags: flags, compressedSize: compressedSize,
                                 uncompressedSize: Int(clamping: uncompressed),
                                 dataRange: dataStart..<(dataStart + compressedSize)))
        }
        return entries
    }
}
