import ArgumentParser
import Foundation
import TTSArchiveCore

/// An option group whose flags are settings of `ttsarchive.toml`. The one place each flag is
/// mapped to its setting and back: a command combines groups, it never maps flags itself.
protocol SettingsGroup {
    /// The settings this group's flags set explicitly on the command line (`given`): a flag
    /// given with its default value must still win over the file.
    func explicitSettings(_ given: GivenFlags) -> [ConfigKey: SettingValue]
    /// Takes the values in force (flag, else environment, else file, else default).
    mutating func apply(_ config: EffectiveConfig) throws
}

/// A command that reads the settings: which of its option groups hold settings.
protocol ConfiguredCommand {
    /// `--config FILE`.
    var config: ConfigOptions { get }
    /// The command's settings groups, by key path (so that each can be written back).
    static var settingsGroups: [SettingsGroupPath<Self>] { get }
}

/// A key path to one of a command's ``SettingsGroup``s, its type erased.
struct SettingsGroupPath<Command> {
    let explicitSettings: (Command, GivenFlags) -> [ConfigKey: SettingValue]
    let apply: (inout Command, EffectiveConfig) throws -> Void

    init<Group: SettingsGroup>(_ path: WritableKeyPath<Command, Group>) {
        explicitSettings = { command, given in command[keyPath: path].explicitSettings(given) }
        apply = { command, config in try command[keyPath: path].apply(config) }
    }
}

extension ConfiguredCommand {
    /// This command with every setting resolved the same way for every command: a flag, else
    /// the environment, else the settings file, else the built-in default.
    func configured(
        arguments: [String] = CommandLine.arguments, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (command: Self, config: EffectiveConfig) {
        let given = GivenFlags(arguments)
        var flags: [ConfigKey: SettingValue] = [:]
        for group in Self.settingsGroups { flags.merge(group.explicitSettings(self, given)) { first, _ in first } }
        let effective = try config.resolve(flags: flags, environment: environment)
        var command = self
        for group in Self.settingsGroups { try group.apply(&command, effective) }
        return (command, effective)
    }
}
