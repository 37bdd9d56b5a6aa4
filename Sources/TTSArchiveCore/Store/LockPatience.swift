import Foundation

/// How long a lock taker keeps trying (`--wait-lock`): polls with a growing pause, tells its
/// caller once that it is waiting and for whom, and gives up with ``ArchiveLockError`` (exit 4)
/// when the time is spent. Shared by the local lock file and the object-store lock.
struct LockPatience {
    private let started = Date()
    private let wait: TimeInterval
    private let maxPause: TimeInterval
    private let onWait: (@Sendable (LockStatus) -> Void)?
    private var pause: TimeInterval = 0.1
    private var told = false

    init(wait: TimeInterval, maxPause: TimeInterval, onWait: (@Sendable (LockStatus) -> Void)?) {
        self.wait = wait
        self.maxPause = maxPause
        self.onWait = onWait
    }

    /// The lock is held as `status`: sleeps before the next try, or throws if time is up.
    mutating func holdOn(_ status: LockStatus) async throws {
        let waited = Date().timeIntervalSince(started)
        guard waited < wait else { throw ArchiveLockError(.held(status, waited: waited)) }
        if !told {
            told = true
            onWait?(status)
        }
        try await Task.sleep(for: .seconds(min(pause, wait - waited)))
        pause = min(pause * 2, maxPause)
    }
}
