import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive status`: how the nightly job is doing, read-only (never takes the lock).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the last runs, carried-over pending jobs, the manifest head, the lock holder and the archive's size.",
        discussion: """
            Reads the archive, its manifests and lock (a folder or s3://) and the local run state (ARCHIVE/state, \
            or --state) without changing anything and without taking the archive lock, so it is safe while a run \
            is going. Exit 4 when the archive cannot be read.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var config: ConfigOptions

    @Option(help: "How many recent runs to show.") var runs = 10
    @Flag(help: "Print the status as JSON on stdout.") var json = false

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
    }

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        let report = try await store.statusReport(runs: runs)
        if json {
            try Console.json(encoding: report)
        } else {
            Console.out(report.text(), terminator: "")
        }
    }
}

extension StatusCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<StatusCommand>] { [.init(\.store)] }
}
