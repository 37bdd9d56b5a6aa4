import Foundation

/// A setting `ttsarchive.toml` may hold, with its TOML name, type and default.
public enum ConfigKey: String, CaseIterable, Sendable, Codable, Comparable {
    case endpoint, region
    case projectID = "project_id"
    case archive, manifests, concurrency, overlap
    case pendingMaxAge = "pending_max_age"
    case owedMaxAge = "owed_max_age"
    case allowHosts = "allow_hosts"
    case allowHTTP = "allow_http"
    case metricsFile = "metrics_file"
    case waitLock = "wait_lock"
    case credentialsFile = "credentials_file"
    case tokenFile = "token_file"
    case inventoryClouds = "inventory.clouds"
    case alibabaEndpoint = "inventory.alibaba_endpoint"
    case alibabaRegion = "inventory.alibaba_region"
    case volcengineEndpoint = "inventory.volcengine_endpoint"
    case volcengineRegion = "inventory.volcengine_region"

    /// How a value is checked.
    public enum Kind: Sendable {
        case string
        /// A file or folder; relative ones in the file are taken from the file's folder.
        case path
        case url
        case positiveInteger
        /// `15m`, `7d`, `90s`, or an integer of seconds.
        case duration
        case boolean
        case strings
    }

    public var kind: Kind {
        switch self {
        case .endpoint, .alibabaEndpoint, .volcengineEndpoint: return .url
        case .region, .projectID, .alibabaRegion, .volcengineRegion: return .string
        case .archive, .manifests, .metricsFile, .credentialsFile, .tokenFile: return .path
        case .concurrency: return .positiveInteger
        case .overlap, .pendingMaxAge, .owedMaxAge, .waitLock: return .duration
        case .allowHTTP: return .boolean
        case .allowHosts, .inventoryClouds: return .strings
        }
    }

    /// The built-in default, when there is one (the same as the flags').
    public var defaultValue: SettingValue? {
        switch self {
        case .archive: return .string("archive")
        case .manifests: return .string("manifests")
        case .concurrency: return .integer(8)
        case .overlap: return .string("15m")
        case .pendingMaxAge: return .string("7d")
        case .owedMaxAge: return .string("30d")
        case .waitLock: return .string("0s")
        case .allowHTTP: return .boolean(false)
        case .allowHosts: return .strings([])
        case .inventoryClouds: return .strings(["huawei", "alibaba", "volcengine"])
        default: return nil
        }
    }

    /// The command-line flag that overrides it, if any.
    public var flag: String? {
        switch self {
        case .endpoint: return "--endpoint"
        case .region: return "--region"
        case .projectID: return "--project-id"
        case .archive: return "--archive"
        case .manifests: return "--manifests"
        case .concurrency: return "--concurrency"
        case .overlap: return "--overlap"
        case .pendingMaxAge: return "--pending-max-age"
        case .owedMaxAge: return "--owed-max-age"
        case .allowHosts: return "--allow-host"
        case .allowHTTP: return "--allow-http"
        case .metricsFile: return "--metrics-file"
        case .waitLock: return "--wait-lock"
        case .tokenFile: return "--token-file"
        case .alibabaEndpoint: return "--alibaba-endpoint"
        case .volcengineEndpoint: return "--volcengine-endpoint"
        case .alibabaRegion: return "--alibaba-region"
        case .volcengineRegion: return "--volcengine-region"
        case .credentialsFile, .inventoryClouds: return nil
        }
    }

    /// The environment variable that sets it, if any (read between the flag and the file).
    public var environmentVariable: String? {
        switch self {
        case .projectID: return "HUAWEICLOUD_SDK_PROJECT_ID"
        // One archive for every command of a shell session or a unit, without a file.
        case .archive: return "TTSARCHIVE_ARCHIVE"
        case .manifests: return "TTSARCHIVE_MANIFESTS"
        default: return nil
        }
    }

    /// Clouds `inventory.clouds` may name.
    public static let clouds: Set<String> = ["huawei", "alibaba", "volcengine"]

    public static func < (a: ConfigKey, b: ConfigKey) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// True for names that look like they would hold a secret. Paths to secrets (`*_file`) are fine.
    public static func looksSecret(_ name: String) -> Bool {
        let key = name.split(separator: ".").last.map(String.init)?.lowercased() ?? name.lowercased()
        if key.hasSuffix("_file") || key.hasSuffix("_path") { return false }
        let exact: Set<String> = [
            "ak", "sk", "key", "token", "access_key", "access_key_id", "secret_key", "api_key", "apikey", "credentials", "auth",
        ]
        if exact.contains(key) { return true }
        let fragments = ["secret", "password", "passwd", "token", "private_key", "access_key", "accesskey", "secretkey"]
        if fragments.contains(where: key.contains) { return true }
        return key.hasSuffix("_sk") || key.hasSuffix("_ak") || key.hasPrefix("sk_") || key.hasPrefix("ak_")
    }
}

/// A duration as the flags write it: `90`, `90s`, `15m`, `2h`, `7d`, at most ``maximum``.
public enum DurationText {
    /// 100 years: longer is a typo, and would overflow the integer seconds and dates built from it.
    public static let maximum: TimeInterval = 100 * 365 * 86400

    /// Seconds, or nil when `text` is not a duration (or longer than ``maximum``).
    public static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var number = Substring(text), factor = 1.0
        if let last = text.last, let unit = units[last] {
            number = number.dropLast()
            factor = unit
        }
        // Digits and one point only: Double() also takes "inf", "nan", hex floats and exponents.
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let n = Double(number) else { return nil }
        let seconds = n * factor
        return seconds.isFinite && seconds <= maximum ? seconds : nil
    }
}
