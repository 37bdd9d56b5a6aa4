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

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if out.isEmpty { throw ValidationError("--out needs a file name") }
    }

    func run() async throws {
        try await mappingErrors {
            let paths = try config.storePaths(store)
            let status = try await paths.statusReport(runs: runs)
            let target = out
            try await Blocking.run { try HTMLReport(status: status).write(to: target) }
            Console.out("report \(target): \(status.runs.count) run(s)")
        }
    }
}
