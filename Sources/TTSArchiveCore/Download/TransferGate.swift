import DequeModule
import TTSNative

/// The `--concurrency` bound on transfers: an artifact holds one of its permits while it talks
/// to the server, and gives it back once its bytes are in, before verification and commit.
///
/// Why the bound is on transfers and not on whole artifacts: committing an artifact waits for
/// the disk (the store's group commit, then the journal's), which takes as long as fetching a
/// small file. With the whole artifact inside the bound, 8 slots meant 8 artifacts spread over
/// download, fsync and journal, never 8 downloads, and each commit batch had one or two
/// objects in it. With this gate the scheduler lets more artifacts be in flight
/// (``RunOptions/artifactsInFlight``) while the network still sees at most `concurrency`
/// transfers, and commits that wait on the disk wait together.
///
/// Permits go to waiters first come, first served: the scheduler starts artifacts oldest link
/// first, and they keep that order here.
public final class TransferGate: Sendable {
    private struct State {
        var free: Int
        var waiters: Deque<(id: UInt64, continuation: CheckedContinuation<Bool, Never>)> = []
        var nextID: UInt64 = 0
        /// Waiters cancelled before they queued (the handler ran first).
        var cancelled: Set<UInt64> = []
    }

    private let state: Locked<State>

    /// A gate that lets `permits` transfers through at once.
    public init(permits: Int) {
        state = Locked(State(free: max(1, permits)))
    }

    /// Waits for a permit; false when the task was cancelled first (then it holds none).
    public func enter() async -> Bool {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let granted: Bool? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return false }
                    if state.free > 0 && state.waiters.isEmpty {
                        state.free -= 1
                        return true
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let granted { continuation.resume(returning: granted) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Bool, Never>? = state.withLock { state in
                if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: index).continuation
                }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.resume(returning: false)
        }
        // A cancellation that came after the permit was granted left its mark behind.
        state.withLock { _ = $0.cancelled.remove(id) }
        return granted
    }

    /// Gives a permit back (to the longest waiter, if any).
    public func leave() {
        let next: CheckedContinuation<Bool, Never>? = state.withLock { state in
            if let waiter = state.waiters.popFirst() { return waiter.continuation }
            state.free += 1
            return nil
        }
        next?.resume(returning: true)
    }

    /// Permits free now (for tests).
    var available: Int { state.withLock { $0.free } }
    /// Tasks waiting for a permit now (for tests).
    var waiting: Int { state.withLock { $0.waiters.count } }
}
