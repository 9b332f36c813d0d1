extension StringProtocol {
    /// `trimmingCharacters(in: .whitespaces)` (spaces and tabs: Unicode category Zs and U+0009) without
    /// Foundation's NSString round trip, which made it most of the time of reading a 1M-row coordinate CSV
    /// on Linux. Fields that neither start nor end with such a character (nearly all) are returned as they are.
    func trimmingSpaces() -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value < 0x80 ? scalar.value == 0x20 || scalar.value == 0x09 : scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return "" }
        if !isSpace(first) && !isSpace(last) { return String(self) }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }), let end = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
