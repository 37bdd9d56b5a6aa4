/// Why the archive could not do what was asked, and what the operator can do about it.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of failure; decides the exit code.
    public enum Code: Sendable, Equatable {
        /// The directory exists but is not a ttsarchive store.
        case notAStore
        /// No object by that digest.
        case unknownObject
        /// A digest that is not 64 hex digits.
        case malformedDigest
        /// The archive is read-only or not ours to write.
        case notWritable
        /// No space left.
        case diskFull
        /// The object's bytes do not match its name, or its gzip stream is damaged.
        case damaged
        /// Any other system call failure.
        case io
    }

    public let code: Code
    public let path: String
    public let detail: String
    /// For `.damaged`: the gzip stream ends before its end marker (a cut file) rather than
    /// holding wrong bytes; audits report the two apart.
    public let truncated: Bool

    public init(_ code: Code, path: String, detail: String = "", truncated: Bool = false) {
        self.code = code
        self.path = path
        self.detail = detail
        self.truncated = truncated
    }

    public var description: String {
        let what: String
        switch code {
        case .notAStore: what = "\(path) is not a ttsarchive store (no STORE marker, and it is not empty); point --archive at a store or an empty directory"
        case .unknownObject: what = "no object \(path) in the archive"
        case .malformedDigest: what = "'\(path)' is not a SHA-256 digest (64 hex digits)"
        case .notWritable: what = "cannot write to \(path): the archive is read-only or not writable by this user"
        case .diskFull: what = "no space left on the device holding \(path); free space and run again (nothing was half-written)"
        case .damaged: what = "object \(path) is damaged"
        case .io: what = "I/O error on \(path)"
        }
        return detail.isEmpty ? what : "\(what): \(detail)"
    }
}
