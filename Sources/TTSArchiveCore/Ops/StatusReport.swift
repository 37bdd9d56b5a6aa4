import Foundation
import SystemPackage

/// What `ttsarchive status` shows: recent runs, carried jobs, the chain's head, the lock, the
/// store's size. Gathered read-only: it never takes the lock nor creates anything.
public struct StatusReport: Sendable, Codable {
    /// Objects and bytes on disk.
    public struct StoreFigures: Sendable, Codable, Hashable {
        public var objects: Int
        public var storedBytes: Int64
        /// Files in the store that are not objects (see `verify`).
        public var otherFiles: Int

        enum CodingKeys: String, CodingKey { case objects, storedBytes = "stored_bytes", otherFiles = "other_files" }
    }

    /// A run that was interrupted and will be resumed by the next `run`.
    public struct Unfinished: Sendable, Codable, Hashable {
        public var runID: String?
        public var startedAt: String?
        public var window: RunWindowRecord?

        enum CodingKeys: String, CodingKey { case window, runID = "run_id", startedAt = "started_at" }
    }

    public var archive: String
    public var manifests: String
    public var generatedAt: String
    public var head: ManifestHead?
    /// Newest first.
    public var runs: [RunSummary]
    public var unreadableManifests: [String]
    public var pending: [PendingJobs.Entry]
    /// Artifacts owed by earlier nights (fetched again by the next run) and those abandoned.
    public var owed: ManifestOwed
    public var lock: LockStatus?
    public var unfinished: Unfinished?
    /// End of the last complete window: where the next run starts (minus the overlap).
    public var lastCompleteUntil: String?
    public var store: StoreFigures

    enum CodingKeys: String, CodingKey {
        case archive, manifests, head, runs, pending, owed, lock, unfinished, store
        case generatedAt = "generated_at", unreadableManifests = "unreadable_manifests", lastCompleteUntil = "last_complete_until"
    }

    /// Reads everything from an existing local store, its state folder and a manifests folder.
    public static func gather(store: LocalObjectStore, manifests: String, runs limit: Int, now: Date = Date()) async throws -> StatusReport {
        let lock = try await IOPool.shared.run { ArchiveLock.inspect(archive: store.root, now: now) }
        return try await gather(
            objects: store, manifests: manifests, manifestsPath: manifests, stateDirectory: store.root + "/state",
            lock: lock, runs: limit, now: now)
    }

    /// Reads everything from a store on either backend: `manifests` is what people are shown,
    /// `manifestsPath` the local folder (or working copy) read; `lock` was read by the caller,
    /// which knows the backend. Files are read on the I/O pool.
    public static func gather(
        objects store: any ObjectStore, manifests: String, manifestsPath: String, stateDirectory: String, lock: LockStatus?,
        runs limit: Int, now: Date = Date()
    ) async throws -> StatusReport {
        var figures = StoreFigures(objects: 0, storedBytes: 0, otherFiles: 0)
        for entry in try await store.listEntries() {
            if entry.digest != nil {
                figures.objects += 1
                figures.storedBytes += entry.storedSize
            } else {
                figures.otherFiles += 1
            }
        }
        let archive = store.location
        return try await IOPool.shared.run { [figures] in
            try assemble(
                archive: archive, figures: figures, manifests: manifests, manifestsPath: manifestsPath, stateDirectory: stateDirectory,
                lock: lock, runs: limit, now: now)
        }
    }

    /// The report around the store's figures: manifests, HEAD and the state folder. Blocking.
    private static func assemble(
        archive: String, figures: StoreFigures, manifests: String, manifestsPath: String, stateDirectory: String, lock: LockStatus?,
        runs limit: Int, now: Date
    ) throws -> StatusReport {
        let history = RunHistory.load(manifests: manifestsPath, limit: limit)
        let headData = FileManager.default.contents(atPath: manifestsPath + "/HEAD.json")
        let head = try headData.map { data in
            do {
                return try JSONDecoder().decode(ManifestHead.self, from: data)
            } catch {
                throw TTSArchiveError(.unusableState, "HEAD.json is unreadable", path: "\(manifests)/HEAD.json", fix: "`ttsarchive verify` the chain")
            }
        }
        return StatusReport(
            archive: archive, manifests: manifests, generatedAt: Timestamp.format(now), head: head,
            runs: history.runs.reversed(), unreadableManifests: history.unreadable,
            pending: try PendingJobs.load(stateDirectory).jobs.values.sorted { $0.jobID < $1.jobID },
            owed: try OwedWork.load(stateDirectory).summary,
            lock: lock,
            unfinished: unfinishedRun(stateDirectory), lastCompleteUntil: lastComplete(stateDirectory), store: figures)
    }

