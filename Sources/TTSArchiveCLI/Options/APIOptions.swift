import ArgumentParser
import Foundation
import TTSArchiveCore
import TTSNative

/// Where MetaStudio is and how to authenticate (credentials only from the environment or a file).
struct APIOptions: ParsableArguments {
    @Option(help: "MetaStudio endpoint URL (https://HOST[:PORT]).")
    var endpoint: String?

    @Option(help: "Huawei Cloud region; the endpoint becomes https://metastudio.REGION.myhuaweicloud.com.")
    var region: String?

    @Option(name: .customLong("project-id"), help: "Project id (default: $HUAWEICLOUD_SDK_PROJECT_ID).")
    var projectID: String?

    @Option(name: .customLong("token-file"), help: "A file holding an IAM token (mode 600), instead of AK/SK.")
    var tokenFile: String?

    @Option(name: .customLong("allow-host"), help: "Also download from HOST or HOST:PORT (repeatable).")
    var allowHosts: [String] = []

    @Flag(name: .customLong("allow-http"), help: "Permit plain http to non-loopback hosts.")
    var allowHTTP = false

    @Option(
        name: .customLong("transfer-timeout"),
        help: ArgumentHelp(
            "Give up on any one HTTP transfer (API call or download) after this long, e.g. 30m (default: run, 5m plus --max-file-size at 256 KiB/s; list, 5m).",
            valueName: "duration"))
    var transferTimeout: DurationArgument?

    /// The floor of every derived deadline: an API call or a small file, on a slow link.
    static let minimumTransferTime: TimeInterval = 300
    /// The slowest rate a whole transfer may average before its deadline.
    static let minimumRate: Double = 256 * 1024

    /// `--transfer-timeout`, else enough for a file of `largest` bytes at ``minimumRate``.
    func transferDeadline(largest: Int64?) -> TimeInterval {
        if let transferTimeout { return max(transferTimeout.seconds, 0.001) }
        return Self.derivedDeadline(largest: largest ?? 0)
    }

    /// ``minimumTransferTime`` plus `largest` bytes at ``minimumRate``.
    static func derivedDeadline(largest: Int64) -> TimeInterval {
        minimumTransferTime + Double(largest) / minimumRate
    }

    func validate() throws {
        if endpoint != nil && region != nil { throw ValidationError("give --endpoint or --region, not both") }
    }

    /// The endpoint: `--endpoint`, else `--region`; one of them is required.
    func resolvedEndpoint() throws -> Endpoint {
        if let endpoint { return try Endpoint(endpoint, allowHTTP: allowHTTP) }
        if let region { return try Endpoint.metaStudio(region: region) }
        throw TTSArchiveError(.configuration, "no MetaStudio endpoint", fix: "pass --endpoint URL or --region REGION, or set endpoint or region in ttsarchive.toml")
    }

    /// A client with credentials from `environment` (default: the process's) or the token file.
    func makeClient(
        engine: HTTPEngine, logger: Logging.Logger, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MetaStudioClient {
        let endpoint = try resolvedEndpoint()
        let credentials = try HuaweiCredentials.load(environment: environment, tokenFile: tokenFile)
        let project = try HuaweiCredentials.projectID(explicit: projectID, environment: environment)
        return MetaStudioClient(
            endpoint: endpoint, projectID: project, credentials: credentials,
            transport: APITransport(engine: engine, policy: .api, logger: logger))
    }
}

import Logging

/// `-v` and `--log-level`: logs go to stderr and never carry secrets or signed links.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "More detail on stderr (-v info, -vv debug).")
    var verbose: Int

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    /// A logger writing to stderr at the chosen level (the CLI is the only place that bootstraps).
    func makeLogger() -> Logger {
        let level: Logger.Level = logLevel.flatMap(Logger.Level.init(rawValue:)) ?? (verbose >= 2 ? .debug : verbose == 1 ? .info : .warning)
        var logger = Logger(label: "ttsarchive", factory: ConsoleLogHandler.init)
        logger.logLevel = level
        return logger
    }
}

extension APIOptions: SettingsGroup {
    func explicitSettings(_ given: GivenFlags) -> [ConfigKey: SettingValue] {
        var flags: [ConfigKey: SettingValue] = [:]
        if let endpoint { flags[.endpoint] = .string(endpoint) }
        if let region { flags[.region] = .string(region) }
        if let projectID { flags[.projectID] = .string(projectID) }
        if let tokenFile { flags[.tokenFile] = .string(tokenFile) }
        if !allowHosts.isEmpty { flags[.allowHosts] = .strings(allowHosts) }
        if allowHTTP { flags[.allowHTTP] = .boolean(true) }
        return flags
    }

    mutating func apply(_ config: EffectiveConfig) throws {
        (endpoint, region) = try EndpointChoice.pick(config)
        projectID = config.string(.projectID)
        tokenFile = config.string(.tokenFile)
        allowHosts = config.strings(.allowHosts)
        allowHTTP = config.boolean(.allowHTTP)
    }
}
