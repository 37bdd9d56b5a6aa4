import Foundation
import NIOPosix

/// Runs blocking work (fsync, file I/O, whole-store scans) on swift-nio's fixed blocking pool
/// (`NIOThreadPool.singleton`, one thread per core, made once) and awaits the result, so Swift's
/// cooperative pool is never blocked and no call starts a thread of its own.
public enum Blocking {
    /// Runs `work` on a thread of the I/O pool and resumes with its result.
    ///
    /// Submitted with `submit`, not `runIfActive`: the latter drops work whose task is already
    /// cancelled, and a run stopped by SIGINT must still write its manifest through here.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            NIOThreadPool.singleton.submit { state in
                switch state {
                case .active: continuation.resume(with: Result { try work() })
                case .cancelled: continuation.resume(throwing: CancellationError())  // the pool is shutting down
                }
            }
        }
    }
}

extension Blocking {
    /// Waits on the calling thread for async work: the bridge from the store's blocking API
    /// (called on a pipeline's serial queue or a ``run(_:)`` thread) to the async S3 client.
    /// Never call it from Swift's cooperative pool, whose threads it would hold.
    public static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.set(await Result { try await work() })
            done.signal()
        }
        done.wait()
        return try box.get()
    }
}

/// The hand-over slot of ``Blocking/wait(_:)``: written once by the task, read after the semaphore.
// @unchecked: `result` is only touched under `lock`; `get` runs after the semaphore that `set`'s
// task signals, so the force unwrap cannot see nil.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
    func get() throws -> T { try lock.withLock { result! }.get() }
}

extension Result where Failure == any Error {
    /// `Result(catching:)` for async work.
    init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
