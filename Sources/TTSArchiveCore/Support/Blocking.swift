import Foundation

/// Runs blocking work (fsync, deflate, file I/O) on a thread of its own and awaits the result,
/// so Swift's cooperative pool is never blocked.
public enum Blocking {
    /// Runs `work` on a new thread and resumes with its result.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
