import ArgumentParser
import Foundation
import TTSArchiveCore

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
