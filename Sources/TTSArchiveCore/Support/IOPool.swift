import DequeModule
import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// The fixed pool of I/O threads that hash, check, deflate and write artifacts, started once per
/// process: never one thread (or one dispatch queue) per artifact, never the cooperative pool.
///
/// Work reaches it through ``IOStrand``s: an artifact's pipeline owns one strand, whose work
/// runs in submission order and never on two threads at once, so the pipeline's state needs no
/// lock of its own; but a strand is not tied to a thread. Any idle pool thread runs the next
/// strand that has work (work-conserving), so one artifact's fsync or a giant WAV never leaves
/// a core idle while other artifacts wait behind it, as a thread per artifact-group would.
///
/// Size: one thread per core for the CPU work (deflate and SHA-256 are most of a night's
/// CPU), plus two, because a thread in `fsync`, in `linkat` or waiting for an S3 PUT holds no
/// core and the cores should stay busy meanwhile. Measured on the audio night (2 cores,
/// nginx-served, 731 files): 2 threads bound to artifacts 3.6 s, 4 threads 2.8 s, 8 threads
/// 2.8 s.
public final class IOPool: Sendable {
    /// The process's pool.
    public static let shared = IOPool(threads: max(2, ProcessInfo.processInfo.activeProcessorCount) + 2)

    /// The strands that have work, oldest first; guarded by `condition`.
    private let ready = ReadyQueue()

    /// The number of threads.
    public let threadCount: Int

    /// Starts `threads` threads that live as long as the process, named `<name>.<index>`.
    init(threads: Int, name: String = "ttsarchive.io") {
        threadCount = threads
        for index in 0..<threads {
            let thread = Thread { [ready] in
                // Named from inside, through /proc (pthread_setname_np needs _GNU_SOURCE, which
                // Swift's Glibc lacks; Foundation's `Thread.name` does not reach the kernel):
                // the name `top -H`, `perf` and the tests read.
                let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
                if fd >= 0 {
                    _ = "\(name).\(index)".withCString { write(fd, $0, strlen($0)) }
                    close(fd)
                }
                while true { ready.take().runOnce() }
            }
            thread.start()
        }
    }

    /// A new strand on this pool.
    public func strand() -> IOStrand { IOStrand(pool: self) }

    /// Runs one piece of blocking work (a file's writes, a `syncfs`) on the pool and returns its
    /// result to the calling task, whose thread is free meanwhile.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await strand().perform(work)
    }

    func schedule(_ strand: IOStrand) { ready.put(strand) }

    /// Calls `body` once for every index in `0..<count`, on the calling thread and on idle pool
    /// threads at once, and returns when every call has returned. Blocking: for a thread that
    /// may wait (a pool thread, never the cooperative pool).
    ///
    /// The calling thread takes indices too, so this finishes even when every pool thread is
    /// busy with other work: helpers that start late find nothing left and return.
    public func parallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let next = Locked(0)
        let take: @Sendable () -> Void = {
            while true {
                let index: Int? = next.withLock { next in
                    guard next < count else { return nil }
                    defer { next += 1 }
                    return next
                }
                guard let index else { return }
                body(index)
            }
        }
        let helpers = DispatchGroup()
        for _ in 0..<min(threadCount, count - 1) {
            helpers.enter()
            strand().submit {
                take()
                helpers.leave()
            }
        }
        take()
        helpers.wait()
    }
}

/// The strands waiting for a thread.
// @unchecked: `strands` is guarded by `condition` (NSCondition, because pool threads sleep until a
// strand is ready, which `Locked` cannot do).
private final class ReadyQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var strands = Deque<IOStrand>()

    func put(_ strand: IOStrand) {
        condition.lock()
        strands.append(strand)
        condition.unlock()
        condition.signal()
    }

    func take() -> IOStrand {
        condition.lock()
        defer { condition.unlock() }
        while strands.isEmpty { condition.wait() }
        return strands.removeFirst()
    }
}

/// A serial line of work on an ``IOPool``: what is submitted runs in order, one item at a
/// time, on whichever pool thread is free.
public final class IOStrand: Sendable {
    private let pool: IOPool
    private let mailbox = Locked<Mailbox>(Mailbox())

    private struct Mailbox {
        var work: [@Sendable () -> Void] = []
        /// In the pool's ready queue or running: then new work only joins the mailbox.
        var scheduled = false
    }

    init(pool: IOPool) { self.pool = pool }

    /// Queues `work` behind everything submitted before it on this strand.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        let schedule = mailbox.withLock { mailbox -> Bool in
            mailbox.work.append(work)
            defer { mailbox.scheduled = true }
            return !mailbox.scheduled
        }
        if schedule { pool.schedule(self) }
    }

    /// Runs `work` on the strand and returns its result to the calling task.
    public func perform<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Runs `work` on the strand and waits for it.
    public func perform(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            submit { work(); continuation.resume() }
        }
    }

    /// On a pool thread: runs what was queued when it looked, then goes to the back of the
    /// ready queue if more came meanwhile, so a busy strand (a long WAV) takes turns with the
    /// others instead of holding a thread while they wait.
    fileprivate func runOnce() {
        let batch = mailbox.withLock { mailbox -> [@Sendable () -> Void] in
            defer { mailbox.work = [] }
            return mailbox.work
        }
        for work in batch { work() }
        let again = mailbox.withLock { mailbox -> Bool in
            if mailbox.work.isEmpty { mailbox.scheduled = false }
            return mailbox.scheduled
        }
        if again { pool.schedule(self) }
    }
}
