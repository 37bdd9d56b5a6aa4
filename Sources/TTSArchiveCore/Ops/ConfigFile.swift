import Foundation

/// Why a configuration or credentials file was refused. Never carries a secret's value.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible, ExitCoded {
    /// What is wrong, where.
    public enum Code: Sendable, Equatable {
        case unreadable(path: String, detail: String)
        case syntax(path: String, ConfigSyntaxError)
        case unknownKey(path: String, line: Int, key: String)
        case secret(path: String, line: Int, key: String)
        case wrongType(path: String, line: Int, key: String, expected: String, found: String)
        case badValue(path: String, line: Int, key: String, detail: String)
        /// A credentials file others may read (ssh refuses such keys too).
        case exposedCredentials(path: String, mode: String)
        case foreignOwner(path: String, owner: UInt32)
        case credentialsSyntax(path: String, line: Int, detail: String)
        /// A settings file someone else could have written (ssh refuses such a config too).
        case unsafeConfig(path: String, detail: String)
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    /// Exit 2: a configuration error.
    public var exitCode: Int32 { ExitClass.usage.code }

    public var description: String {
        switch code {
        case .unreadable(let path, let detail):
            return "cannot read \(path): \(detail)"
        case .syntax(let path, let error):
            return "\(path):\(error.line):\(error.column): \(error.detail)"
        case .unknownKey(let path, let line, let key):
            return "\(Self.at(path, line)): unknown setting \(key) (known: \(ConfigKey.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .secret(let path, let line, let key):
            return
                "\(Self.at(path, line)): \(key) looks like a secret, and ttsarchive.toml holds none: put it in the environment or in the file named by credentials_file (mode 600)"
        case .wrongType(let path, let line, let key, let expected, let found):
            return "\(Self.at(path, line)): \(key) must be \(expected), not \(found)"
        case .badValue(let path, let line, let key, let detail):
            return "\(Self.at(path, line)): \(key): \(detail)"
        case .exposedCredentials(let path, let mode):
            return "credentials file \(path) is readable by group or others (mode \(mode)): chmod 600 it"
        case .foreignOwner(let path, let owner):
            return "credentials file \(path) belongs to uid \(owner), not to the user running ttsarchive: chown it"
        case .credentialsSyntax(let path, let line, let detail):
            return "\(path):\(line): \(detail)"
        case .unsafeConfig(let path, let detail):
            return "settings file \(path) \(detail): it names the archive, the endpoint and the credentials file, so only its owner may change it"
        }
    }

    /// `path:line`, or the path alone when the line is not known.
    private static func at(_ path: String, _ line: Int) -> String { line > 0 ? "\(path):\(line)" : path }
}

/// `ttsarchive.toml`, parsed and checked against the known settings.
public struct ConfigFile: Sendable {
    /// The file's path as found.
    public let path: String
    /// How it was found: `--config`, `$TTSARCHIVE_CONFIG` or `./ttsarchive.toml`.
    public let foundBy: String
    /// The settings it holds, relative paths already made absolute from the file's folder.
    public let entries: [ConfigKey: SettingEntry]

    /// Parses and checks `text` as the file at `path`.
    public init(text: String, path: String, foundBy: String = "--config") throws(ConfigError) {
        self.path = path
        self.foundBy = foundBy
        let raw: [String: SettingEntry]
        do {
            raw = try ConfigDocument.parse(text)
        } catch {
            throw ConfigError(.syntax(path: path, error))
        }
        let folder = (Self.absolute(path, from: FileManager.default.currentDirectoryPath) as NSString).deletingLastPathComponent
        var entries: [ConfigKey: SettingEntry] = [:]
        // In line order, so the first problem in the file is the one reported.
        for (name, entry) in raw.sorted(by: { $0.value.line < $1.value.line }) {
            if ConfigKey.looksSecret(name) { throw ConfigError(.secret(path: path, line: entry.line, key: name)) }
            guard let key = ConfigKey(rawValue: name) else { throw ConfigError(.unknownKey(path: path, line: entry.line, key: name)) }
            entries[key] = SettingEntry(value: try Self.check(entry, key: key, path: path, folder: folder), line: entry.line)
        }
        self.entries = entries
    }

