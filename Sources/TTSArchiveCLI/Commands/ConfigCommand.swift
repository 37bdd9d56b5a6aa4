import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive config`: the settings file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect the settings (ttsarchive.toml, flags, environment, credentials file).",
        subcommands: [ConfigCheckCommand.self]
    )
}

/// `ttsarchive config check`: the settings `run` would use, where each came from, secrets masked.
struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Print the effective configuration, where each value came from, and what would stop a run.",
        discussion: """
            Precedence: a flag, else the environment (HUAWEICLOUD_SDK_PROJECT_ID for project_id), else the \
            settings file, else the default. Takes the same setting flags as `run`. Secrets are never printed: \
            an access key id shows its first four characters, a secret only that it is set. Exit 2 when \
            something would stop `run` (no endpoint, no credentials, an unsafe credentials file).
            """
    )

    @OptionGroup var config: ConfigOptions
    @Option var archive: String?
    @Option var manifests: String?
    @Option var endpoint: String?
    @Option var region: String?
    @Option(name: .customLong("project-id")) var projectID: String?
    @Option(name: .customLong("token-file")) var tokenFile: String?
    @Option(name: .customLong("allow-host")) var allowHosts: [String] = []
    @Flag(name: .customLong("allow-http")) var allowHTTP = false
    @Option var concurrency: Int?
    @Option var overlap: String?
    @Option(name: .customLong("pending-max-age")) var pendingMaxAge: String?
    @Option(name: .customLong("owed-max-age")) var owedMaxAge: String?
    @Option(name: .customLong("metrics-file")) var metricsFile: String?
    @Option(name: .customLong("wait-lock")) var waitLock: String?
    @Flag(help: "Print the configuration as JSON on stdout.") var json = false

    /// The flags given, as settings.
    var flags: [ConfigKey: TOMLValue] {
        var flags: [ConfigKey: TOMLValue] = [:]
        let strings: [(ConfigKey, String?)] = [
            (.archive, archive), (.manifests, manifests), (.endpoint, endpoint), (.region, region), (.projectID, projectID),
            (.tokenFile, tokenFile), (.overlap, overlap), (.pendingMaxAge, pendingMaxAge), (.owedMaxAge, owedMaxAge), (.metricsFile, metricsFile),
            (.waitLock, waitLock),
        ]
        for case let (key, value?) in strings { flags[key] = .string(value) }
        if let concurrency { flags[.concurrency] = .integer(concurrency) }
        if !allowHosts.isEmpty { flags[.allowHosts] = .strings(allowHosts) }
        if allowHTTP { flags[.allowHTTP] = .boolean(true) }
        return flags
    }

    func run() async throws {
        try await mappingErrors {
            let environment = ProcessInfo.processInfo.environment
            let effective = try config.resolve(flags: flags, environment: environment)
            let lines = try effective.lines(environment: environment)
            let problems = try Self.problems(effective, environment: environment)
            if json {
                let object: [String: Any] = [
                    "config_file": effective.file?.path ?? NSNull(), "found_by": effective.file?.foundBy ?? NSNull(),
                    "settings": lines.map { ["key": $0.key, "value": $0.value ?? NSNull(), "source": $0.source] as [String: Any] },
                    "problems": problems,
                ]
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
                Console.json(String(decoding: data, as: UTF8.self))
            } else {
                Console.out("config file: " + (effective.file.map { "\($0.path) (found by \($0.foundBy))" } ?? "none (flags and defaults only)"))
                let width = (lines.map(\.key.count).max() ?? 10) + 2
                let valueWidth = min(60, (lines.map { ($0.value ?? "-").count }.max() ?? 10) + 2)
                for line in lines {
                    let value = line.value ?? "-"
                    Console.out(
                        line.key.padding(toLength: width, withPad: " ", startingAt: 0)
                            + value.padding(toLength: max(valueWidth, value.count + 2), withPad: " ", startingAt: 0) + line.source)
                }
                Console.out(
                    problems.isEmpty
                        ? "ok: `ttsarchive run` would start with these settings" : problems.map { "problem: \($0)" }.joined(separator: "\n")
                )
            }
            if !problems.isEmpty { throw ExitCode(ExitStatus.usage) }
        }
    }

    /// What would stop `run`, in words (never with a secret).
    static func problems(_ config: EffectiveConfig, environment: [String: String]) throws -> [String] {
        var problems: [String] = []
        let merged = try config.credentialEnvironment(environment)
        do {
            let (endpoint, region) = try EndpointChoice.pick(config)
            if endpoint == nil && region == nil {
                problems.append("no MetaStudio endpoint: set endpoint or region (file) or pass --endpoint/--region")
            }
            if let endpoint { _ = try Endpoint(endpoint, allowHTTP: config.boolean(.allowHTTP)) }
            if let region { _ = try Endpoint.metaStudio(region: region) }
        } catch {
            problems.append("\(error)")
        }
        do {
            _ = try HuaweiCredentials.load(environment: merged, tokenFile: config.string(.tokenFile))
        } catch {
            problems.append("\(error)")
        }
        if config.string(.projectID) == nil && (merged["HUAWEICLOUD_SDK_PROJECT_ID"] ?? "").isEmpty {
            problems.append("no project id: set project_id, HUAWEICLOUD_SDK_PROJECT_ID, or pass --project-id")
        }
        do {
            try MetricsRecorder(path: config.string(.metricsFile), manifests: "").checkWritable()
        } catch {
            problems.append("\(error)")
        }
        return problems
    }
}
