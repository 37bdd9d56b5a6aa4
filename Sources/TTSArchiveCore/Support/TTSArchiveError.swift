/// A failure that is not the store's: configuration, credentials, API refusals. Carries the
/// exit code the contract gives it and a message that says what to do.
public struct TTSArchiveError: Error, Sendable, CustomStringConvertible {
    /// The contract's exit-code classes.
    public enum Kind: Sendable, Equatable {
        /// Bad flags, bad configuration, missing credentials: exit 2.
        case configuration
        /// A cloud API refused our credentials or permissions: exit 3.
        case authentication
        /// The archive, manifests or state cannot be used (lock held, corrupt state): exit 4.
        case unusableState
        /// Damage found: exit 5.
        case damage
        /// Finished, with failures: exit 1.
        case partial
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The contract's exit code.
    public var exitCode: Int32 {
        switch kind {
        case .configuration: return 2
        case .authentication: return 3
        case .unusableState: return 4
        case .damage: return 5
        case .partial: return 1
        }
    }
}

/// The tool's name and version, as recorded in manifests.
public enum ToolInfo {
    public static let name = "ttsarchive"
    public static let version = "0.1.0"
}
