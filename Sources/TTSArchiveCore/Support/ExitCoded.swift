/// An error that knows the contract's exit code for itself (a value of ``ExitClass``).
public protocol ExitCoded {
    /// The process exit code this error ends a command with: an ``ExitClass`` code.
    var exitCode: Int32 { get }
}

extension TTSArchiveError: ExitCoded {}
