import Foundation

/// Where a setting's value came from.
public enum ConfigSource: Sendable, Hashable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case file(path: String, line: Int)
    case credentialsFile(String)
    case builtIn
    case unset

    public var description: String {
        switch self {
        case .flag(let name): return "flag \(name)"
        case .environment(let name): return "env \(name)"
        case .file(let path, let line): return "\(path):\(line)"
        case .credentialsFile(let path): return "credentials_file \(path)"
        case .builtIn: return "default"
        case .unset: return "not set"
        }
    }
}

/// One setting's value and its source.
public struct ConfigSetting: Sendable, Hashable {
    public var value: SettingValue?
    public var source: ConfigSource
}

/// What `config check` prints for one line: a value for people (secrets masked) and its source.
public struct ConfigLine: Sendable, Codable, Hashable {
    public var key: String
    public var value: String?
    public var source: String
}

/// The settings in force: each from the command line, else the environment
/// (``ConfigKey/environmentVariable``), else `ttsarchive.toml`, else the built-in default.
public struct EffectiveConfig: Sendable {
    public let file: ConfigFile?
    public let settings: [ConfigKey: ConfigSetting]

    /// Resolves every key. `flags` holds only what the command line set explicitly.
    public init(file: ConfigFile?, flags: [ConfigKey: SettingValue], environment: [String: String]) {
        self.file = file
        var settings: [ConfigKey: ConfigSetting] = [:]
        for key in ConfigKey.allCases {
            if let value = flags[key] {
                settings[key] = ConfigSetting(value: value, source: .flag(key.flag ?? key.rawValue))
            } else if let name = key.environmentVariable, let value = environment[name], !value.isEmpty {
                settings[key] = ConfigSetting(value: .string(value), source: .environment(name))
            } else if let file, let entry = file.entries[key] {
                settings[key] = ConfigSetting(value: entry.value, source: .file(path: file.path, line: entry.line))
            } else if let value = key.defaultValue {
                settings[key] = ConfigSetting(value: value, source: .builtIn)
            } else {
                settings[key] = ConfigSetting(value: nil, source: .unset)
            }
        }
        self.settings = settings
    }

    /// The setting (every key has one).
    public subscript(_ key: ConfigKey) -> ConfigSetting { settings[key] ?? ConfigSetting(value: nil, source: .unset) }

    public func string(_ key: ConfigKey) -> String? {
        if case .string(let s)? = self[key].value { return s }
        return nil
    }

    public func integer(_ key: ConfigKey) -> Int? {
        if case .integer(let n)? = self[key].value { return n }
        return nil
    }

    public func boolean(_ key: ConfigKey) -> Bool {
        if case .boolean(let b)? = self[key].value { return b }
        return false
    }

    public func strings(_ key: ConfigKey) -> [String] {
        if case .strings(let list)? = self[key].value { return list }
        return []
    }

    /// A duration setting in seconds.
    public func seconds(_ key: ConfigKey) -> TimeInterval? { string(key).flatMap(DurationText.seconds) }

    /// The credentials file named by `credentials_file`, checked (owner-only), or nil.
    public func credentialsFile() throws(ConfigError) -> CredentialsFile? {
        guard let path = string(.credentialsFile) else { return nil }
        return try CredentialsFile.load(path)
    }

    /// The environment the cloud clients should read: the process's, plus what the credentials
    /// file adds (the process's own variables win).
    public func credentialEnvironment(_ environment: [String: String]) throws(ConfigError) -> [String: String] {
        guard let file = try credentialsFile() else { return environment }
        return file.merged(into: environment)
    }

    /// The lines of `config check`: every setting, then every credential variable that is set
    /// (masked), each with its source.
    public func lines(environment: [String: String]) throws(ConfigError) -> [ConfigLine] {
        var lines = ConfigKey.allCases.map { key in
            ConfigLine(key: key.rawValue, value: self[key].value?.description, source: self[key].source.description)
        }
        let file = try credentialsFile()
        for name in CredentialsFile.knownVariables.sorted() {
            let secret = CredentialsFile.secretVariables.contains(name)
            if let value = environment[name], !value.isEmpty {
                lines.append(
                    ConfigLine(
                        key: name, value: SecretMask.mask(value, isSecret: secret), source: ConfigSource.environment(name).description))
            } else if let file, let value = file.variables[name] {
                lines.append(
                    ConfigLine(
                        key: name, value: SecretMask.mask(value, isSecret: secret),
                        source: ConfigSource.credentialsFile(file.path).description))
            }
        }
        return lines
    }
}
