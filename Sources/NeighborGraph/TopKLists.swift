/// Per-row top-k lists over caller-owned storage, the selection step of the exact search.
///
/// Row r keeps its best `k` candidates in `similarities[r·k ..< r·k + k]` (descending) and
/// `indices[…]`, ordered by the total order "higher similarity first, then smaller index", so the
/// result does not depend on the order candidates arrive in (ties are stable). `worst[r]` mirrors
/// the last slot so a candidate is rejected by one comparison against a contiguous array.
/// Empty slots hold similarity −∞ and index `Int32.max`. The storage is not owned: the caller
/// allocates and frees it (sklearn's "buffers to avoid new allocations").
struct TopKLists {
    let k: Int
    let similarities: UnsafeMutablePointer<Float>
    let indices: UnsafeMutablePointer<Int32>
    let worst: UnsafeMutablePointer<Float>

    /// Allocates and fills `rows` empty lists.
    static func allocate(rows: Int, k: Int) -> TopKLists {
        let lists = TopKLists(k: k,
                              similarities: .allocate(capacity: rows * k),
                              indices: .allocate(capacity: rows * k),
                              worst: .allocate(capacity: rows))
        lists.similarities.initialize(repeating: -.infinity, count: rows * k)
        lists.indices.initialize(repeating: .max, count: rows * k)
        lists.worst.initialize(repeating: -.infinity, count: rows)
        return lists
    }

    func deallocate() {
        similarities.deallocate()
        indices.deallocate()
        worst.deallocate()
    }

    /// Offers candidate `index` with `similarity` to row `row`'s list; kept if it beats the last
    /// entry in the total order. Insertion into the sorted buffer: O(k) shifts at most.
    @inline(__always)
    func offer(row: Int, similarity: Float, index: Int32) {
        let base = row * k
        let last = base + k - 1
        guard similarity > similarities[last] || (similarity == similarities[last] && index < indices[last]) else { return }
        var position = last
        while position > base {
            let s = similarities[position - 1]
            guard s < similarity || (s == similarity && indices[position - 1] > index) else { break }
            similarities[position] = s
            indices[position] = indices[position - 1]
            position -= 1
        }
        similarities[position] = similarity
        indices[position] = index
        worst[row] = similarities[last]
    }
}
