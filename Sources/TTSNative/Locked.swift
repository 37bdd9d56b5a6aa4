#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a `pthread_mutex_t`: the stand-in for the standard library's
/// `Synchronization.Mutex` everywhere in this package.
///
/// Why not `Mutex`: on Linux (Swift 6.3.1) it synchronizes through a futex in code that
/// ThreadSanitizer does not instrument, so every `Mutex`-guarded value is reported as a data
/// race and `make sanitize-thread` cannot tell a real race from the noise
/// (`scripts/sanitizers/tsan_mutex_false_positive.swift` shows it). ThreadSanitizer intercepts
/// `pthread_mutex_lock`, so with this lock its reports are about our code again. The cost is one
/// heap allocation per lock; an uncontended lock/unlock is the same futex fast path.
// @unchecked: `value` is read and written only inside `withLock`, under `mutex`.
public final class Locked<Value>: @unchecked Sendable {
    // Heap-allocated: a pthread mutex must not move, and a stored property of a class is not
    // guaranteed a stable address for `&` across calls.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    /// Guards `value`.
    public init(_ value: Value) {
        self.value = value
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock. `body` must not block or re-enter.
    public func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
