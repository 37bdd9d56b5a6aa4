/// A failure that is not the store's: configuration, credentials, API refusals, unusable state.
/// Says what went wrong, what it concerns (a path, a job, a flag) and what to do, on one line:
/// `what (subject): fix`. Its kind gives the contract's exit code (``ExitClass``).
public struct TTSArchiveError: Error, Sendable, CustomStringConvertible {
    /// The contract's exit-code classes a failure of this type can have.
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

        /// Its row of the exit-code table.
        public var exitClass: ExitClass {
            switch self {
            case .configuration: return .usage
            case .authentication: return .authentication
            case .unusableState: return .unusableStore
            case .damage: return .damage
            case .partial: return .partial
            }
        }
    }

    public let kind: Kind
    /// What went wrong.
    public let what: String
    /// The path, job, flag or setting it concerns, if one.
    public let subject: String?
    /// What to do about it, if there is something to do.
    public let fix: String?

    /// - Parameters:
    ///   - what: what went wrong, without the subject or the remedy.
    ///   - path: the file, folder, job or setting concerned (printed in parentheses).
    ///   - fix: what the operator should do.
    public init(_ kind: Kind, _ what: String, path: String? = nil, fix: String? = nil) {
        self.kind = kind
        self.what = what
        self.subject = path
        self.fix = fix
    }

    /// The one line printed: `what (subject): fix`.
    public var description: String {
        var line = what
        if let subject { line += " (\(subject))" }
        if let fix { line += ": \(fix)" }
        return line
    }

    /// The whole line (kept for callers that log the message).
    public var message: String { description }

    /// The contract's exit code.
    public var exitCode: Int32 { kind.exitClass.code }
}

/// The tool's name and version, as recorded in manifests.
public enum ToolInfo {
    public static let name = "ttsarchive"
    public static let version = "0.1.0"
}
