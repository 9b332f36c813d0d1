/// A WordPiece vocabulary: id → token, and a byte trie for the longest vocabulary entry that is a
/// prefix of a word (what WordPiece's greedy search asks for at each position).
///
/// `tokenizers/src/models/wordpiece/mod.rs` (`WordPiece::tokenize`) tries `sequence[start..end]`
/// for `end` from the word's end downwards, prefixing `##` when `start > 0`, and stops at the
/// first `vocab.contains_key`. Walking a trie from `start` and remembering the last token node
/// gives the same (longest) match in one pass and without building strings. Continuation pieces
/// are found by starting the walk at the node of the prefix `##`.
struct Vocabulary: Sendable {
    /// Token strings by id.
    let tokens: [String]
    /// `(node << 8 | byte) + 1` per hash slot (0 = empty), and the child node in the same slot.
    private let slotKeys: [UInt32]
    private let slotChildren: [UInt32]
    private let slotShift: UInt32
    /// The id ending at each node, or -1.
    private let nodeTokenIDs: [Int32]
    /// The node reached by the continuation prefix (`##`), if any token has it.
    private(set) var continuationRoot: UInt32?
    static let root: UInt32 = 0

    /// Builds the trie. A token listed twice keeps its last id, as Python's `load_vocab` dict does.
    /// Returns nil if the vocabulary exceeds 2²⁴ trie nodes (about 16 MB of token text).
    init?(tokens: [String], continuingSubwordPrefix: String) {
        self.tokens = tokens
        // Every byte of every token may add a node: size the open-addressing table for that many
        // edges at load ≤ 1/2, and insert edges directly into it.
        let byteCount = tokens.reduce(0) { $0 + $1.utf8.count }
        guard byteCount < (1 << 24) else { return nil }
        var bits: UInt32 = 4
        while (1 << bits) < byteCount * 2 { bits += 1 }
        let size = 1 << Int(bits), shift = 32 - bits
        var keys = [UInt32](repeating: 0, count: size), children = [UInt32](repeating: 0, count: size)
        var tokenIDs: [Int32] = [-1]
        tokenIDs.reserveCapacity(byteCount + 1)
        for (id, token) in tokens.enumerated() {
            var node: UInt32 = 0
            for byte in token.utf8 {
                let key = (node << 8 | UInt32(byte)) &+ 1
                var slot = Int(Vocabulary.hash(key) >> shift)
                while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & (size - 1) }
                if keys[slot] == 0 {
                    keys[slot] = key
                    children[slot] = UInt32(tokenIDs.count)
                    tokenIDs.append(-1)
                }
                node = children[slot]
            }
            if node != 0 { tokenIDs[Int(node)] = Int32(id) }   // the empty token is never looked up
        }
        slotKeys = keys; slotChildren = children; slotShift = shift
        nodeTokenIDs = tokenIDs
        continuationRoot = nil
        // The continuation root: the node of the prefix, if some token extends it.
        var node: UInt32? = 0
        for byte in continuingSubwordPrefix.utf8 { node = node.flatMap { child(of: $0, byte) } }
        continuationRoot = continuingSubwordPrefix.isEmpty ? nil : node
    }

    @inline(__always) private static func hash(_ key: UInt32) -> UInt32 { key &* 0x9E37_79B1 }

    /// The child of `node` along `byte`, or nil.
    @inline(__always)
    func child(of node: UInt32, _ byte: UInt8) -> UInt32? {
        let key = (node << 8 | UInt32(byte)) &+ 1
        let mask = slotKeys.count - 1
        return slotKeys.withUnsafeBufferPointer { keys in
            var slot = Int(Vocabulary.hash(key) >> slotShift)
            while true {
                let k = keys[slot]
                if k == key { return slotChildren[slot] }
                if k == 0 { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id of the longest token spelled by `bytes[start...]` when the walk starts at `from`,
    /// and where it ends; nil if no token matches.
    @inline(__always)
    func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, from root: UInt32) -> (id: Int32, end: Int)? {
        var node = root
        var best: (id: Int32, end: Int)? = nil
        var i = start
        while i < bytes.count, let next = child(of: node, bytes[i]) {
            node = next
            i += 1
            let id = nodeTokenIDs[Int(node)]
            if id >= 0 { best = (id, i) }
        }
        return best
    }

    /// The id of `token` exactly, or nil.
    func id(of token: String) -> Int32? {
        var node: UInt32 = 0
        for byte in token.utf8 {
            guard let next = child(of: node, byte) else { return nil }
            node = next
        }
        let id = nodeTokenIDs[Int(node)]
        return id >= 0 ? id : nil
    }

    var count: Int { tokens.count }
}
