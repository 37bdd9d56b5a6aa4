import Foundation
import Testing
import TTSNative

@testable import TTSArchiveCore

/// Blocking work (store files, fsyncs, manifests) goes to the one fixed I/O pool: never a
/// thread per call, never the cooperative pool.
@Suite("blocking work runs on one fixed pool")
struct BlockingTests {
    @Test func manyCallsShareTheFixedPoolsThreads() async throws {
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await IOPool.shared.run {
                        usleep(200)  // long enough that calls overlap
                        return try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
                    }
                }
            }
            var seen: Set<String> = []
            for try await name in group { seen.insert(name.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return seen
        }
        // A thread per call would show ~200 distinct threads; the cooperative pool's threads
        // have other names.
        #expect(names.count <= IOPool.shared.threadCount)
        #expect(!names.isEmpty)
        #expect(names.allSatisfy { $0.hasPrefix("ttsarchive.io.") }, "\(names)")
    }

    @Test func workStillRunsForACancelledTask() async throws {
        // A run stopped by SIGINT still writes its manifest through the pool.
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await IOPool.shared.run { 42 }
        }
        #expect(try await task.value == 42)
    }

    @Test func storeReadsKeepNoThreadWaiting() async throws {
        // Reading an object back runs its checks and its sink on the pool, not on the caller's
        // thread: the sink sees only pool threads.
        let subject = try await StoreUnderTest.make(.local, "blocking-read")
        let stored = try await subject.put(Array(repeating: 7, count: 600_000))
        let seen = Locked<Set<String>>([])
        try await subject.store.readObject(stored.digest) { _ in
            let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?"
            seen.withLock { _ = $0.insert(name.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        #expect(!seen.withLock { $0 }.isEmpty)
        #expect(seen.withLock { $0 }.allSatisfy { $0.hasPrefix("ttsarchive.io.") })
    }
}
