import Foundation
import TTSArchiveCore

/// The live progress line on a TTY; a status line every 30 s otherwise (cron). With `NO_COLOR`
/// set (https://no-color.org), the line is redrawn with a carriage return and spaces only.
// @unchecked: its two mutable fields are only touched under `lock`, which also keeps the
// progress line whole (the line is written while it is held).
final class ProgressDisplay: @unchecked Sendable {
    private let isTTY = isatty(STDERR_FILENO) == 1
    private let escapes = TerminalStyle.allowsEscapes(ProcessInfo.processInfo.environment)
    private var drawnWidth = 0
    private let lock = NSLock()
    private var lastLine = Date()
    private var drewLine = false

    init() {}

    func show(_ p: RunProgress) {
        lock.lock(); defer { lock.unlock() }
        let mb = Double(p.bytes) / 1_000_000
        let rate = p.elapsed > 0 ? mb / p.elapsed : 0
        let text = String(format: "jobs %d/%d  files %d (+%d queued)  %.1f MB  %.1f MB/s  failures %d  oldest link %dm%02ds/60m",
                          p.jobsListed, p.serverCount, p.artifactsDone, p.artifactsQueued, mb, rate, p.failures,
                          Int(p.oldestLinkAge) / 60, Int(p.oldestLinkAge) % 60)
        if isTTY {
            // Raw: the line is built from numbers only, and the escape is ours (clear the line).
            let padding = String(repeating: " ", count: max(0, drawnWidth - text.count))
            OutputChannel.standardError.emit(escapes ? "\r\u{1B}[K" + text : "\r" + text + padding)
            drawnWidth = text.count
            drewLine = true
        } else if Date().timeIntervalSince(lastLine) >= 30 {
            lastLine = Date()
            printError("ttsarchive: " + text)
        }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drewLine { OutputChannel.standardError.emit(escapes ? "\r\u{1B}[K" : "\n") }
    }
}

/// The end-of-run summary: a few human lines (the head digest last) or JSON.
enum RunReport {
    static func print(_ outcome: RunOutcome, json: Bool) {
        let m = outcome.manifest
        let c = m.counts
        let dryRun = outcome.head == nil && outcome.manifestPath == nil
        if json {
            let summary = JSONSummary(
                runID: m.runID, complete: m.complete,
                window: .init(createSince: m.window.createSince, createUntil: m.window.createUntil),
                jobsListed: c.jobsListed, jobsByState: c.jobsByState, artifactsStored: c.artifactsStored,
                objectsNew: c.objectsNew, objectsDeduplicated: c.objectsDeduplicated, bytes: c.bytes,
                storedBytes: c.storedBytes, relists: c.relists, retries: c.retries, failures: m.failures.count,
                exitCode: outcome.exitCode, manifest: outcome.manifestPath, headSHA256: outcome.head?.sha256,
                dryRun: dryRun ? true : nil, artifactsToFetch: dryRun ? outcome.artifactsToFetch : nil)
            try? Console.json(encoding: summary, oneLine: true)
            return
        }
        if dryRun {
            Console.out("dry run \(m.window.createSince) … \(m.window.createUntil): \(c.jobsListed) jobs listed, \(outcome.jobCount) SUCCEED with \(outcome.artifactsToFetch) artifacts to fetch; nothing downloaded or written")
            return
        }
        let states = c.jobsByState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        Console.out("run \(m.runID): window \(m.window.createSince) … \(m.window.createUntil)\(m.complete ? "" : " (INCOMPLETE)")")
        Console.out("jobs listed \(c.jobsListed) (\(states.isEmpty ? "none" : states)); already archived \(c.jobsAlreadyArchived); pending carried \(m.pending.count)")
        Console.out("artifacts \(c.artifactsStored) stored, \(c.objectsNew) new objects, \(c.objectsDeduplicated) de-duplicated; \(c.bytes) bytes, \(c.storedBytes) stored; re-lists \(c.relists), retries \(c.retries)")
        for failure in m.failures.prefix(20) {
            Console.out("FAILED \(failure.jobID) \(failure.kind?.rawValue ?? "job")\(failure.fileIndex.map { "[\($0)]" } ?? ""): \(failure.error)")
        }
        if m.failures.count > 20 { Console.out("… and \(m.failures.count - 20) more failures (see the manifest)") }
        if let path = outcome.manifestPath { Console.out("manifest \(path)") }
        if let head = outcome.head { Console.out("head \(head.sha256)") }
    }
}

/// `run --json`'s one line. Encoded with `JSONEncoder` (absent fields left out), not
/// `JSONSerialization`, whose sorted keys compare through an ICU locale on Linux.
private struct JSONSummary: Encodable {
    struct Window: Encodable {
        var createSince: String
        var createUntil: String
        enum CodingKeys: String, CodingKey {
            case createSince = "create_since", createUntil = "create_until"
        }
    }

    var runID: String
    var complete: Bool
    var window: Window
    var jobsListed: Int
    var jobsByState: [String: Int]
    var artifactsStored: Int
    var objectsNew: Int
    var objectsDeduplicated: Int
    var bytes: Int64
    var storedBytes: Int64
    var relists: Int
    var retries: Int
    var failures: Int
    var exitCode: Int32
    var manifest: String?
    var headSHA256: String?
    var dryRun: Bool?
    var artifactsToFetch: Int?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", complete, window, jobsListed = "jobs_listed", jobsByState = "jobs_by_state"
        case artifactsStored = "artifacts_stored", objectsNew = "objects_new", objectsDeduplicated = "objects_deduplicated"
        case bytes, storedBytes = "stored_bytes", relists, retries, failures, exitCode = "exit_code", manifest
        case headSHA256 = "head_sha256", dryRun = "dry_run", artifactsToFetch = "artifacts_to_fetch"
    }
}
