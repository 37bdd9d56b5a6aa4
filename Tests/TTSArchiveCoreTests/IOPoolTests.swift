import Crypto
import Foundation
import Testing
import TTSNative
@testable import TTSArchiveCore

/// The fixed I/O pool and the one owner per artifact that runs on it.
@Suite struct IOPoolTests {
    /// Work on one strand runs in submission order and never on two threads at once, even when
    /// it is submitted from many threads and the pool has several.
    @Test func aStrandIsSerialAndInOrder() async throws {
        let pool = IOPool(threads: 4, name: "test.io")
        let strand = pool.strand()
        let seen = Locked<(order: [Int], inside: Int, overlaps: Int)>(([], 0, 0))
        let producers = 4, each = 500
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    for index in 0..<each {
                        strand.submit {
                            seen.withLock { $0.inside += 1; if $0.inside > 1 { $0.overlaps += 1 } }
                            seen.withLock { $0.order.append(producer * each + index); $0.inside -= 1 }
                        }
                    }
                }
            }
        }
        await strand.perform {}
        let result = seen.withLock { $0 }
        #expect(result.overlaps == 0)
        #expect(result.order.count == producers * each)
        // Each producer's items keep their relative order.
        for producer in 0..<producers {
            let mine = result.order.filter { $0 / each == producer }
            #expect(mine == mine.sorted())
        }
    }

    /// A strand blocked in I/O (here: a semaphore standing for a slow fsync) holds one thread;
    /// the other strands' work runs on the others meanwhile.
    @Test func aBlockedStrandDoesNotHoldTheOthers() async throws {
        let pool = IOPool(threads: 2, name: "test.io")
        let blocked = pool.strand()
        let gate = DispatchSemaphore(value: 0)
        blocked.submit { gate.wait() }
        var done = 0
        for _ in 0..<20 {
            _ = try await pool.strand().perform { 1 }
            done += 1
        }
        #expect(done == 20)
        gate.signal()
        await blocked.perform {}
    }

    /// Many artifacts share the pool's threads: no thread is made per strand.
    @Test func strandsDoNotMakeThreads() async throws {
        func ioThreads() -> Int {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.filter { task in
                let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
                return name.hasPrefix("ttsarchive.io.")
            }.count
        }
        let pool = IOPool.shared
        let strands = (0..<200).map { _ in pool.strand() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for strand in strands {
                group.addTask { await strand.perform { usleep(200) } }
            }
            try await group.waitForAll()
        }
        #expect(ioThreads() == pool.threadCount)
    }

    /// The pipeline computes the content's MD5 only when the response offered an MD5 ETag to
    /// compare it with, and stores the same object whatever the pieces curl hands over.
    @Test func thePipelineHashesForTheETagItWasGiven() async throws {
        let dir = TestDirectory("pipe")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        let content = sampleBytes(count: 700_000, seed: 21)
        let md5 = Array(Insecure.MD5.hash(data: content))
        let etag = "\"" + md5.hexString + "\""
        var objects: [StoredObject] = []
        for (given, piece) in [(etag, 1_000), (nil, 16_384), ("\"5f3e-2a\"", 77_777)] as [(String?, Int)] {
            let pipeline = ArtifactPipeline(store: store, kind: .audio, audioFormat: .wav, highWater: 64 << 10)
            pipeline.reset(etag: given)
            var offset = 0
            while offset < content.count {
                let end = min(offset + piece, content.count)
                let accepted = content[offset..<end].withUnsafeBytes { pipeline.offer($0) }
                // Refused while the lane catches up (back-pressure): offered again, as a paused
                // transfer's bytes are.
                if accepted { offset = end } else { usleep(100) }
            }
            let summary = try await pipeline.summarize()
            #expect(summary.bytes == Int64(content.count))
            #expect(summary.md5 == (given == etag ? md5 : nil))
            objects.append(try await pipeline.commit())
        }
        #expect(Set(objects.map(\.storedSHA256)).count == 1)
        #expect(objects.map(\.isNew) == [true, false, false])
    }
}
