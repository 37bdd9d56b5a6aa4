/// One file-name component derived from untrusted data (a job id, a run id), safe to join to a
/// directory: it can never name the directory itself, its parent, or anything below another
/// directory.
///
/// Every UTF-8 byte outside `[A-Za-z0-9._-]` becomes `+XX`, its value in upper-case hex (`+2F`
/// for `/`, `+2B` for `+`), and so does a leading `.`, so the result is never `.`, `..` or a
/// hidden file. The mapping is injective — `+` itself is escaped — so two different ids never
/// share a folder, and the original id can be read back from the name.
///
/// Why `+` and not `%`: RFC 8493 requires a `%` in a bag's file path to be written `%25` in its
/// manifests, and the reference validator (bagit.py, up to 1.9) does not decode it, so a `%`
/// in a path makes a bag that one side or the other rejects. Without `%` they agree.
public struct SafePathComponent: Sendable, Hashable, CustomStringConvertible {
    /// The longest component most file systems accept (`NAME_MAX`), in bytes.
    public static let maximumLength = 255
    /// The byte that starts an escape.
    static let escape = UInt8(ascii: "+")

    /// The encoded component: only `[A-Za-z0-9._+-]`, never starting with `.`.
    public let value: String

    public var description: String { value }

    /// Encodes `raw`; throws when no safe name exists for it (empty, or too long once encoded).
    public init(_ raw: String) throws(UnsafeNameError) {
        if raw.isEmpty { throw UnsafeNameError(raw: raw, reason: .empty) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for (offset, byte) in raw.utf8.enumerated() {
            if Self.isPlain(byte) && !(offset == 0 && byte == UInt8(ascii: ".")) {
                out.append(byte)
            } else {
                out += [Self.escape, hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        if out.count > Self.maximumLength { throw UnsafeNameError(raw: raw, reason: .tooLong(encodedLength: out.count)) }
        value = String(decoding: out, as: UTF8.self)
    }

    /// True when `name` is already a plain run id or file stem: `[A-Za-z0-9._-]`, not starting
    /// with `.`, at most ``maximumLength`` bytes. Run ids named inside manifests are checked with
    /// this before they become file names, so a hostile link cannot point outside the folder.
    public static func isPlain(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "."), name.utf8.count <= maximumLength else { return false }
        return name.utf8.allSatisfy(isPlain)
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

/// An id that cannot be turned into a safe file name.
public struct UnsafeNameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why no safe name exists.
    public enum Reason: Sendable, Hashable {
        /// The id is empty.
        case empty
        /// Percent-encoding makes it longer than a file name may be.
        case tooLong(encodedLength: Int)
    }

    /// The offending id (printed escaped: it may hold control characters).
    public let raw: String
    public let reason: Reason

    public var description: String {
        let shown = raw.unicodeScalars.prefix(80).map { $0.escaped(asASCII: true) }.joined()
        switch reason {
        case .empty:
            return "job id \"\" cannot be used as a folder name: it is empty"
        case .tooLong(let length):
            return "job id \"\(shown)\(raw.unicodeScalars.count > 80 ? "…" : "")\" cannot be used as a folder name: "
                + "escaped it is \(length) bytes, over the \(SafePathComponent.maximumLength)-byte limit"
        }
    }
}
