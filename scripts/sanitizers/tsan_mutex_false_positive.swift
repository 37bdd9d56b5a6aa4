// Shows why `make sanitize-thread` reports races on state guarded by Synchronization.Mutex:
// on Linux (Swift 6.3.1) the stdlib's Mutex synchronizes in code ThreadSanitizer does not see,
// so eight threads incrementing one Mutex-guarded counter are reported as racing although the
// total is exact.
//   swiftc -sanitize=thread -O scripts/sanitizers/tsan_mutex_false_positive.swift -o /tmp/m && /tmp/m
// prints "WARNING: ThreadSanitizer: Swift access race" and then 1600000.
import Dispatch
import Synchronization

final class Counter: Sendable {
    let value = Mutex(0)
}

let counter = Counter()
DispatchQueue.concurrentPerform(iterations: 8) { _ in
    for _ in 0..<200_000 { counter.value.withLock { $0 += 1 } }
}
print(counter.value.withLock { $0 })
