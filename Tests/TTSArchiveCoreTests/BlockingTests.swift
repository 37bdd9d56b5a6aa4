import Foundation
import NIOCore
import Testing

@testable import TTSArchiveCore

@Suite("blocking work runs on one fixed pool")
struct BlockingTests {
    @Test func manyCallsShareTheFixedPoolsThreads() async throws {
        let threads = try await withThrowingTaskGroup(of: UInt.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await Blocking.run {
                        usleep(200)  // long enough that calls overlap
                        return UInt(pthread_self())  // pthread_t is an integer on Linux
                    }
                }
            }
            var seen: Set<UInt> = []
            for try await thread in group { seen.insert(thread) }
            return seen
        }
        // A thread per call would show ~200 distinct threads.
        #expect(threads.count <= NIOSingletons.blockingPoolThreadCountSuggestion)
        #expect(!threads.isEmpty)
    }

    @Test func workStillRunsForACancelledTask() async throws {
        // A run stopped by SIGINT still writes its manifest through Blocking.run.
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Blocking.run { 42 }
        }
        #expect(try await task.value == 42)
    }
}
