/// An error a user can act on: `description` is one line saying what went wrong and where
/// (file, line, row), optionally followed by a hint after " — " or on a second line.
///
/// Every module's error enum conforms; the command-line tool prints `error: <description>`
/// and exits non-zero, never a stack trace.
public protocol UserFacingError: Error, CustomStringConvertible, Sendable {}

/// A general-purpose user-facing error for places where a module-specific enum would add nothing.
public struct MicseError: UserFacingError, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
