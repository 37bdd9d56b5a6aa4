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
