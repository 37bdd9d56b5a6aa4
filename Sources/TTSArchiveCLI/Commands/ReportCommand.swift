import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive report`: the recent nights as one self-contained HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report of the recent runs: charts and a table of runs with their manifest digests.",
        discussion: """
            One self-contained file (inline CSS and SVG, no script, no external asset): jobs and bytes archived \
            per night, failures and re-lists, run duration against the one-hour link lifetime, stored vs original \
            bytes, and the runs with their manifests' SHA-256 linked along the chain. Read-only: never takes the lock.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var config: ConfigOptions

    @Option(help: ArgumentHelp("Where to write the page.", valueName: "file")) var out = "report.html"
    @Option(help: "How many recent runs to chart.") var runs = 30
    @Flag(help: "Print where the page went as JSON on stdout.") var json = false

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if out.isEmpty { throw ValidationError("--out needs a file name") }
    }

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        let status = try await store.statusReport(runs: runs)
        let target = out
        try await IOPool.shared.run { try HTMLReport(status: status).write(to: target) }
        if json {
            try Console.json(encoding: ReportResult(out: target, runs: status.runs.count))
        } else {
            Console.out("report \(target): \(status.runs.count) run(s)")
        }
    }
}

/// `report --json` (docs/formats.md#command-results).
private struct ReportResult: Encodable {
    var out: String
    var runs: Int
}

extension ReportCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<ReportCommand>] { [.init(\.store)] }
}
