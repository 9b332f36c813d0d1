import Foundation

/// A value built by `RestrictedUnpickler`. Lists and dicts are reference types because pickle mutates them after
/// memoising them (EMPTY_DICT, BINPUT, …, SETITEMS), exactly as CPython's objects are shared. Tuples are reference
/// types too, so that every nesting level is an object the unpickler's arena can take apart without recursion
/// (see `RestrictedUnpickler.tearDown`).
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleTuple)
    case list(PickleList)
    case dict(PickleDict)
    /// One of the few callables a checkpoint may name (see `PickleGlobal`).
    case global(PickleGlobal)
    /// A tensor storage, from a persistent id `('storage', torch.FloatStorage, key, location, numel)`.
    case storage(PickleStorage)
    /// A tensor, from `torch._utils._rebuild_tensor_v2` (or `_rebuild_parameter` around it).
    case tensor(PickleTensor)

    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(g): return g.name
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// A container the unpickler created; `clear()` drops its children (teardown).
protocol PickleContainer: AnyObject { func clear() }

final class PickleTuple: PickleContainer {
    var items: [PickleValue]
    init(_ items: [PickleValue]) { self.items = items }
    func clear() { items = [] }
}
final class PickleList: PickleContainer {
    var items: [PickleValue] = []
    func clear() { items = [] }
}
final class PickleDict: PickleContainer {
    var pairs: [(key: PickleValue, value: PickleValue)] = []
    func clear() { pairs = [] }
}

/// The only globals a state dict needs. Anything else (`os.system`, `builtins.eval`, `subprocess.Popen`, …) is refused
/// before it could be called: this reader never executes anything a file names.
enum PickleGlobal: Equatable {
    case orderedDict
    case rebuildTensorV2
    case rebuildParameter
    case rebuildParameterWithState
    case storageType(StorageDType)

    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch", "FloatStorage"): self = .storageType(.f32)
        case ("torch", "HalfStorage"): self = .storageType(.f16)
        case ("torch", "BFloat16Storage"): self = .storageType(.bf16)
        case ("torch", "DoubleStorage"): self = .storageType(.f64)
        case ("torch", "LongStorage"): self = .storageType(.i64)
        case ("torch", "IntStorage"): self = .storageType(.i32)
        case ("torch", "ShortStorage"): self = .storageType(.i16)
        case ("torch", "CharStorage"): self = .storageType(.i8)
        case ("torch", "ByteStorage"): self = .storageType(.u8)
        case ("torch", "BoolStorage"): self = .storageType(.bool)
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case let .storageType(dtype): return "torch storage \(dtype.rawValue)"
        }
    }
}

struct PickleStorage {
    var dtype: StorageDType
    /// The storage's file in the archive: `<prefix>/data/<key>`.
    var key: String
    var elementCount: Int
}

struct PickleTensor {
    var storage: PickleStorage
    var storageOffset: Int
    var shape: [Int]
    var stride: [Int]
}

/// A restricted unpickler for PyTorch state dicts (pickle protocols 2–5, as `torch.save` writes with protocol 2).
///
/// It is a stack machine in the manner of CPython's `Lib/pickle.py` `_Unpickler`, but it knows only the opcodes a
/// `torch.save(state_dict)` emits plus a few harmless neighbours, resolves only the globals listed in `PickleGlobal`,
/// and "calls" them by building `PickleValue`s, never by running code. Every read is bounds-checked and every
/// failure is a `ModelLoadingError` naming the file and byte offset.
struct RestrictedUnpickler {
    let bytes: [UInt8]
    let path: String
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [UInt32: PickleValue] = [:]
    /// Every container made, in creation order. A pickle can nest a million tuples in a megabyte (`) 0x85 0x85 …`);
    /// releasing such a value the ordinary way recurses once per level and overflows the thread's stack. Keeping
    /// every container here and clearing them all before release (`tearDown`) frees each one childless.
    private var arena: [any PickleContainer] = []

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Runs the pickle to its STOP opcode and hands the value it leaves to `body`, then takes every container apart.
    /// `body` must copy out what it needs (its result must not hold containers: they are empty afterwards).
    static func load<T>(_ bytes: [UInt8], path: String, _ body: (PickleValue) throws -> T) throws -> T {
        var unpickler = RestrictedUnpickler(bytes: bytes, path: path)
        defer { unpickler.tearDown() }
        return try body(try unpickler.run())
    }

