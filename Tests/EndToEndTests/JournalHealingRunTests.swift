import Foundation
import Testing
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

/// A run's state survives a torn journal, and a damaged object is repaired by the next download
/// of its content: real processes, real files cut and flipped on disk.
@Suite("A journal that heals, dedup that checks", .serialized)
struct JournalHealingRunTests {
    func shape(_ m: Manifest) -> [String] {
        m.jobs.flatMap { job in job.artifacts.map { "\(job.jobID) \($0.kind.rawValue) \($0.fileIndex) \($0.sha256) \($0.size)" } }
    }

    func objects(_ dir: ScratchDirectory) -> [String] {
        (FileManager.default.enumerator(atPath: dir.sub("archive/sha256"))?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".gz") }.sorted()
    }

    /// Starts a slowed run and SIGKILLs it once its journal holds `records` lines.
    func killMidRun(_ sim: SimHarness, _ dir: ScratchDirectory, records: Int) async throws {
        let process = ToolProcess.configured(ToolProcess.ttsarchive, sim.runArguments(dir), environment: sim.environment)
        process.standardOutput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        let journal = dir.sub("archive/state/active.journal")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let lines = (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if lines >= records { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(process.isRunning, "the run finished before it could be killed; slow it down")
        kill(process.processIdentifier, SIGKILL)
        await ToolProcess.wait(process)
    }

    @Test func aTornJournalTailIsCutAndTheNextRunEqualsAFaultFreeOne() async throws {
        let reference = try await SimHarness.start(jobs: 60, seed: 41)
        let refDir = ScratchDirectory("heal-ref")
        #expect(try await reference.run(refDir).status == 0)
        let expected = try RunFiles(dir: refDir).manifest()
        await reference.stop()

        let sim = try await SimHarness.start(jobs: 60, seed: 41) { $0.bandwidth = 3_000_000 }
        let dir = ScratchDirectory("heal-torn")
        try await killMidRun(sim, dir, records: 12)
        // Power loss mid-append: the last line reached the disk only in part.
        let journal = dir.sub("archive/state/active.journal")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: journal)))
        let lastStart = (bytes.dropLast().lastIndex(of: 0x0a) ?? -1) + 1
        let kept = lastStart + (bytes.count - lastStart) / 2
        let halfLine = Array(bytes[lastStart..<kept])
        bytes = Array(bytes[..<kept])
        try Data(bytes).write(to: URL(fileURLWithPath: journal))

        let finish = try await sim.run(dir)
        #expect(finish.status == 0, "\(finish.stderr.suffix(1500))")
        #expect(finish.stderr.contains("cut a torn tail"), "the cut is said on stderr: \(finish.stderr.suffix(500))")
        let sides = try FileManager.default.contentsOfDirectory(atPath: dir.sub("archive/state")).filter { $0.hasPrefix("active.journal.cut-") }
        #expect(sides.count == 1)
        let side = try #require(sides.first)
        let cutBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.sub("archive/state/" + side))))
        #expect(!halfLine.isEmpty && cutBytes == halfLine, "the side file holds exactly the torn half-line")

        let manifest = try RunFiles(dir: dir).manifest()
        #expect(manifest.complete)
        #expect(shape(manifest) == shape(expected))
        #expect(objects(dir) == objects(refDir))
        #expect(try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]).status == 0)
        await sim.stop()
    }

    @Test func aDamagedMiddleLineStopsTheRunNamingIt() async throws {
        let sim = try await SimHarness.start(jobs: 40, seed: 43) { $0.bandwidth = 3_000_000 }
        let dir = ScratchDirectory("heal-middle")
        try await killMidRun(sim, dir, records: 8)
        let journal = dir.sub("archive/state/active.journal")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: journal)))
        let newlines = bytes.indices.filter { bytes[$0] == 0x0a }
        try #require(newlines.count >= 4)
        // A flipped bit inside line 3, with good records after it.
        bytes[newlines[1] + 30] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: journal))

        let refused = try await sim.run(dir)
        #expect(refused.status == 4, "\(refused.stderr)")
        #expect(refused.stderr.contains("line 3") && refused.stderr.contains("active.journal"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count <= 2)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: journal))) == bytes, "a damaged middle is left as it is")
        await sim.stop()
    }
}
