import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive restore`: a run's original files, verified, as `DIR/<job_id>/<kind>-<i>.<ext>`.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Write a run's original files to a folder, verifying each while it is written.",
        discussion: """
            Files go to DIR/<job_id>/<kind>-<file_index>.<ext>. Job ids are escaped (+XX, hex) outside \
            [A-Za-z0-9._-] (and a leading '.'), so no id can write outside DIR. A file appears only once \
            its bytes re-hashed to the manifest's sha256. Exit 0 when every file was written; 1 when jobs \
            were refused (ids that cannot be folder names); 2 when a target exists (use --force) or the run \
            or a job is unknown; 4 when the output cannot be written; 5 when an object is damaged or missing.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("run"), help: ArgumentHelp("The run whose files to restore (its manifest is <manifests>/<run>.json).", valueName: "run-id"))
    var runID: String

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder to write into (created if missing).", valueName: "dir"))
    var output: String

    @Option(name: .customLong("job"), help: ArgumentHelp("Restore only this job (repeatable).", valueName: "job-id"))
    var jobs: [String] = []

    @Flag(help: "Replace files that already exist.")
    var force = false

    @Flag(help: "Print the outcome as JSON on stdout.")
    var json = false

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        try await store.withAuditedArchive { opened in
            let objects = opened.objects
            let payload = try RunPayload.load(runID: runID, manifestsPath: opened.manifestsPath, jobs: jobs)
            warnUnlessChained(payload, manifestsPath: opened.manifestsPath)
            let (output, force) = (self.output, self.force)
            let report = try await Restorer(store: objects).restore(payload, into: output, overwrite: force)
            for refused in report.refused { printError("ttsarchive: refused: \(refused)") }
            for failure in report.failures { printError("ttsarchive: error: \(failure.path): \(failure.error)") }
            if json {
                try Console.json(
                    encoding: AuditResult(
                        runID: payload.manifest.runID, files: payload.files.count, written: report.written.count, bytes: report.bytes,
                        out: output, refused: report.refused.map(AuditResult.Refused.init),
                        failures: report.failures.map { AuditResult.Failure(path: $0.path, error: "\($0.error)") }))
            } else {
                Console.out("restored \(report.written.count) of \(payload.files.count) files (\(report.bytes) bytes) of run \(payload.manifest.runID) to \(output)")
            }
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }
}

/// Warns on stderr when the run's manifest is not the one the hash chain records: its files are
/// still those it names (each verified against it), but the manifest itself may have been edited.
func warnUnlessChained(_ payload: RunPayload, manifestsPath: String) {
    let file = "\(manifestsPath)/\(payload.manifest.runID).json"
    switch ChainLookup.standing(of: payload.manifest.runID, bytes: payload.manifestBytes, manifestsPath: manifestsPath) {
    case .recorded:
        break
    case .differs(let recorded, let actual):
        printError("ttsarchive: warning: \(file) has sha256 \(actual) but the chain records \(recorded): it was edited; run `ttsarchive verify`")
    case .unreachable:
        printError("ttsarchive: warning: \(file) is not reachable from HEAD.json; run `ttsarchive verify`")
    }
}

extension RestoreCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<RestoreCommand>] { [.init(\.store)] }
}
