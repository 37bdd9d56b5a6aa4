import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The durable state of one run: an append-only file of JSON lines under `archive/state/`.
///
/// Why a journal and not SQLite (GRDB): the state is a log of facts that only ever grows
/// (this artifact is stored under that digest; this job is pending), read back whole once at
/// start-up. An fsynced append is exactly the durability it needs, with no extra dependency,
/// no schema migrations, and a format an operator can read with `jq`.
///
/// Every line carries a CRC-32C of itself (``JournalLine``), so a reader tells a whole record
/// from a torn or flipped one. Opening heals: a tail that does not verify (a crash, power loss
/// or short write during the last append) is cut back to the last good record, the cut bytes
/// kept beside the journal as `<name>.cut-<UTC time>` for forensics; bad bytes with good
/// records after them are damage, and opening throws naming the line (exit 4).
///
/// Appends are group-committed: ``append(_:)`` returns once its record is fsynced, and records
/// that arrive while an fsync runs share the next one, so throughput does not drop to one
/// fsync per artifact. The writer is a dedicated thread, never the cooperative pool.
public final class RunJournal: Sendable {
    public let path: String
    /// The tail cut when this journal was opened, if one was (for a warning).
    public let healed: JournalCut?
    private let committer: GroupCommitter

    /// Opens (creating if needed) the journal at `path` for appending, cutting a torn tail first.
    /// Throws when a line in the middle does not verify.
    ///
    /// With `durability`, a batch is made durable by that group commit of its file system (the
    /// store's, ``FileSystemSync``) instead of an fsync of its own, so one `syncfs` covers the
    /// records of a batch together with the objects committing meanwhile.
    init(path: String, now: Date = Date(), durability: FileSystemSync? = nil) throws {
        self.path = path
        let extent = try Self.scan(path, decoding: false) { _, _ in }
        healed = extent.hasTail ? try JournalCut.cut(path, extent: extent, now: now) : nil
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXFile.error(errno, path) }
        committer = GroupCommitter(fd: fd, path: path, goodEnd: extent.goodEnd, durability: durability)
        try POSIXFile.syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Appends one record and returns once it is on disk, with where its line is.
    @discardableResult
    public func append(_ record: JournalRecord) async throws -> JournalSpan {
        let line = try JournalLine.encode(record)
        // The span excludes the newline, as a scan reports it.
        return JournalSpan(offset: try await committer.commit(line), length: line.count - 1)
    }

    /// Appends records as one batch and returns once all are on disk, with where their lines are.
    public func append(_ records: [JournalRecord]) async throws -> [JournalSpan] {
        guard !records.isEmpty else { return [] }
        let lines = try records.map(JournalLine.encode)
        var offset = try await committer.commit(lines.reduce(into: Data()) { $0.append($1) })
        return lines.map { line in
            defer { offset += Int64(line.count) }
            return JournalSpan(offset: offset, length: line.count - 1)
        }
    }

    /// Appends without waiting for the fsync (statistics that may be lost in a crash).
    public func appendLazily(_ record: JournalRecord) {
        guard let line = try? JournalLine.encode(record) else { return }
        committer.enqueue(line)
    }

    /// Flushes and closes the file.
    public func close() async throws {
        defer { committer.stop() }
        _ = try await committer.commit(Data())
    }

    /// Reads every good record; a torn tail is ignored, a bad middle line is an error.
    /// Holds every record: for small journals and tests; runs use ``scan(_:_:)``.
    public static func load(_ path: String) throws -> [JournalRecord] {
        var records: [JournalRecord] = []
        try scan(path) { record, _ in records.append(record) }
        return records
    }
}

