/// The contract's exit codes, the one table every error type and the command line read
/// (docs/operations.md#exit-codes). No exit status is written as a bare number anywhere else.
public enum ExitClass: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Everything done.
    case success = 0
    /// Finished, but some items failed (named in the output or manifest), or interrupted.
    case partial = 1
    /// A usage or configuration error: fix the flags, the environment or the settings file.
    case usage = 2
    /// A cloud API refused authentication or permission.
    case authentication = 3
    /// The archive, manifests or state are unusable (not a store, read-only, disk full, lock held).
    case unusableStore = 4
    /// Verification found damage.
    case damage = 5

    /// The process exit status.
    public var code: Int32 { rawValue }

    /// What the status means, as the exit-code table says it.
    public var description: String {
        switch self {
        case .success: return "success"
        case .partial: return "finished, but some items failed"
        case .usage: return "usage or configuration error"
        case .authentication: return "authentication or permission refused by a cloud API"
        case .unusableStore: return "the archive, manifests or state are unusable"
        case .damage: return "verification found damage"
        }
    }
}
