import Crypto
import Foundation
import Testing

@testable import TTSArchiveCore

/// Deduplication checks the object it is about to trust: a damaged one is moved to
/// `quarantine/` and the new download stored in its place; a sound one written by another
/// deflate build is kept. Real files damaged on disk, and real objects in SeaweedFS.
@Suite("Dedup checks what it trusts")
struct DedupRepairTests {
    /// Ways an object can be damaged, applied to its `.gz` bytes.
    enum Damage: String, CaseIterable, CustomStringConvertible {
        case truncatedToHalf, shorterThanAGzipTrailer, flippedByteSameSize, empty
        var description: String { rawValue }

        func apply(_ bytes: [UInt8]) -> [UInt8] {
            switch self {
            case .truncatedToHalf: return Array(bytes.prefix(bytes.count / 2))
            case .shorterThanAGzipTrailer: return Array(bytes.prefix(12))
            case .flippedByteSameSize:
                var out = bytes
                out[out.count / 2] ^= 0x40
                return out
            case .empty: return []
            }
        }
    }

    @Test(arguments: StoreBackend.allCases, Damage.allCases)
    func aDamagedObjectIsQuarantinedAndStoredAgain(backend: StoreBackend, damage: Damage) async throws {
        for size in [700, 300_000] {
            let subject = try await StoreUnderTest.make(backend, "dedup")
            let content = sampleBytes(count: size, seed: UInt64(size))
            let first = try await subject.put(content)
            let good = try await subject.rawRead(first.path)
            let damaged = damage.apply(good)
            try await subject.rawWrite(first.path, damaged)

            let again = try await subject.put(content)
            #expect(again.isNew, "\(size) B: the damaged object was trusted as a duplicate")
            #expect(again.storedSHA256 == first.storedSHA256 && again.storedSize == first.storedSize)
            #expect(try await subject.rawRead(first.path) == good, "the object is whole again")
            #expect(try await subject.read(first.digest) == content)
            // The damaged bytes are kept, never deleted, and are not a stray object.
            let aside = try await subject.rawList("quarantine")
            #expect(aside.count == 1 && aside.first?.hasPrefix("quarantine/" + first.digest.hex) == true, "\(aside)")
            if let name = aside.first { #expect(try await subject.rawRead(name) == damaged) }
            #expect(try await subject.entries().allSatisfy { $0.digest != nil })

            // Sound now: the next duplicate is trusted and nothing more is moved.
            let third = try await subject.put(content)
            #expect(!third.isNew)
            #expect(try await subject.rawList("quarantine").count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aSoundObjectFromAnotherDeflateBuildIsKept(backend: StoreBackend) async throws {
        let subject = try await StoreUnderTest.make(backend, "dedup-other")
        let content = sampleBytes(count: 200_000, seed: 9)
        let first = try await subject.put(content)
        // The same content deflated otherwise (gzip -1): other bytes, another size, still sound.
        let dir = TestDirectory("gzip1")
        try Data(content).write(to: URL(fileURLWithPath: dir.sub("raw")))
        #expect(shell("gzip -1 -n -c '\(dir.sub("raw"))' > '\(dir.sub("raw.gz"))'").status == 0)
        let other = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.sub("raw.gz"))))
        #expect(other.count != Int(first.storedSize), "the test needs a different size")
        try await subject.rawWrite(first.path, other)

        let again = try await subject.put(content)
        #expect(!again.isNew, "a sound object must not be replaced")
        #expect(try await subject.rawRead(first.path) == other)
        #expect(again.storedSize == Int64(other.count))
        if backend != .s3 { #expect(again.storedSHA256 == SHA256.hash(data: other).hexString) }
        #expect(try await subject.rawList("quarantine").isEmpty)
    }
}
