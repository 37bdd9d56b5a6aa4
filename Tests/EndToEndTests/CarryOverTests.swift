import Foundation
import Testing
import TTSSimulator
@testable import TTSArchiveCore

@Suite("Pending jobs and dry runs", .serialized)
struct CarryOverTests {
    @Test func aSlowSynthesisIsArchivedByALaterRun() async throws {
        // Pending jobs stay pending until the first run is over, however slowly it starts (a
        // fixed delay failed under ASan's slow start-up); then they succeed at once.
        let sim = try await SimHarness.start(jobs: 120, seed: 31) { config in
            config.pendingBecomeSucceededAfter = nil
            config.pendingSucceedFraction = 1
        }
        let dir = ScratchDirectory("carry")
        let first = try await sim.run(dir)
        #expect(first.status == 0, "\(first.stderr.suffix(800))")
        let firstManifest = try RunFiles(dir: dir).manifest()
        let pending = Set(firstManifest.pending.map(\.jobID))
        #expect(!pending.isEmpty, "the world has WAITING/PROCESSING jobs")
        #expect(Set(firstManifest.jobs.map(\.jobID)).isDisjoint(with: pending))

        var patch = ControlPatch()
        patch.pendingBecomeSucceededAfter = 0
        _ = try sim.simulator.apply(patch)
        // The next night: no --since, so its window starts at the last one's end minus the
        // overlap, after those jobs' creation times; they are re-checked by job_id all the same.
        let second = try await sim.run(dir, window: false)
        #expect(second.status == 0, "\(second.stderr.suffix(800))")
        let secondManifest = try RunFiles(dir: dir).manifest()
        #expect(secondManifest.previousManifest?.runID == firstManifest.runID)
        let archivedNow = Set(secondManifest.jobs.map(\.jobID))
        #expect(pending.isSubset(of: archivedNow), "missed: \(pending.subtracting(archivedNow).sorted().prefix(3))")
        #expect(secondManifest.pending.isEmpty)
        #expect(secondManifest.jobs.allSatisfy { !$0.artifacts.isEmpty })
        await sim.stop()
    }

    @Test func dryRunListsAndCountsButWritesNothing() async throws {
        let sim = try await SimHarness.start(jobs: 80, seed: 32)
        let dir = ScratchDirectory("dry")
        let result = try await sim.run(dir, extra: ["--dry-run", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(summary?["jobs_listed"] as? Int == 80)
        #expect(sim.simulator.stats().objects.values.allSatisfy { $0.requests == 0 }, "a dry run downloads nothing")
        #expect(!FileManager.default.fileExists(atPath: dir.sub("manifests/HEAD.json")))
        await sim.stop()
    }
}
