import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A credentials file in the environment-file format systemd's `EnvironmentFile=` also reads:
/// `KEY=VALUE` lines (optionally `export KEY=VALUE`, values optionally quoted), `#` comments.
/// Like ssh with a private key, it is refused unless only its owner (the user running
/// ttsarchive) can read it. Values are secrets: they never appear in an error.
public struct CredentialsFile: Sendable {
    /// The variables such a file may set.
    public static let knownVariables: Set<String> = [
        "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "CLOUD_SDK_AK", "CLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID",
        "TTSARCHIVE_AUTH_TOKEN", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN", "VOLC_ACCESSKEY", "VOLC_SECRETKEY",
    ]

    /// Variables whose values are secret (masked by `config check`); the rest are identifiers.
    public static let secretVariables: Set<String> = [
        "HUAWEICLOUD_SDK_SK", "CLOUD_SDK_SK", "TTSARCHIVE_AUTH_TOKEN", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN", "VOLC_SECRETKEY",
    ]

    public let path: String
    public let variables: [String: String]

    /// Reads `path` after checking who may read it.
    public static func load(_ path: String) throws(ConfigError) -> CredentialsFile {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConfigError(.unreadable(path: path, detail: String(cString: strerror(errno))))
        }
        if info.st_mode & 0o077 != 0 {
            throw ConfigError(.exposedCredentials(path: path, mode: String(info.st_mode & 0o777, radix: 8)))
        }
        if info.st_uid != geteuid() && geteuid() != 0 {
            throw ConfigError(.foreignOwner(path: path, owner: info.st_uid))
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(.unreadable(path: path, detail: "cannot be read as UTF-8 text"))
        }
        return CredentialsFile(path: path, variables: try parse(text, path: path))
    }

    /// Parses the environment-file lines.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> [String: String] {
        var variables: [String: String] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigError(.credentialsSyntax(path: path, line: lineNumber, detail: "expected KEY=VALUE"))
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard knownVariables.contains(name) else {
                // Not even the name: on a malformed line the text before '=' may be the secret
                // itself (a base64 key ending in "=="). The file and line number say where to look.
                throw ConfigError(
                    .credentialsSyntax(
                        path: path, line: lineNumber,
                        detail: "not one of the known variables (\(knownVariables.sorted().joined(separator: ", ")))"))
            }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            guard variables[name] == nil else {
                throw ConfigError(.credentialsSyntax(path: path, line: lineNumber, detail: "\(name) is set twice"))
            }
            variables[name] = value
        }
        return variables
    }

    /// `environment` with this file's variables added where the environment does not set them
    /// (what the process was started with wins, as for every other setting given explicitly).
    public func merged(into environment: [String: String]) -> [String: String] {
        var result = environment
        for (name, value) in variables where environment[name]?.isEmpty ?? true { result[name] = value }
        return result
    }
}

/// How `config check` shows a secret: never its value.
public enum SecretMask {
    /// `********` for a secret; for an identifier such as an access key id, its first four
    /// characters and a mask, so one can tell which key is configured.
    public static func mask(_ value: String, isSecret: Bool) -> String {
        if isSecret || value.count < 12 { return "******** (set)" }
        return String(value.prefix(4)) + "********"
    }
}
