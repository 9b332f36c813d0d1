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
    let continuationRoot: UInt32?
    static let root: UInt32 = 0

    /// Builds the trie. A token listed twice keeps its last id, as Python's `load_vocab` dict does.
    /// Returns nil if the vocabulary exceeds 2²⁴ trie nodes (about 16 MB of token text).
    init?(tokens: [String], continuingSubwordPrefix: String) {
        self.tokens = tokens
        // Nodes: children kept in a dictionary while building.
        var children: [[UInt8: UInt32]] = [[:]]
        var tokenIDs: [Int32] = [-1]
        for (id, token) in tokens.enumerated() {
            var node: UInt32 = 0
            for byte in token.utf8 {
                if let child = children[Int(node)][byte] { node = child; continue }
                let child = UInt32(children.count)
                children[Int(node)][byte] = child
                children.append([:]); tokenIDs.append(-1)
                node = child
            }
            if node != 0 { tokenIDs[Int(node)] = Int32(id) }   // the empty token is never looked up
        }
        guard children.count < (1 << 24) else { return nil }
        let edgeCount = children.count - 1
        var bits: UInt32 = 4
        while (1 << bits) < edgeCount * 2 { bits += 1 }
        let size = 1 << Int(bits)
        var keys = [UInt32](repeating: 0, count: size), values = [UInt32](repeating: 0, count: size)
        let shift = 32 - bits
        for (node, map) in children.enumerated() {
            for (byte, child) in map {
                let key = (UInt32(node) << 8 | UInt32(byte)) &+ 1
                var slot = Int(Vocabulary.hash(key) >> shift)
                while keys[slot] != 0 { slot = (slot + 1) & (size - 1) }
                keys[slot] = key; values[slot] = child
            }
        }
        slotKeys = keys; slotChildren = values; slotShift = shift
        nodeTokenIDs = tokenIDs
        // The continuation root: walk the prefix.
        var node: UInt32? = 0
        for byte in continuingSubwordPrefix.utf8 { node = node.flatMap { children[Int($0)][byte] } }
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
