import Foundation

/// What a path names, for messages that say why a file cannot be read: nothing, a file, a directory, or a
/// symbolic link whose target does not exist (a deleted Hugging Face cache blob, say), which
/// `FileManager.fileExists` reports as missing.
public enum PathKind: Sendable, Equatable {
    case missing, file, directory, danglingLink

    public init(_ url: URL) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            self = isDirectory.boolValue ? .directory : .file
        } else {
            self = (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil ? .danglingLink : .missing
        }
    }

    /// Why a file expected here cannot be read, in words; nil for a file or nothing at all.
    public var problemForAFile: String? {
        switch self {
        case .directory: return "a directory, not a file"
        case .danglingLink: return "a symbolic link to a file that does not exist"
        case .file, .missing: return nil
        }
    }
}
