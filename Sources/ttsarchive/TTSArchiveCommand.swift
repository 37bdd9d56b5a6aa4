import ArgumentParser
import Foundation
import TTSArchiveCore

/// The `ttsarchive` command line: thin commands over TTSArchiveCore.
@main
struct TTSArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ttsarchive",
        abstract: "Archive Huawei Cloud MetaStudio TTS artifacts into a verified, content-addressed store.",
        discussion: """
            Exit codes: 0 success; 1 finished but some items failed; 2 usage or configuration error; \
            3 authentication or permission refused by a cloud API; 4 archive, manifests or state unusable; \
            5 verification found damage.
            """,
        version: ToolInfo.version,
        subcommands: [RunCommand.self, ListCommand.self, PutCommand.self, CatCommand.self, VerifyCommand.self, RestoreCommand.self, ExportCommand.self,
                      StatusCommand.self, ReportCommand.self, ConfigCommand.self, InventoryCommand.self, MergeCommand.self]
    )

    /// ArgumentParser exits 64 on usage errors; the contract says 2. Everything else (help,
    /// version, `ExitCode`s thrown by commands) keeps its own meaning.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                _exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}
