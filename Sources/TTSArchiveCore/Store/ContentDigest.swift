import Crypto

/// The SHA-256 of an object's original bytes: its name in the archive.
public struct ContentDigest: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// 64 lower-case hex digits.
    public let hex: String

    /// Parses 64 hex digits (either case); nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        self.hex = hex.lowercased()
    }

    init(_ digest: SHA256.Digest) {
        hex = digest.hexString
    }

    /// `sha256/<first two hex digits>/<hex>.gz`, relative to the archive root.
    public var objectPath: String { "sha256/\(hex.prefix(2))/\(hex).gz" }

    /// The digest an object path names, when the path is exactly ``objectPath`` of one (both
    /// stores classify what they list with this, so "stray" means the same on each).
    public init?(objectPath path: some StringProtocol) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "sha256", parts[2].hasSuffix(".gz"),
            let digest = ContentDigest(hex: String(parts[2].dropLast(3))), digest.objectPath == path
        else { return nil }
        self = digest
    }

    public var description: String { hex }

    public static func < (lhs: ContentDigest, rhs: ContentDigest) -> Bool { lhs.hex < rhs.hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = ContentDigest(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a SHA-256 hex digest"))
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension UInt8 {
    var isHexDigit: Bool { (48...57).contains(self) || (65...70).contains(self) || (97...102).contains(self) }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SHA256.Digest {
    var hexString: String { self.withUnsafeBytes { Array($0) }.hexString }
}
