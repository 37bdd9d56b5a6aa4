import Foundation
import TTSNative

/// Which download links may be fetched: `https` to the API endpoint's own host, to Huawei
/// Cloud's OBS domains (`*.myhuaweicloud.com`) and to `--allow-host` entries; plain `http` only
/// to loopback hosts unless `--allow-http`. Anything else is refused before a byte is fetched.
public struct HostPolicy: Sendable {
    public let endpoint: Endpoint
    /// `host` or `host:port`, lower case.
    public let extraHosts: Set<String>
    public let allowHTTP: Bool
    public let defaultDomains: [String]

    public init(endpoint: Endpoint, extraHosts: [String], allowHTTP: Bool, defaultDomains: [String] = [".myhuaweicloud.com"]) {
        self.endpoint = endpoint
        self.extraHosts = Set(extraHosts.map { $0.lowercased() })
        self.allowHTTP = allowHTTP
        self.defaultDomains = defaultDomains
    }

    /// Why a link is refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var link: String
        public var reason: String
        public var description: String { "link \(link) refused: \(reason)" }
    }

    /// Checks a link; returns the parsed pieces or a refusal naming the link (without its query).
    public func check(_ link: String) -> Result<URLComponents, Refusal> {
        let redacted = Redaction.url(link)
        guard let components = URLComponents(string: link), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty
        else {
            return .failure(Refusal(link: redacted, reason: "not a valid URL"))
        }
        guard scheme == "https" || scheme == "http" else {
            return .failure(Refusal(link: redacted, reason: "scheme '\(scheme)' is not http(s)"))
        }
        if scheme == "http" && !Endpoint.isLoopback(host) && !allowHTTP {
            return .failure(Refusal(link: redacted, reason: "plain http to a non-loopback host (use --allow-http to permit)"))
        }
        if components.user != nil || components.password != nil {
            return .failure(Refusal(link: redacted, reason: "links with user info are not fetched"))
        }
        let port = components.port
        let hostPort = port.map { "\(host):\($0)" } ?? host
        let isEndpointHost = host == endpoint.host && (port ?? defaultPort(scheme)) == (endpoint.port ?? defaultPort(endpoint.scheme))
        let isDefaultDomain = scheme == "https" && defaultDomains.contains { host.hasSuffix($0) }
        let isExtra = extraHosts.contains(hostPort) || (port == nil && extraHosts.contains(host)) || extraHosts.contains(host)
        guard isEndpointHost || isDefaultDomain || isExtra else {
            return .failure(Refusal(link: redacted, reason: "host \(hostPort) is not allowed (add it with --allow-host \(hostPort))"))
        }
        return .success(components)
    }

    private func defaultPort(_ scheme: String) -> Int { scheme == "https" ? 443 : 80 }
}
