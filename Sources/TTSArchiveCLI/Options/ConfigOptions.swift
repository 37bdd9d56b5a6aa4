import ArgumentParser
import Foundation
import Logging
import TTSArchiveCore
import TTSNative

/// `--config FILE`: the settings file (else `$TTSARCHIVE_CONFIG`, else `./ttsarchive.toml`).
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("Settings file (default: $TTSARCHIVE_CONFIG, else ./ttsarchive.toml if present).", valueName: "file"))
    var configFile: String?

    /// The settings in force: `flags` (only those given explicitly) over the file over defaults.
    func resolve(flags: [ConfigKey: SettingValue], environment: [String: String]) throws -> EffectiveConfig {
        let located = ConfigFile.locate(
            explicit: configFile, environment: environment, currentDirectory: FileManager.default.currentDirectoryPath)
        let file = try located.map { try ConfigFile.load($0.path, foundBy: $0.foundBy) }
        return EffectiveConfig(file: file, flags: flags, environment: environment)
    }
}

/// `run`'s one-at-a-time and monitoring flags, and its settings file.
struct RunOpsOptions: ParsableArguments {
    @OptionGroup var config: ConfigOptions

    @Option(
        name: .customLong("wait-lock"),
        help: ArgumentHelp(
            "If another run holds the archive, wait this long for it (e.g. 30m) before giving up with exit 4.", valueName: "duration"))
    var waitLock: DurationArgument?

    @Flag(name: .customLong("break-lock"), help: "Replace a lock held by another host (only when that host is known to be down).")
    var breakLock = false

    @Option(
        name: .customLong("metrics-file"),
        help: ArgumentHelp(
            "Write Prometheus metrics here at the end of the run (node_exporter textfile collector: NAME.prom).", valueName: "path"))
    var metricsFile: String?

    func validate() throws {
        if let metricsFile, metricsFile.isEmpty { throw ValidationError("--metrics-file needs a path") }
    }

    /// Seconds to wait for the lock.
    var waitSeconds: TimeInterval { waitLock?.seconds ?? 0 }
}

extension RunOpsOptions: SettingsGroup {
    func explicitSettings(_ given: GivenFlags) -> [ConfigKey: SettingValue] {
        var flags: [ConfigKey: SettingValue] = [:]
        if let metricsFile { flags[.metricsFile] = .string(metricsFile) }
        if let waitLock { flags[.waitLock] = .string(waitLock.text) }
        return flags
    }

    mutating func apply(_ config: EffectiveConfig) throws {
        metricsFile = config.string(.metricsFile)
        waitLock = try config.string(.waitLock).map { try DurationArgument.setting($0, key: "wait_lock") }
    }
}

/// Long flags present on a command line, to tell a flag given with its default value (which
/// must win over the file) from one not given at all: the parsed values cannot tell.
struct GivenFlags {
    private var names: Set<String> = []

    init(_ arguments: [String]) {
        for argument in arguments.dropFirst() {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            names.insert(String(argument.split(separator: "=", maxSplits: 1)[0]))
        }
    }

    func contains(_ flag: String) -> Bool { names.contains(flag) }
}

/// `endpoint` and `region` name the same thing: the stronger source wins; two at the same
/// level conflict.
enum EndpointChoice {
    static func rank(_ source: ConfigSource) -> Int {
        switch source {
        case .flag: return 3
        case .environment, .credentialsFile: return 2
        case .file: return 1
        case .builtIn, .unset: return 0
        }
    }

    static func pick(_ config: EffectiveConfig) throws -> (endpoint: String?, region: String?) {
        let endpoint = config.string(.endpoint), region = config.string(.region)
        guard endpoint != nil, region != nil else { return (endpoint, region) }
        let e = rank(config[.endpoint].source), r = rank(config[.region].source)
        if e == r {
            throw TTSArchiveError(
                .configuration, "both endpoint (\(config[.endpoint].source)) and region (\(config[.region].source)) are set", fix: "keep one")
        }
        return e > r ? (endpoint, nil) : (nil, region)
    }
}
