import ArgumentParser
import Foundation
import TTSArchiveCore

/// The `ttsarchive` command line: thin commands over TTSArchiveCore.
///
/// A library type so that the fuzz package can parse command lines with it; the `ttsarchive`
/// executable only calls ``runAsTool()``.
public struct TTSArchiveCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ttsarchive",
        abstract: "Archive Huawei Cloud MetaStudio TTS artifacts into a verified, content-addressed store.",
        discussion: """
            Exit codes: 0 success; 1 finished but some items failed; 2 usage or configuration error; \
            3 authentication or permission refused by a cloud API; 4 archive, manifests or state unusable; \
            5 verification found damage.
            """,
        // `ttsarchive --version` prints `ttsarchive 0.1.0`, as GNU tools name themselves.
        version: "\(ToolInfo.name) \(ToolInfo.version)",
        subcommands: [RunCommand.self, ListCommand.self, PutCommand.self, CatCommand.self, VerifyCommand.self, RestoreCommand.self, ExportCommand.self,
                      StatusCommand.self, ReportCommand.self, ConfigCommand.self, InventoryCommand.self, MergeCommand.self]
    )

    /// Parses the process's arguments, runs the command and exits with the documented status.
    ///
    /// Not ArgumentParser's `main()`, which exits 64 on usage errors; the contract says 2.
    /// Everything else (help, version, `ExitCode`s thrown by commands) keeps its own meaning.
    /// Output lost on stdout decides the status last (``Console/finalStatus(_:)``). A name of
    /// its own, because a caller outside this module would get ArgumentParser's synchronous
    /// `main()` for `main()`.
    public static func runAsTool() async -> Never {
        Console.prepare()
        let code: Int32
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            code = ExitStatus.success
        } catch let exit as ExitCode {
            code = exit.rawValue
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            printError(fullMessage(for: error))
            code = ExitStatus.usage
        }
        _exit(Console.finalStatus(code))
    }

    public init() {}
}