    /// Runs the pickle and returns the kind of value it leaves (for tests and the fuzz harness).
    @discardableResult
    static func load(_ bytes: [UInt8], path: String) throws -> String {
        try load(bytes, path: path) { $0.kind }
    }

    /// Empties every container while the arena still holds all of them, so that no release cascades; then drops all.
    private mutating func tearDown() {
        stack.removeAll()
        memo.removeAll()
        for container in arena { container.clear() }
        arena.removeAll()
    }

    /// The most containers one pickle may create. bert-base's state dict makes ~1,100 (five tuples per tensor); a
    /// million bounds the memory a hostile pickle can claim to ~150 MB.
    static let containerLimit = 1_000_000

    private mutating func register(_ container: any PickleContainer) throws {
        guard arena.count < Self.containerLimit else {
            throw fail("more than \(Self.containerLimit) tuples, lists and dicts (not a state dict)")
        }
        arena.append(container)
    }

    private mutating func tuple(_ items: [PickleValue]) throws -> PickleValue {
        let tuple = PickleTuple(items)
        try register(tuple)
        return .tuple(tuple)
    }

    private mutating func newList() throws -> PickleList {
        let list = PickleList()
        try register(list)
        return list
    }

    private mutating func newDict() throws -> PickleDict {
        let dict = PickleDict()
        try register(dict)
        return dict
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> ModelLoadingError {
        .pickleInvalid(path: path, offset: offset ?? position, reason: reason)
    }

    // MARK: Reading

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else {
            throw fail("unexpected end of data (needed \(count) more bytes)")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    private mutating func byte() throws -> UInt8 { try take(1).first ?? 0 }

    private mutating func littleEndian(_ count: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for (i, b) in try take(count).enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
        return value
    }

    private mutating func string(length: UInt64) throws -> String {
        guard length <= UInt64(bytes.count - position) else { throw fail("string of \(length) bytes runs past the end") }
        let slice = try take(Int(length))
        guard let text = String(validating: slice, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return text
    }

    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw fail("unterminated GLOBAL line") }
        let slice = try take(end - position)
        position += 1
        guard let text = String(validating: slice, as: UTF8.self) else { throw fail("GLOBAL name is not valid UTF-8") }
        return text
    }

    // MARK: Stack

    private mutating func pop() throws -> PickleValue {
        guard let top = stack.popLast() else { throw fail("stack underflow") }
        if let mark = marks.last, stack.count < mark { throw fail("stack underflow past a MARK") }
        return top
    }

    /// Pops everything above the most recent MARK (pickle's `pop_mark`).
    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw fail("no MARK on the stack") }
        guard mark <= stack.count else { throw fail("MARK beyond the stack top") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func requireTop(_ opcode: String) throws -> PickleValue {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else { throw fail("\(opcode) with an empty stack") }
        return top
    }

    // MARK: Machine

    private mutating func run() throws -> PickleValue {
        while true {
            let opcodeOffset = position
            let opcode = try byte()
            switch opcode {
            case 0x80:  // PROTO
                let version = try byte()
                guard version <= 5 else { throw fail("unsupported pickle protocol \(version)", at: opcodeOffset) }
            case 0x95:  // FRAME: framing is advisory; the frame's bytes follow inline.
                _ = try littleEndian(8)
            case 0x2E:  // STOP
                let result = try pop()
                return result
            case 0x28:  // MARK
                marks.append(stack.count)
            case 0x7D: stack.append(.dict(try newDict()))  // EMPTY_DICT
            case 0x5D: stack.append(.list(try newList()))  // EMPTY_LIST
            case 0x29: stack.append(try tuple([]))  // EMPTY_TUPLE
            case 0x4E: stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4B: stack.append(.int(Int(try littleEndian(1))))  // BININT1
            case 0x4D: stack.append(.int(Int(try littleEndian(2))))  // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try littleEndian(4)))))  // BININT
            case 0x8A:  // LONG1: n bytes, little-endian two's complement
                let count = Int(try byte())
                guard count <= 8 else { throw fail("integer of \(count) bytes is too large", at: opcodeOffset) }
                if count == 0 { stack.append(.int(0)); break }
                let raw = try littleEndian(count)
                let shift = UInt64(64 - 8 * count)
                stack.append(.int(Int(Int64(bitPattern: raw << shift) >> Int64(shift))))
            case 0x47:  // BINFLOAT: 8 bytes big-endian
                var raw: UInt64 = 0
                for b in try take(8) { raw = raw << 8 | UInt64(b) }
                stack.append(.float(Double(bitPattern: raw)))
            case 0x58: stack.append(.string(try string(length: try littleEndian(4))))  // BINUNICODE
            case 0x8C: stack.append(.string(try string(length: try littleEndian(1))))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try string(length: try littleEndian(8))))  // BINUNICODE8
            case 0x42, 0x43:  // BINBYTES, SHORT_BINBYTES
                let length = try littleEndian(opcode == 0x42 ? 4 : 1)
                guard length <= UInt64(bytes.count - position) else { throw fail("bytes run past the end", at: opcodeOffset) }
                stack.append(.bytes(Array(try take(Int(length)))))
            case 0x74: stack.append(try tuple(try popMark()))  // TUPLE
            case 0x85: stack.append(try tuple([try pop()]))  // TUPLE1
            case 0x86:  // TUPLE2
                let b = try pop(), a = try pop()
                stack.append(try tuple([a, b]))
            case 0x87:  // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                stack.append(try tuple([a, b, c]))
            case 0x6C:  // LIST
                let list = try newList(); list.items = try popMark(); stack.append(.list(list))
            case 0x64:  // DICT
                let dict = try newDict()
                try setItems(try popMark(), into: dict)
                stack.append(.dict(dict))
            case 0x71: memo[UInt32(try littleEndian(1))] = try requireTop("BINPUT")  // BINPUT
            case 0x72: memo[UInt32(try littleEndian(4))] = try requireTop("LONG_BINPUT")  // LONG_BINPUT
            case 0x94: memo[UInt32(truncatingIfNeeded: memo.count)] = try requireTop("MEMOIZE")  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let index = UInt32(try littleEndian(opcode == 0x68 ? 1 : 4))
                guard let value = memo[index] else { throw fail("memo entry \(index) is not defined", at: opcodeOffset) }
                stack.append(value)
            case 0x30: _ = try pop()  // POP
            case 0x31: _ = try popMark()  // POP_MARK
            case 0x32: stack.append(try requireTop("DUP"))  // DUP
            case 0x73:  // SETITEM
                let value = try pop(), key = try pop()
                guard case let .dict(dict) = try requireTop("SETITEM") else { throw fail("SETITEM on a non-dict", at: opcodeOffset) }
                dict.pairs.append((key, value))
            case 0x75:  // SETITEMS
                let items = try popMark()
                guard case let .dict(dict) = try requireTop("SETITEMS") else { throw fail("SETITEMS on a non-dict", at: opcodeOffset) }
                try setItems(items, into: dict)
            case 0x61:  // APPEND
                let value = try pop()
                guard case let .list(list) = try requireTop("APPEND") else { throw fail("APPEND on a non-list", at: opcodeOffset) }
                list.items.append(value)
            case 0x65:  // APPENDS
                let items = try popMark()
                guard case let .list(list) = try requireTop("APPENDS") else { throw fail("APPENDS on a non-list", at: opcodeOffset) }
                list.items += items
            case 0x63:  // GLOBAL "module\nname\n"
                let module = try line(), name = try line()
                stack.append(.global(try resolve(module: module, name: name)))
            case 0x93:  // STACK_GLOBAL
                guard case let .string(name) = try pop(), case let .string(module) = try pop() else {
                    throw fail("STACK_GLOBAL needs two strings", at: opcodeOffset)
                }
                stack.append(.global(try resolve(module: module, name: name)))
            case 0x52:  // REDUCE
                let arguments = try pop(), callable = try pop()
                if case .global(.orderedDict) = callable, case let .tuple(args) = arguments, args.items.isEmpty {
                    stack.append(.dict(try newDict()))
                } else {
                    stack.append(try reduce(callable, arguments, at: opcodeOffset))
                }
            case 0x62:  // BUILD: state for the object below it. OrderedDict's `_metadata` and a parameter's state are
                // irrelevant to inference and dropped; BUILD on anything else is refused.
                _ = try pop()
                switch try requireTop("BUILD") {
                case .dict, .tensor: break
                case let other: throw fail("BUILD on a \(other.kind)", at: opcodeOffset)
                }
            case 0x51:  // BINPERSID
                stack.append(try persistentLoad(try pop(), at: opcodeOffset))
            default:
                throw fail(String(format: "unsupported pickle opcode 0x%02x", opcode), at: opcodeOffset)
            }
        }
    }

    private func setItems(_ items: [PickleValue], into dict: PickleDict) throws {
        guard items.count % 2 == 0 else { throw fail("odd number of items for a dict") }
        var i = 0
        while i < items.count { dict.pairs.append((items[i], items[i + 1])); i += 2 }
    }

    private func resolve(module: String, name: String) throws -> PickleGlobal {
        guard let global = PickleGlobal(module: module, name: name) else {
            throw ModelLoadingError.pickleForbiddenGlobal(path: path, global: "\(module).\(name)")
        }
        return global
    }

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue, at offset: Int) throws -> PickleValue {
        guard case let .global(global) = callable else { throw fail("REDUCE of a \(callable.kind), not a callable", at: offset) }
        guard case let .tuple(tuple) = arguments else { throw fail("REDUCE arguments are a \(arguments.kind)", at: offset) }
        let args = tuple.items
        switch global {
        case .orderedDict:
            throw fail("OrderedDict called with arguments", at: offset)  // the empty call is handled by REDUCE
        case .rebuildTensorV2:
            // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard args.count >= 4, case let .storage(storage) = args[0], case let .int(storageOffset) = args[1],
                  let shape = integers(args[2]), let stride = integers(args[3]) else {
                throw fail("malformed _rebuild_tensor_v2 arguments", at: offset)
            }
            guard shape.count == stride.count else { throw fail("tensor size and stride differ in rank", at: offset) }
            return .tensor(PickleTensor(storage: storage, storageOffset: storageOffset, shape: shape, stride: stride))
        case .rebuildParameter, .rebuildParameterWithState:
            // _rebuild_parameter(data, requires_grad, backward_hooks[, state]): the parameter is its data.
            guard let first = args.first, case .tensor = first else { throw fail("malformed _rebuild_parameter arguments", at: offset) }
            return first
        case .storageType:
            throw fail("a storage type cannot be called", at: offset)
        }
    }

    private func integers(_ value: PickleValue) -> [Int]? {
        guard case let .tuple(tuple) = value else { return nil }
        let items = tuple.items
        var out: [Int] = []
        for item in items {
            guard case let .int(i) = item else { return nil }
            out.append(i)
        }
        return out
    }

    /// torch.serialization's `persistent_id`: `('storage', storage_type, key, location, numel)`.
    private func persistentLoad(_ pid: PickleValue, at offset: Int) throws -> PickleValue {
        guard case let .tuple(tuple) = pid, tuple.items.count == 5, case .string("storage") = tuple.items[0] else {
            throw fail("persistent id is not a ('storage', type, key, location, numel) tuple", at: offset)
        }
        let items = tuple.items
        guard case let .global(.storageType(dtype)) = items[1] else {
            throw fail("persistent id names \(items[1].kind), not a storage type", at: offset)
        }
        guard case let .string(key) = items[2], case let .int(count) = items[4], count >= 0 else {
            throw fail("malformed storage persistent id", at: offset)
        }
        return .storage(PickleStorage(dtype: dtype, key: key, elementCount: count))
    }
}