    /// The first record of `active.journal` (only that line is read: the journal may be large).
    static func unfinishedRun(_ stateDirectory: String) -> Unfinished? {
        // swift-system, like every other descriptor of the product: errors are thrown, not trapped.
        guard let file = try? FileDescriptor.open(FilePath(stateDirectory + "/active.journal"), .readOnly, options: .closeOnExec)
        else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = (try? file.closeAfter {
            try buffer.withUnsafeMutableBytes { raw in
                // read(2) may return less than asked before the end of the file.
                var filled = 0
                while filled < raw.count {
                    let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                    if n == 0 { break }
                    filled += n
                }
                return filled
            }
        }) ?? 0
        let head = Data(buffer[0..<count])
        guard let firstLine = head.split(separator: UInt8(ascii: "\n")).first,
            let record = try? JSONDecoder().decode(JournalRecord.self, from: Data(firstLine)), record.type == .run
        else {
            return head.isEmpty ? nil : Unfinished(runID: nil, startedAt: nil, window: nil)
        }
        return Unfinished(runID: record.runID, startedAt: record.startedAt, window: record.window)
    }

    static func lastComplete(_ stateDirectory: String) -> String? {
        guard let data = FileManager.default.contents(atPath: stateDirectory + "/last-complete.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return nil }
        return object["create_until"]
    }

    /// The text `status` prints.
    public func text() -> String {
        var out: [String] = []
        out.append(
            "archive   \(archive): \(store.objects) objects, \(ByteCount.text(store.storedBytes)) stored"
                + (store.otherFiles > 0 ? ", \(store.otherFiles) other files (run `ttsarchive verify`)" : ""))
        out.append("manifests \(manifests)")
        out.append("head      " + (head.map { "\($0.sha256)  (\($0.runID))" } ?? "none: no run has written a manifest yet"))
        out.append("lock      " + (lock.map { "held by \($0.summary)" } ?? "free"))
        if let unfinished {
            let window = unfinished.window.map { " window \($0.createSince) … \($0.createUntil)" } ?? ""
            out.append("unfinished run \(unfinished.runID ?? "?")\(window): the next `ttsarchive run` resumes it")
        }
        if let lastCompleteUntil { out.append("next window starts at \(lastCompleteUntil) minus the overlap") }
        out.append("")
        if runs.isEmpty {
            out.append("no runs yet")
        } else {
            out.append(
                [
                    pad("RUN", 22), pad("WINDOW (create_since … create_until)", 43), pad("OK", 4), pad("JOBS", 5, right: true),
                    pad("ARTIFACTS", 9, right: true), pad("BYTES", 9, right: true), pad("STORED", 9, right: true), "FAIL", "RELIST",
                    pad("DURATION", 8, right: true), "MANIFEST SHA-256",
                ].joined(separator: "  "))
            for run in runs {
                let ok = run.succeeded ? "yes" : run.complete ? "fail" : "INC"
                let columns = [
                    pad(run.runID, 22), "\(run.window.createSince) … \(run.window.createUntil)", pad(ok, 4),
                    pad(String(run.jobsArchived), 5, right: true), pad(String(run.artifacts), 9, right: true),
                    pad(ByteCount.text(run.bytes), 9, right: true), pad(ByteCount.text(run.storedBytes), 9, right: true),
                    pad(String(run.failures), 4, right: true), pad(String(run.relists), 6, right: true),
                    pad(run.durationSeconds.map(Durations.text) ?? "-", 8, right: true),
                    String(run.sha256.prefix(16)) + (run.chainIntact == false ? "  CHAIN BROKEN" : ""),
                ]
                out.append(columns.joined(separator: "  "))
            }
        }
        for name in unreadableManifests { out.append("unreadable manifest: \(manifests)/\(name)") }
        out.append("")
        out.append("pending   \(pending.count) job(s) carried to the next run" + (pending.isEmpty ? "" : ":"))
        for entry in pending.prefix(20) {
            out.append("  \(entry.jobID)  \(entry.state)  created \(entry.createTime ?? "?")  first seen \(entry.firstSeen)")
        }
        if pending.count > 20 { out.append("  … and \(pending.count - 20) more (--json lists all)") }
        out.append("owed      \(owed.count) artifact(s) to fetch again" + (owed.oldestSince.map { ", owed since \($0) at the oldest" } ?? ""))
        for (reason, count) in owed.reasons.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            out.append("  \(count)  \(reason)")
        }
        if !owed.abandoned.isEmpty {
            out.append("abandoned \(owed.abandoned.count) artifact(s) past the owed max age, no longer fetched:")
            for item in owed.abandoned.prefix(20) {
                out.append("  \(item.jobID) \(item.kind.rawValue)[\(item.fileIndex)]  owed since \(item.owedSince)  \(item.reason)")
            }
            if owed.abandoned.count > 20 { out.append("  … and \(owed.abandoned.count - 20) more (--json lists all)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// `text` padded with spaces to `width` (on the left when `right`-aligned).
func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}

/// Byte counts for people: `812 B`, `3.4 MB`, `1.20 GB` (decimal units, as `ls -h --si`).
public enum ByteCount {
    public static func text(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        return String(format: value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value) + " " + units[unit]
    }
}
