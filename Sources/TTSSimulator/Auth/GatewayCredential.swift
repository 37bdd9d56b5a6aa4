import Crypto
import Foundation
import TTSArchiveCore

/// The parts every vendor's `Authorization: ALGORITHM k=v, k=v` header shares, read as a
/// gateway reads them; fields may be separated by `,` with or without a space.
struct AuthorizationHeader {
    let fields: [String: String]

    /// Nil when the header does not start with `algorithm` or a field is not `name=value`.
    init?(_ header: String, algorithm: String) {
        guard header.hasPrefix(algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst(algorithm.count + 1).split(separator: ",") {
            let field = part.trimmingCharacters(in: .whitespaces)
            guard let equals = field.firstIndex(of: "="), equals != field.startIndex else { return nil }
            fields[String(field[..<equals])] = String(field[field.index(after: equals)...])
        }
        self.fields = fields
    }

    /// A field's value; nil when absent or empty.
    subscript(_ name: String) -> String? {
        guard let value = fields[name], !value.isEmpty else { return nil }
        return value
    }

    /// `SignedHeaders=a;b;c` as lower-cased names, in the order given.
    var signedHeaders: [String]? {
        self["SignedHeaders"]?.split(separator: ";").map { $0.lowercased() }
    }
}

/// The hashing, MAC and timestamp rules the gateways share, with swift-crypto directly.
enum GatewayCrypto {
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    static func hmac(_ key: [UInt8], _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }

    /// Compares in time independent of where the first difference is, so response timing says
    /// nothing about how much of a forged secret or signature was right.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Hex signatures compare without regard to case.
    static func sameSignature(_ a: String, _ b: String) -> Bool {
        constantTimeEquals(a.lowercased(), b.lowercased())
    }

    /// Reads `20250609T104807Z` (`compact`) or `2025-06-09T10:48:07Z` exactly, UTC only.
    static func parseTimestamp(_ text: String, compact: Bool) -> Date? {
        if compact { return Timestamp.parseCompact(text) }
        return Timestamp.parse(text).flatMap { Timestamp.format($0) == text ? $0 : nil }
    }
}

/// The checks every gateway runs after reading its `Authorization` header, in the order the
/// clouds run them, so each verifier states only its vendor's rules.
struct GatewayChecks {
    let cloud: String
    let request: GatewayRequest

    /// The names that must be among the signed ones: those `always` required, and each of
    /// `whenSent` (or any header starting with one of `prefixes`) that the request carries.
    func missingSignedHeader(
        signed: [String], always: [String], whenSent: [String] = [], prefixes: [String] = []
    ) -> String? {
        let signedSet = Set(signed)
        let sent = request.headerNames
        var required = always
        required += whenSent.filter { sent.contains($0) }
        required += sent.filter { name in prefixes.contains { name.hasPrefix($0) } }.sorted()
        if let missing = required.first(where: { !signedSet.contains($0) }) { return missing }
        // A signed header must also have been sent: signing a header that is not there is how a
        // stripped header would go unnoticed.
        return signed.first { !sent.contains($0) }
    }

    /// Whether a signed time is within `maxSkew` seconds of the gateway's clock, either way.
    static func isFresh(_ signedAt: Date, now: Date, maxSkew: TimeInterval) -> Bool {
        abs(now.timeIntervalSince(signedAt)) <= maxSkew
    }
}
