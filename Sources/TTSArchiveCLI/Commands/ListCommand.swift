import ArgumentParser
import Foundation
import TTSArchiveCore
import TTSNative

/// `ttsarchive list`: what would tonight archive?
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the jobs of a window through the same lazy, drift-proof iterator as run.",
        discussion: "A table on a TTY, one JSON object per job with --json (links reduced to scheme+host+path); counts by state on stderr. Exit 1 when records were skipped as malformed."
    )

    @OptionGroup var api: APIOptions
    @OptionGroup var config: ConfigOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Window start, ISO 8601 (default: 24 hours ago).") var since: TimestampArgument?
    @Option(help: "Window end, ISO 8601 (default: now).") var until: TimestampArgument?
    @Option(help: "SUCCEED (default), WAITING, PROCESSING, FAILED, or all.") var state = "SUCCEED"
    @Flag(help: "One JSON object per job per line.") var json = false

    func validate() throws {
        if !["SUCCEED", "WAITING", "PROCESSING", "FAILED", "all"].contains(state) {
            throw ValidationError("--state must be SUCCEED, WAITING, PROCESSING, FAILED or all")
        }
    }

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        let logger = logging.makeLogger()
        let engine = HTTPEngine(userAgent: "\(ToolInfo.name)/\(ToolInfo.version)", transferTimeout: api.transferDeadline(largest: nil))
        defer { engine.shutdown() }
        let client = try api.makeClient(engine: engine, logger: logger)
        let now = Date()
        let window = try TimeWindow(
            since: since?.date ?? now.addingTimeInterval(-86400), until: until?.date ?? now)
        let lister = JobLister(client: client, window: window)
        let table = !json && isatty(STDOUT_FILENO) == 1
        if table { Console.out("JOB_ID                                 STATE       CREATED               FORMAT FILES") }
        while let jobs = try await lister.next() {
            var chunk = ""
            for job in jobs where state == "all" || job.jobState.rawValue == state {
                if json {
                    chunk += try JobJSON.line(job) + "\n"
                } else {
                    let created = job.createTime ?? "-"
                    chunk += "\(job.jobID.padding(toLength: 38, withPad: " ", startingAt: 0)) \(job.jobState.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(created.padding(toLength: 21, withPad: " ", startingAt: 0)) \(job.audioFormatRaw.padding(toLength: 6, withPad: " ", startingAt: 0)) \(job.files.count)\n"
                }
            }
            // JSON lines stay exact (the encoder escapes what a terminal must not see);
            // table cells are server text, escaped by Console.
            if json { Console.json(chunk, terminator: "") } else { Console.out(chunk, terminator: "") }
            if let failure = OutputChannel.standardOutput.failure { throw failure }
        }
        let snapshot = await lister.snapshot
        let states = snapshot.countsByState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        printError("listed \(snapshot.listed) jobs (server count \(snapshot.serverCount)): \(states.isEmpty ? "none" : states)")
        for bad in snapshot.badRecords { printError("skipped malformed \(bad)") }
        if !snapshot.badRecords.isEmpty {
            printError("\(snapshot.badRecords.count) malformed record(s) skipped")
            throw ExitCode(ExitStatus.partialFailure)
        }
        if snapshot.shortfall > 0 {
            printError("listing drifted: \(snapshot.shortfall) job(s) counted by the API were not seen")
            throw ExitCode(ExitStatus.partialFailure)
        }
    }
}

/// A job as one JSON line, links reduced to scheme+host+path.
enum JobJSON {
    static func line(_ job: TtsJob) throws -> String {
        var redacted = job
        redacted.files = job.files.map { file in
            TtsJobFile(
                audioFileURL: file.audioFileURL.map(Redaction.url), audioInfoFileURL: file.audioInfoFileURL.map(Redaction.url),
                audioSRTFileURL: file.audioSRTFileURL.map(Redaction.url), audioActionFileURL: file.audioActionFileURL.map(Redaction.url))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(redacted), as: UTF8.self)
    }
}

extension ListCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<ListCommand>] { [.init(\.api)] }
}
