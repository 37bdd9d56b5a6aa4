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
    func resolve(flags: [ConfigKey: TOMLValue], environment: [String: String]) throws -> EffectiveConfig {
        let located = ConfigFile.locate(
            explicit: configFile, environment: environment, currentDirectory: FileManager.default.currentDirectoryPath)
        let file = try located.map { try ConfigFile.load($0.path, foundBy: $0.foundBy) }
        return EffectiveConfig(file: file, flags: flags, environment: environment)
    }

    /// Archive and manifests folders for the read-only commands (`status`, `report`).
    func storePaths(_ store: StoreOptions, arguments: [String] = CommandLine.arguments) throws -> StoreOptions {
        let given = GivenFlags(arguments)
        var flags: [ConfigKey: TOMLValue] = [:]
        if given.contains("--archive") { flags[.archive] = .string(store.archive) }
        if given.contains("--manifests") { flags[.manifests] = .string(store.manifests) }
        let config = try resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
        var resolved = store
        resolved.archive = config.string(.archive) ?? store.archive
        resolved.manifests = config.string(.manifests) ?? store.manifests
        return resolved
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

extension RunCommand {
    /// What this command line set explicitly, as settings.
    func explicitFlags(in arguments: [String]) -> [ConfigKey: TOMLValue] {
        let given = GivenFlags(arguments)
        var flags: [ConfigKey: TOMLValue] = [:]
        if given.contains("--archive") { flags[.archive] = .string(store.archive) }
        if given.contains("--manifests") { flags[.manifests] = .string(store.manifests) }
        if given.contains("--concurrency") { flags[.concurrency] = .integer(concurrency) }
        if given.contains("--overlap") { flags[.overlap] = .string(overlap.text) }
        if given.contains("--pending-max-age") { flags[.pendingMaxAge] = .string(pendingMaxAge.text) }
        if given.contains("--owed-max-age") { flags[.owedMaxAge] = .string(owedMaxAge.text) }
        if let endpoint = api.endpoint { flags[.endpoint] = .string(endpoint) }
        if let region = api.region { flags[.region] = .string(region) }
        if let projectID = api.projectID { flags[.projectID] = .string(projectID) }
        if let tokenFile = api.tokenFile { flags[.tokenFile] = .string(tokenFile) }
        if !api.allowHosts.isEmpty { flags[.allowHosts] = .strings(api.allowHosts) }
        if api.allowHTTP { flags[.allowHTTP] = .boolean(true) }
        if let metricsFile = ops.metricsFile { flags[.metricsFile] = .string(metricsFile) }
        if let waitLock = ops.waitLock { flags[.waitLock] = .string(waitLock.text) }
        return flags
    }

    /// This command with the settings in force filled in.
    func applying(_ config: EffectiveConfig) throws -> RunCommand {
        var command = self
        command.store.archive = config.string(.archive) ?? store.archive
        command.store.manifests = config.string(.manifests) ?? store.manifests
        command.concurrency = config.integer(.concurrency) ?? concurrency
        command.overlap = try config.string(.overlap).map { try DurationArgument.setting($0, key: "overlap") } ?? overlap
        command.pendingMaxAge = try config.string(.pendingMaxAge).map { try DurationArgument.setting($0, key: "pending_max_age") } ?? pendingMaxAge
        command.owedMaxAge = try config.string(.owedMaxAge).map { try DurationArgument.setting($0, key: "owed_max_age") } ?? owedMaxAge
        (command.api.endpoint, command.api.region) = try EndpointChoice.pick(config)
        command.api.projectID = config.string(.projectID)
        command.api.tokenFile = config.string(.tokenFile)
        command.api.allowHosts = config.strings(.allowHosts)
        command.api.allowHTTP = config.boolean(.allowHTTP)
        command.ops.metricsFile = config.string(.metricsFile)
        command.ops.waitLock = try config.string(.waitLock).map { try DurationArgument.setting($0, key: "wait_lock") }
        return command
    }
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
                .configuration, "both endpoint (\(config[.endpoint].source)) and region (\(config[.region].source)) are set: keep one")
        }
        return e > r ? (endpoint, nil) : (nil, region)
    }
}
