import Foundation

/// How requests to MetaStudio authenticate: AK/SK signing or an IAM token. Never from argv.
public enum HuaweiCredentials: Sendable {
    case accessKey(id: String, secret: String)
    case token(String)

    /// The secret strings (never to be written anywhere), for scrubbing.
    public var secrets: [String] {
        switch self {
        case .accessKey(_, let secret): return [secret]
        case .token(let token): return [token]
        }
    }

    /// Reads credentials the way the SDK does: `HUAWEICLOUD_SDK_AK`/`_SK` (or `CLOUD_SDK_AK`/`_SK`),
    /// else a token from `TTSARCHIVE_AUTH_TOKEN` or `tokenFile` (which must be private to its owner).
    /// A half-set pair is an error naming the missing variable.
    public static func load(environment: [String: String], tokenFile: String?) throws -> HuaweiCredentials {
        func value(_ names: [String]) -> (String, String)? {
            for name in names { if let v = environment[name], !v.isEmpty { return (name, v) } }
            return nil
        }
        let ak = value(["HUAWEICLOUD_SDK_AK", "CLOUD_SDK_AK"])
        let sk = value(["HUAWEICLOUD_SDK_SK", "CLOUD_SDK_SK"])
        switch (ak, sk) {
        case let ((_, ak)?, (_, sk)?):
            return .accessKey(id: ak, secret: sk)
        case let ((name, _)?, nil):
            let missing = name.hasPrefix("CLOUD_") ? "CLOUD_SDK_SK" : "HUAWEICLOUD_SDK_SK"
            throw TTSArchiveError(.configuration, "\(missing) is not set, but \(name) is", fix: "set both, or neither and use a token")
        case let (nil, (name, _)?):
            let missing = name.hasPrefix("CLOUD_") ? "CLOUD_SDK_AK" : "HUAWEICLOUD_SDK_AK"
            throw TTSArchiveError(.configuration, "\(missing) is not set, but \(name) is", fix: "set both, or neither and use a token")
        case (nil, nil):
            break
        }
        if let tokenFile {
            return .token(try SecretFile.read(tokenFile, what: "token file"))
        }
        if let token = environment["TTSARCHIVE_AUTH_TOKEN"], !token.isEmpty { return .token(token) }
        throw TTSArchiveError(
            .configuration,
            "no MetaStudio credentials", fix: "set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or TTSARCHIVE_AUTH_TOKEN, or pass --token-file")
    }

    /// The project id from `HUAWEICLOUD_SDK_PROJECT_ID`, unless given explicitly.
    public static func projectID(explicit: String?, environment: [String: String]) throws -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let id = environment["HUAWEICLOUD_SDK_PROJECT_ID"], !id.isEmpty { return id }
        throw TTSArchiveError(.configuration, "HUAWEICLOUD_SDK_PROJECT_ID is not set", fix: "set it, or project_id in ttsarchive.toml, or pass --project-id")
    }
}

/// Reads a secret from a file that only its owner may read, as ssh insists for private keys.
public enum SecretFile {
    /// The file's content without surrounding white space.
    public static func read(_ path: String, what: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw TTSArchiveError(.configuration, "cannot read \(what)", path: path, fix: "\(String(cString: strerror(errno))); check the path") }
        if info.st_mode & 0o077 != 0 {
            throw TTSArchiveError(
                .configuration,
                "\(what) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8)))", path: path, fix: "chmod 600 it")
        }
        if info.st_uid != geteuid() && geteuid() != 0 {
            throw TTSArchiveError(.configuration, "\(what) belongs to uid \(info.st_uid), not to the user running ttsarchive", path: path, fix: "chown it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TTSArchiveError(.configuration, "cannot read \(what)", path: path, fix: "make it readable by its owner")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { throw TTSArchiveError(.configuration, "\(what) is empty", path: path, fix: "write the token into it") }
        return text
    }
}
