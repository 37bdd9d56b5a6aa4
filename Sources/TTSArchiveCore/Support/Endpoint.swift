import Foundation

/// An API endpoint (`https://metastudio.cn-north-4.myhuaweicloud.com`), checked once.
///
/// Plain `http` is accepted only for loopback hosts (the simulator) unless explicitly allowed.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int?
    /// Plain http was accepted for this endpoint (loopback, or `--allow-http`).
    public let allowsPlainHTTP: Bool

    /// Parses and checks `url`; `allowHTTP` lifts the loopback-only rule for `http`.
    public init(_ url: String, allowHTTP: Bool = false) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            throw TTSArchiveError(.configuration, "'\(Redaction.url(url))' is not an endpoint URL", fix: "give https://HOST[:PORT]")
        }
        guard scheme == "https" || scheme == "http" else {
            throw TTSArchiveError(.configuration, "endpoint scheme '\(scheme)' is not supported", fix: "use https")
        }
        if scheme == "http" && !Self.isLoopback(host) && !allowHTTP {
            throw TTSArchiveError(.configuration, "refusing plain http", path: host, fix: "only loopback hosts may use http unless --allow-http")
        }
        if components.query != nil || components.user != nil {
            throw TTSArchiveError(.configuration, "an endpoint takes no query string or user info", fix: "give https://HOST[:PORT]")
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = components.port
        self.allowsPlainHTTP = scheme == "http"
    }

    /// `https://metastudio.<region>.myhuaweicloud.com`.
    public static func metaStudio(region: String) throws -> Endpoint {
        guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw TTSArchiveError(.configuration, "'\(region)' is not a region name", fix: "give a region like cn-north-4")
        }
        return try Endpoint("https://metastudio.\(region).myhuaweicloud.com")
    }

    /// The `Host` header: host, and `:port` when it is not the scheme's default.
    public var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443) && !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }

    /// `scheme://host[:port]`.
    public var description: String { "\(scheme)://\(hostHeader)" }

    /// Exactly: an IPv4 literal in 127.0.0.0/8 (four decimal octets), the IPv6 literal ::1, or
    /// `localhost` (which curl answers with loopback itself, without asking DNS). A name that
    /// merely starts with `127.` (`127.0.0.1.attacker.example`) is a DNS name like any other.
    public static func isLoopback(_ host: String) -> Bool {
        var h = host.lowercased()
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        let values = octets.map { octet -> Int? in
            guard (1...3).contains(octet.count), octet.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(octet).flatMap { $0 <= 255 ? $0 : nil }
        }
        return values.allSatisfy { $0 != nil } && values[0] == 127
    }
}

import TTSNative
