import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive config`: the settings file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect the settings (ttsarchive.toml, flags, environment, credentials file).",
        subcommands: [ConfigShowCommand.self, ConfigCheckCommand.self]
    )
}

/// The settings flags of `run`, as `config show` and `config check` take them: the same
/// option groups, so a value `run` would refuse is refused here by the same parser.
struct RunSettingsOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var ops: RunOpsOptions
    @OptionGroup var tuning: RunTuningOptions
    @Flag(help: "Print the configuration as JSON on stdout.") var json = false
}

extension RunSettingsOptions: ConfiguredCommand {
    var config: ConfigOptions { ops.config }
    static var settingsGroups: [SettingsGroupPath<RunSettingsOptions>] {
        [.init(\.store), .init(\.api), .init(\.ops), .init(\.tuning)]
    }

    /// Prints every setting, its value and source (secrets masked), and `problems` after them;
    /// exit 2 when there are problems.
    func report(_ effective: EffectiveConfig, environment: [String: String], problems: [String]) throws {
        let lines = try effective.lines(environment: environment)
        if json {
            let object: [String: Any] = [
                "config_file": effective.file?.path ?? NSNull(), "found_by": effective.file?.foundBy ?? NSNull(),
                "settings": lines.map { ["key": $0.key, "value": $0.value ?? NSNull(), "source": $0.source] as [String: Any] },
                "problems": problems,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            Console.json(String(decoding: data, as: UTF8.self))
        } else {
            Console.out(
                "config file: " + (effective.file.map { "\($0.path) (found by \($0.foundBy))" } ?? "none (flags and defaults only)"))
            let width = (lines.map(\.key.count).max() ?? 10) + 2
            let valueWidth = min(60, (lines.map { ($0.value ?? "-").count }.max() ?? 10) + 2)
            for line in lines {
                let value = line.value ?? "-"
                Console.out(
                    line.key.padding(toLength: width, withPad: " ", startingAt: 0)
                        + value.padding(toLength: max(valueWidth, value.count + 2), withPad: " ", startingAt: 0) + line.source)
            }
            for problem in problems { Console.out("problem: \(problem)") }
        }
        if !problems.isEmpty { throw ExitCode(ExitClass.usage.code) }
    }
}

/// `ttsarchive config show`: every setting in force and where it came from, secrets masked.
struct ConfigShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print every setting in force, its value and where it came from.",
        discussion: """
            Precedence, for every command: a flag, else the environment (TTSARCHIVE_ARCHIVE, TTSARCHIVE_MANIFESTS, \
            HUAWEICLOUD_SDK_PROJECT_ID), else the settings file, else the default. Secrets are never printed: an \
            access key id shows its first four characters, a secret only that it is set.
            """
    )

    @OptionGroup var settings: RunSettingsOptions

    func run() async throws {
        try await mappingErrors {
            let (_, effective) = try settings.configured()
            try settings.report(effective, environment: ProcessInfo.processInfo.environment, problems: [])
        }
    }
}

/// `ttsarchive config check`: `config show`, then everything that would stop `run`.
struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Print the effective configuration, where each value came from, and what would stop a run.",
        discussion: """
            Takes the same setting flags as `run` and makes the same checks `run` makes before it starts \
            (endpoint, credentials and token file, project id, metrics file, durations, S3 locations). \
            Exit 2 when something would stop `run`.
            """
    )

    @OptionGroup var settings: RunSettingsOptions

    func run() async throws {
        try await mappingErrors {
            let (resolved, effective) = try settings.configured()
            let environment = ProcessInfo.processInfo.environment
            let credentials = try effective.credentialEnvironment(environment)
            let problems = RunPreflight.problems(store: resolved.store, api: resolved.api, ops: resolved.ops, environment: credentials)
            if problems.isEmpty && !settings.json {
                try settings.report(effective, environment: environment, problems: [])
                Console.out("ok: `ttsarchive run` would start with these settings")
            } else {
                try settings.report(effective, environment: environment, problems: problems.map { "\($0)" })
            }
        }
    }
}