    /// Reads and checks the file at `path`.
    public static func load(_ path: String, foundBy: String = "--config") throws(ConfigError) -> ConfigFile {
        try checkOwnership(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(
                .unreadable(path: path, detail: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"))
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError(.unreadable(path: path, detail: "not UTF-8 text")) }
        return try ConfigFile(text: text, path: path, foundBy: foundBy)
    }

    /// Refuses a file that is group- or world-writable or owned by someone other than the
    /// user running ttsarchive (or root), as ssh does for `~/.ssh/config`: `./ttsarchive.toml`
    /// is read from whatever directory cron starts in.
    static func checkOwnership(_ path: String) throws(ConfigError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // load() reports the missing file.
        if info.st_mode & 0o022 != 0 {
            throw ConfigError(
                .unsafeConfig(path: path, detail: "is writable by group or others (mode \(String(info.st_mode & 0o777, radix: 8)); chmod go-w it)"))
        }
        if info.st_uid != geteuid() && info.st_uid != 0 {
            throw ConfigError(.unsafeConfig(path: path, detail: "belongs to uid \(info.st_uid), not to the user running ttsarchive (chown it)"))
        }
    }

    /// Which file to use: `explicit` (`--config`), else `$TTSARCHIVE_CONFIG`, else
    /// `./ttsarchive.toml` when it exists. Nil when there is none (defaults and flags only).
    public static func locate(explicit: String?, environment: [String: String], currentDirectory: String) -> (
        path: String, foundBy: String
    )? {
        if let explicit, !explicit.isEmpty { return (explicit, "--config") }
        if let fromEnvironment = environment["TTSARCHIVE_CONFIG"], !fromEnvironment.isEmpty {
            return (fromEnvironment, "$TTSARCHIVE_CONFIG")
        }
        let local = currentDirectory + "/ttsarchive.toml"
        return FileManager.default.fileExists(atPath: local) ? (local, "./ttsarchive.toml") : nil
    }

    /// `path` made absolute against `base`.
    public static func absolute(_ path: String, from base: String) -> String {
        path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    }

    private static func check(_ entry: SettingEntry, key: ConfigKey, path: String, folder: String) throws(ConfigError) -> SettingValue {
        func wrongType(_ expected: String) -> ConfigError {
            ConfigError(.wrongType(path: path, line: entry.line, key: key.rawValue, expected: expected, found: entry.value.typeName))
        }
        func bad(_ detail: String) -> ConfigError {
            ConfigError(.badValue(path: path, line: entry.line, key: key.rawValue, detail: detail))
        }
        switch (key.kind, entry.value) {
        case (.string, .string(let s)):
            guard !s.isEmpty else { throw bad("must not be empty") }
            return entry.value
        case (.path, .string(let s)):
            guard !s.isEmpty else { throw bad("must not be empty") }
            return .string(absolute(s, from: folder))
        case (.url, .string(let s)):
            guard let url = URL(string: s), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw bad("'\(s)' is not an http(s) URL")
            }
            return entry.value
        case (.positiveInteger, .integer(let n)):
            guard (1...256).contains(n) else { throw bad("must be 1…256") }
            return entry.value
        case (.duration, .string(let s)):
            guard DurationText.seconds(s) != nil else { throw bad("'\(s)' is not a duration (e.g. 90s, 15m, 2h, 7d)") }
            return entry.value
        case (.duration, .integer(let n)):
            guard n >= 0 else { throw bad("must not be negative") }
            return .string("\(n)s")
        case (.boolean, .boolean):
            return entry.value
        case (.strings, .strings(let list)):
            if key == .inventoryClouds, let unknown = list.first(where: { !ConfigKey.clouds.contains($0) }) {
                throw bad("unknown cloud '\(unknown)' (known: huawei, alibaba, volcengine)")
            }
            return entry.value
        case (.string, _), (.path, _), (.url, _): throw wrongType("a string")
        case (.positiveInteger, _): throw wrongType("an integer")
        case (.duration, _): throw wrongType("a duration string such as \"15m\" (or seconds)")
        case (.boolean, _): throw wrongType("true or false")
        case (.strings, _): throw wrongType("an array of strings")
        }
    }
}
