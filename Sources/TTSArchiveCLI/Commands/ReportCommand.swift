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
        try await mappingErrors {
            let status = try await store.statusReport(runs: runs)
            let target = out
            try await Blocking.run { try HTMLReport(status: status).write(to: target) }
            if json {
                try Console.json(encoding: ["out": .string(target), "runs": .number(status.runs.count)] as [String: ReportField])
            } else {
                Console.out("report \(target): \(status.runs.count) run(s)")
            }
        }
    }
}

/// A value of `report --json` (docs/formats.md#command-results).
private enum ReportField: Encodable {
    case string(String)
    case number(Int)

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        }
    }
}

extension ReportCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<ReportCommand>] { [.init(\.store)] }
}