/// Writes lines on its own thread; every waiter resumes after the fsync that covered its line.
///
/// What is durable at each step of a batch:
/// - `write` returned: the bytes are in the page cache only. A crash now may keep any prefix of
///   them (or, on some file systems, zeros): the checksums tell, and the next open cuts it.
/// - `fsync` returned: everything up to `goodEnd` is on disk; only now are waiters resumed, so
///   an acknowledged record is never in a tail that healing could cut.
/// - `write` or `fsync` failed (ENOSPC, EIO, a short write): the file is cut back to `goodEnd`
///   and fsynced, so no partial line stays for a later append to land behind, and the journal
///   refuses every later append of this invocation. After a failed fsync the kernel may have
///   dropped the dirty pages, so "try again" cannot be trusted; the next run reopens, heals and
///   resumes from the last good record.
// @unchecked: every mutable field is guarded by `condition`, except `goodEnd`, which only the
// writer thread touches (documented on each field).
final class GroupCommitter: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let condition = NSCondition()
    private var pending = Data()
    /// Who waits for which line: its offset in `pending`.
    private var waiters: [(continuation: CheckedContinuation<Int64, any Error>, offset: Int)] = []
    private var stopped = false
    /// The first failure; once set, appends are refused. Guarded by `condition`.
    private var failed: (any Error)?
    /// Bytes known durable: the file's length after the last successful fsync. Writer thread only.
    private var goodEnd: Int64

    /// Flushes in place of `fsync` when set (see ``RunJournal/init(path:now:durability:)``).
    private let durability: FileSystemSync?

    init(fd: Int32, path: String, goodEnd: Int64, durability: FileSystemSync?) {
        self.fd = fd
        self.path = path
        self.goodEnd = goodEnd
        self.durability = durability
        let thread = Thread { [self] in loop() }
        thread.name = "ttsarchive.journal"
        thread.start()
    }

    func enqueue(_ line: Data) {
        condition.lock()
        if failed == nil { pending.append(line) }
        condition.signal()
        condition.unlock()
    }

    /// Appends `line` and returns its offset in the file once it is durable.
    func commit(_ line: Data) async throws -> Int64 {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int64, any Error>) in
            condition.lock()
            if let failed {
                condition.unlock()
                continuation.resume(throwing: refusal(after: failed))
                return
            }
            waiters.append((continuation, pending.count))
            pending.append(line)
            condition.signal()
            condition.unlock()
        }
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func refusal(after failure: any Error) -> TTSArchiveError {
        TTSArchiveError(
            .unusableState,
            "run state takes no more records in this run: an earlier append failed (\(failure))", path: path, fix: "fix the disk; the next run resumes from its last good record")
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && waiters.isEmpty && !stopped { condition.wait() }
            if stopped && pending.isEmpty && waiters.isEmpty {
                condition.unlock()
                close(fd)
                return
            }
            let batch = pending
            let batchWaiters = waiters
            let earlier = failed
            pending = Data()
            waiters = []
            condition.unlock()
            if let earlier {
                // Queued before the failure was known: refused too, never written behind it.
                for waiter in batchWaiters { waiter.continuation.resume(throwing: refusal(after: earlier)) }
                continue
            }
            let batchStart = goodEnd
            let failure = batch.isEmpty ? syncOnly() : writeAndSync(batch)
            if let failure {
                condition.lock()
                if failed == nil { failed = failure }
                pending = Data()
                condition.unlock()
            }
            for waiter in batchWaiters {
                if let failure {
                    waiter.continuation.resume(throwing: failure)
                } else {
                    waiter.continuation.resume(returning: batchStart + Int64(waiter.offset))
                }
            }
        }
    }

    private func syncOnly() -> (any Error)? {
        let code = sync()
        return code == 0 ? nil : POSIXFile.error(code, path)
    }

    /// 0 once the file's bytes are durable, or the errno.
    private func sync() -> Int32 {
        if let durability { return durability.flushWaiting() }
        return fsync(fd) == 0 ? 0 : errno
    }

    /// Appends `batch` and fsyncs; on any failure cuts the file back to `goodEnd`.
    private func writeAndSync(_ batch: Data) -> (any Error)? {
        var failure: (any Error)?
        batch.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = POSIXFile.error(errno, path); return }
                if n == 0 { failure = POSIXFile.error(EIO, path); return }
                offset += n
            }
        }
        if failure == nil, case let code = sync(), code != 0 { failure = POSIXFile.error(code, path) }
        guard let failure else {
            goodEnd += Int64(batch.count)
            return nil
        }
        // Best effort: if even this fails, the next open finds the partial line and heals it.
        if ftruncate(fd, off_t(goodEnd)) == 0 { _ = fsync(fd) }
        return failure
    }
}
