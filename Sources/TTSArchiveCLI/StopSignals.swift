import Foundation
import TTSNative
import UnixSignals

/// SIGINT/SIGTERM during a run: stop taking work, settle, write the manifest, exit non-zero.
///
/// Built on swift-service-lifecycle's `UnixSignalsSequence`, which turns the signals into an
/// async sequence without blocking a thread. The sequence sets the signals' dispositions to
/// `SIG_IGN` and leaves them so; ``release()`` puts the defaults back, because after the run a
/// lock wait (the last shard's merge) must stay interruptible.
struct StopSignals: Sendable {
    private let signals: UnixSignalsSequence
    /// The watching task, set by `onStop` and cancelled by `release`.
    private let watcher = Locked<Task<Void, Never>?>(nil)

    /// Starts trapping SIGINT and SIGTERM; nothing happens on one until ``onStop(_:)``.
    static func trap() async -> StopSignals {
        StopSignals(signals: await UnixSignalsSequence(trapping: .sigint, .sigterm))
    }

    /// Calls `stop` on each signal (a second Ctrl-C while settling is taken the same way).
    func onStop(_ stop: @escaping @Sendable () -> Void) {
        let signals = self.signals
        watcher.withLock {
            $0 = Task {
                for await signal in signals {
                    printError("ttsarchive: stopping: finishing in-flight work and writing the manifest (\(signal))")
                    stop()
                }
            }
        }
    }

    /// Stops watching and restores the default dispositions.
    func release() {
        watcher.withLock { $0?.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }

}
