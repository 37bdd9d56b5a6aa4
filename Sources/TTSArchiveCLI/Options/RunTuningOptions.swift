import ArgumentParser
import Foundation
import TTSArchiveCore

/// How hard and how far back `run` works: settings of `ttsarchive.toml` too, so `run` and
/// `config check` parse and check them with the same types.
struct RunTuningOptions: ParsableArguments {
    @Option(help: "Concurrent downloads.") var concurrency = 8
    @Option(help: "Overlap with the previous window, seconds (or 15m, 1h).") var overlap = DurationArgument("15m")
    @Option(name: .customLong("pending-max-age"), help: "Stop carrying WAITING/PROCESSING jobs after this long (e.g. 7d).")
    var pendingMaxAge = DurationArgument("7d")
    @Option(
        name: .customLong("owed-max-age"),
        help: "Fetch an owed artifact (failed on an earlier night) again for this long; then report it as abandoned (e.g. 30d).")
    var owedMaxAge = DurationArgument("30d")

    func validate() throws {
        if !(1...256).contains(concurrency) { throw ValidationError("--concurrency must be 1…256") }
    }
}

extension RunTuningOptions: SettingsGroup {
    func explicitSettings(_ given: GivenFlags) -> [ConfigKey: SettingValue] {
        var flags: [ConfigKey: SettingValue] = [:]
        if given.contains("--concurrency") { flags[.concurrency] = .integer(concurrency) }
        if given.contains("--overlap") { flags[.overlap] = .string(overlap.text) }
        if given.contains("--pending-max-age") { flags[.pendingMaxAge] = .string(pendingMaxAge.text) }
        if given.contains("--owed-max-age") { flags[.owedMaxAge] = .string(owedMaxAge.text) }
        return flags
    }

    mutating func apply(_ config: EffectiveConfig) throws {
        concurrency = config.integer(.concurrency) ?? concurrency
        overlap = try config.string(.overlap).map { try DurationArgument.setting($0, key: "overlap") } ?? overlap
        pendingMaxAge = try config.string(.pendingMaxAge).map { try DurationArgument.setting($0, key: "pending_max_age") } ?? pendingMaxAge
        owedMaxAge = try config.string(.owedMaxAge).map { try DurationArgument.setting($0, key: "owed_max_age") } ?? owedMaxAge
    }
}
