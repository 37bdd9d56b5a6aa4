import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// Group commit for the local store: makes everything written so far to the store's file
/// system durable with one `syncfs(2)`, shared by every writer that asks while one runs.
///
/// Why not an `fsync` per file and per directory: objects are named by their digest, so a
/// batch of small objects lands in as many shard directories as it has objects, and there is
/// no one directory to fsync for all of them. On the small-file night those two fsyncs per
/// new object, each awaited alone, were most of the wall time (64,000 fsyncs for 25,000
/// artifacts; the same night with fsync made a no-op ran 1.7× faster). One `syncfs` covers the
/// bytes and the names of every object of a batch.
///
/// How a writer uses it (``LocalObjectWriter/commit()``): write the unnamed file, ``flush()``
/// (its bytes are durable), link it under its final name, ``flush()`` again (the name is
/// durable). An object never carries its final name before its bytes are on disk, and is not
/// reported stored before its name is.
///
/// Batching: a flush request takes a ticket. One `syncfs` runs at a time, on the I/O pool; when
/// it started it covered every ticket taken by then, and the waiters of those tickets resume
/// when it returns. Tickets taken while it ran wait for the next one, which starts at once, so
/// everything that arrives during one `syncfs` shares the next. A ticket's writes were made
/// before it was taken, hence before the `syncfs` that covers it began.
///
/// The cost of the trade: `syncfs` also flushes other programs' dirty data on the same file
/// system; an archive on a file system that something else writes heavily at night waits for
/// that writeback too (correct, slower). Since Linux 5.8 `syncfs` reports writeback errors of
/// the file system since ``init(directory:)`` opened it; after one failure every later flush
/// fails too, as after a failed fsync (the kernel may have dropped the pages): the run stops
/// on a disk fault and the next one resumes from its journal.
final class FileSystemSync: Sendable {
    private struct State {
        /// Tickets handed out so far.
        var taken: UInt64 = 0
        /// Who waits for which ticket: called with nil once it is covered, or with an errno.
        var waiters: [(ticket: UInt64, resume: @Sendable (Int32?) -> Void)] = []
        var running = false
        /// The errno of the first failed `syncfs`.
        var failure: Int32?
        /// `syncfs` calls made (for tests: fewer than flushes asked for means batching).
        var syncs = 0
    }

    private let descriptor: FileDescriptorBox
    private let path: String
    private let state = Locked(State())

    /// Opens `directory` (on the file system to flush) for the life of this value. A store
    /// has one (``LocalObjectStore/fileSystemSync()``), which its run's journal shares when it
    /// is on the same file system (``covers(_:)``).
    init(directory: String) throws {
        descriptor = try FileDescriptorBox(directory: directory)
        path = directory
    }

    /// `syncfs` calls made so far.
    var syncCount: Int { state.withLock { $0.syncs } }

    /// Whether `directory` is on the file system this value flushes (the same device now).
    func covers(_ directory: String) -> Bool {
        var mine = stat()
        var theirs = stat()
        return fstat(descriptor.fd, &mine) == 0 && stat(directory, &theirs) == 0 && mine.st_dev == theirs.st_dev
    }

    /// Returns once everything written to the file system before the call is durable.
    func flush() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let path = path
            enqueue { failure in
                if let failure { continuation.resume(throwing: POSIXFile.error(failure, path)) } else { continuation.resume() }
            }
        }
    }

    /// ``flush()`` for a thread of its own (the journal's writer), which it blocks meanwhile;
    /// 0 or the errno.
    func flushWaiting() -> Int32 {
        let done = DispatchSemaphore(value: 0)
        let result = Locked<Int32>(0)
        enqueue { failure in
            result.withLock { $0 = failure ?? 0 }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }

    private func enqueue(_ resume: @escaping @Sendable (Int32?) -> Void) {
        let outcome: (start: Bool, refused: Int32?) = state.withLock { state in
            if let failure = state.failure { return (false, failure) }
            state.taken += 1
            state.waiters.append((state.taken, resume))
            defer { state.running = true }
            return (!state.running, nil)
        }
        if let refused = outcome.refused {
            resume(refused)
        } else if outcome.start {
            IOPool.shared.strand().submit { [self] in flushWhileAsked() }
        }
    }

    /// On a pool thread: `syncfs` until no ticket is left uncovered.
    private func flushWhileAsked() {
        while true {
            let upTo = state.withLock { $0.taken }
            let result = FileSystemFlush.sync(descriptor.fd)
            let (ready, failure, again) = state.withLock { state in
                state.syncs += 1
                if result != 0 && state.failure == nil { state.failure = result }
                // After a failure every waiter fails, whichever ticket it holds.
                let covered = state.failure == nil ? upTo : UInt64.max
                let ready = state.waiters.filter { $0.ticket <= covered }.map(\.resume)
                state.waiters.removeAll { $0.ticket <= covered }
                state.running = !state.waiters.isEmpty
                return (ready, state.failure, state.running)
            }
            for resume in ready { resume(failure) }
            if !again { return }
        }
    }
}

/// An open directory descriptor, closed with its owner.
private final class FileDescriptorBox: Sendable {
    let fd: Int32

    init(directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFile.error(errno, directory) }
        self.fd = fd
    }

    deinit { close(fd) }
}
