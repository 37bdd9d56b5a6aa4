import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The durable state of one run: an append-only file of JSON lines under `archive/state/`.
///
/// Why a journal and not SQLite (GRDB): the state is a log of facts that only ever grows
/// (this artifact is stored under that digest; this job is pending), read back whole once at
/// start-up. An fsynced append is exactly the durability it needs, with no extra dependency,
/// no schema migrations, and a format an operator can read with `jq`. A crash can only tear the
/// last line, which ``load(_:)`` drops: every earlier line was fsynced before it was acknowledged.
///
/// Appends are group-committed: ``append(_:)`` returns once its record is fsynced, and records
/// that arrive while an fsync runs share the next one, so throughput does not drop to one
/// fsync per artifact. The writer is a dedicated thread, never the cooperative pool.
public final class RunJournal: Sendable {
    public let path: String
    private let committer: GroupCommitter

    /// Opens (creating if needed) the journal at `path` for appending.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXFile.error(errno, path) }
        committer = GroupCommitter(fd: fd, path: path)
        try POSIXFile.syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Appends one record and returns once it is on disk.
    public func append(_ record: JournalRecord) async throws {
        let line = try JournalRecord.encoder.encode(record) + Data("\n".utf8)
        try await committer.commit(line)
    }

    /// Appends without waiting for the fsync (statistics that may be lost in a crash).
    public func appendLazily(_ record: JournalRecord) {
        guard let line = try? JournalRecord.encoder.encode(record) + Data("\n".utf8) else { return }
        committer.enqueue(line)
    }

    /// Flushes and closes the file.
    public func close() async throws { try await committer.commit(Data()); committer.stop() }

    /// Reads every complete record; a torn last line is ignored, an unreadable middle line is an error.
    /// Holds every record: for small journals and tests; runs use ``scan(_:_:)``.
    public static func load(_ path: String) throws -> [JournalRecord] {
        var records: [JournalRecord] = []
        try scan(path) { record, _ in records.append(record) }
        return records
    }
}

/// Writes lines on its own thread; every waiter resumes after the fsync that covered its line.
final class GroupCommitter: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let condition = NSCondition()
    private var pending = Data()
    private var waiters: [CheckedContinuation<Void, any Error>] = []
    private var stopped = false

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        let thread = Thread { [self] in loop() }
        thread.name = "ttsarchive.journal"
        thread.start()
    }

    func enqueue(_ line: Data) {
        condition.lock()
        pending.append(line)
        condition.signal()
        condition.unlock()
    }

    func commit(_ line: Data) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            pending.append(line)
            waiters.append(continuation)
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
            pending = Data()
            waiters = []
            condition.unlock()
            var failure: (any Error)?
            batch.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 { if errno == EINTR { continue }; failure = POSIXFile.error(errno, path); return }
                    offset += n
                }
            }
            if failure == nil && fsync(fd) != 0 { failure = POSIXFile.error(errno, path) }
            for waiter in batchWaiters {
                if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
            }
        }
    }
}
