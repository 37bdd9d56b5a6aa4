import Foundation
import Testing
import TTSSimulator
@testable import TTSArchiveCore

/// Issue 15: whatever fails in a night is retried within the night, carried as owed work to
/// the next, or stops the night without closing its window; nothing is silently lost.
@Suite("Nothing lost", .serialized)
struct NothingLostTests {
    /// "<job> <kind> <index>" of every artifact a manifest lists.
    static func artifactKeys(_ manifest: Manifest) -> Set<String> {
        Set(manifest.jobs.flatMap { job in job.artifacts.map { "\(job.jobID) \($0.kind.rawValue) \($0.fileIndex)" } })
    }

    /// Simulator object keys of every artifact a manifest lists.
    static func objectKeys(_ manifest: Manifest) -> Set<String> {
        Set(manifest.jobs.flatMap { $0.artifacts.compactMap { MetaStudioSimulator.objectKey(ofLink: $0.source) } })
    }

    /// Objects the simulator served a GET for since its stats were last reset.
    static func downloaded(_ sim: SimHarness) -> Set<String> {
        Set(sim.simulator.stats().objects.filter { $0.value.requests > 0 }.keys)
    }

    @Test func flippedBytesAndAbsurdLengthsOnTwoAttemptsAreArchivedTheSameNight() async throws {
        // Before issue 15 a flip was retried once and an absurd length never: both failed.
        let sim = try await SimHarness.start(jobs: 40, seed: 41) { config in
            config.faults = FaultRates([.flip: 0.25, .absurdLength: 0.15])
            config.faultMode = .firstAttempts
            config.faultAttempts = 2
            config.absurdLengthAttempts = 2
        }
        let dir = ScratchDirectory("two-bad-answers")
        let result = try await sim.run(dir)
        let stats = sim.simulator.stats()
        #expect((stats.faults["flip"] ?? 0) >= 2, "the simulator flipped nothing twice")
        #expect((stats.faults["absurd_length"] ?? 0) >= 2, "the simulator announced no absurd length twice")
        let manifest = try RunFiles(dir: dir).manifest()
        #expect(result.status == 0, "\(manifest.failures.prefix(3)) \(result.stderr.suffix(800))")
        #expect(manifest.complete && manifest.failures.isEmpty)
        #expect(manifest.owed == nil, "nothing is owed when every retry succeeded")
        #expect(manifest.counts.retries >= (stats.faults["flip"] ?? 0) + (stats.faults["absurd_length"] ?? 0))
        let verify = try await ToolProcess.run(["verify", "--read-data", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(verify.status == 0, "\(verify.stdout.suffix(800))")
        await sim.stop()
    }

    @Test func aStickyFailureIsOwedUntilArchived() async throws {
        // 503 on every attempt of a tenth of the objects, until the fault is cleared.
        let sim = try await SimHarness.start(jobs: 40, seed: 42) { config in
            config.faults = FaultRates([.download5xx: 0.1])
            config.faultMode = .firstAttempts
            config.faultAttempts = 1_000
        }
        let dir = ScratchDirectory("sticky")
        let first = try await sim.run(dir)
        #expect(first.status == 1, "\(first.stderr.suffix(800))")
        let night1 = try RunFiles(dir: dir).manifest()
        let failed = Set(night1.failures.compactMap { f in f.kind.map { "\(f.jobID) \($0.rawValue) \(f.fileIndex ?? -1)" } })
        #expect(!failed.isEmpty, "the sticky fault failed nothing")
        #expect(night1.complete, "a failed artifact is not a stopped night")
        let owed = try #require(night1.owed)
        #expect(owed.count == failed.count)
        #expect(Set(owed.artifacts.map { "\($0.jobID) \($0.kind.rawValue) \($0.fileIndex)" }) == failed)
        #expect(owed.oldestSince != nil && owed.reasons.values.reduce(0, +) == failed.count)
        let status = try await ToolProcess.run(["status", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(status.stdout.contains("owed      \(failed.count) artifact(s) to fetch again"), "\(status.stdout)")

        // Night 2, after the fault cleared: a window after every job, so only owed work is fetched.
        var patch = ControlPatch()
        patch.faults = [.download5xx: 0]
        _ = try sim.simulator.apply(patch)
        sim.simulator.resetStats()
        let second = try await sim.run(dir, extra: ["--since", SimHarness.until], window: false)
        #expect(second.status == 0, "\(second.stderr.suffix(800))")
        let night2 = try RunFiles(dir: dir).manifest()
        #expect(night2.complete && night2.failures.isEmpty)
        #expect(Self.artifactKeys(night2) == failed, "night 2 archives exactly what night 1 owed")
        #expect(Self.downloaded(sim) == Self.objectKeys(night2), "night 2 downloads exactly the owed files")
        #expect(night2.owed?.count == 0)

        // Night 3: nothing owed, nothing new: nothing downloaded.
        sim.simulator.resetStats()
        let third = try await sim.run(dir, extra: ["--since", SimHarness.until], window: false)
        #expect(third.status == 0, "\(third.stderr.suffix(800))")
        #expect(Self.downloaded(sim).isEmpty, "night 3 downloaded \(Self.downloaded(sim).sorted().prefix(3))")
        #expect(try RunFiles(dir: dir).manifest().owed == nil)
        await sim.stop()
    }

    @Test func aFullDiskStopsTheNightAndTheNextFetchesOnlyWhatIsMissing() async throws {
        let dir = ScratchDirectory("enospc")
        let archive = dir.sub("archive")
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        // A real small tmpfs under the store; the state stays on the ordinary disk (--state).
        let mount = try await ToolProcess.run(["-t", "tmpfs", "-o", "size=1500k", "tmpfs", archive], executable: "/bin/mount")
        guard mount.status == 0 else {
            Issue.record("cannot mount a tmpfs here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); the full-disk test needs root")
            return
        }
        defer { _ = try? Process.run(URL(fileURLWithPath: "/bin/umount"), arguments: ["-l", archive]).waitUntilExit() }
        let sim = try await SimHarness.start(jobs: 30, seed: 43) { config in
            config.audioMinBytes = 150_000
            config.audioMaxBytes = 250_000
        }
        let state = ["--state", dir.sub("state")]
        let first = try await sim.run(dir, extra: state)
        #expect(first.status == 4, "\(first.stderr.suffix(800))")
        let message = first.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(message.contains("no space left") && message.contains("free") && message.contains(archive), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dir.sub("manifests/HEAD.json")), "a stopped night claims nothing")
        #expect(FileManager.default.fileExists(atPath: dir.sub("state/active.journal")), "the window stays open")
        #expect(!FileManager.default.fileExists(atPath: dir.sub("state/last-complete.json")))
        let stored = Set(try RunJournal.load(dir.sub("state/active.journal")).compactMap {
            $0.artifact.flatMap { MetaStudioSimulator.objectKey(ofLink: $0.source) }
        })
        #expect(!stored.isEmpty, "the disk filled before anything was stored; enlarge the tmpfs")

        // Space again: the window resumes and fetches exactly what the journal lacks.
        let grow = try await ToolProcess.run(["-o", "remount,size=64m", archive], executable: "/bin/mount")
        #expect(grow.status == 0, "\(grow.stderr)")
        sim.simulator.resetStats()
        let second = try await sim.run(dir, extra: state)
        #expect(second.status == 0, "\(second.stderr.suffix(800))")
        let manifest = try RunFiles(dir: dir).manifest()
        #expect(manifest.complete && manifest.failures.isEmpty)
        #expect(manifest.jobs.count == manifest.counts.jobsByState["SUCCEED"])
        #expect(Self.downloaded(sim) == Self.objectKeys(manifest).subtracting(stored), "only what was missing is fetched")
        let verify = try await ToolProcess.run(["verify", "--archive", archive, "--manifests", dir.sub("manifests")])
        #expect(verify.status == 0, "\(verify.stdout.suffix(800))")
        await sim.stop()
    }

    @Test func aDamagedObjectIsQuarantinedAndFetchedAgain() async throws {
        let sim = try await SimHarness.start(jobs: 12, seed: 44)
        let dir = ScratchDirectory("repair")
        #expect(try await sim.run(dir).status == 0)
        let night1 = try RunFiles(dir: dir).manifest()
        let victim = try #require(night1.jobs.first { $0.artifacts.contains { $0.kind == .audio } }?.artifacts.first { $0.kind == .audio })
        let path = dir.sub("archive/" + victim.object)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let args = ["--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]
        let found = try await ToolProcess.run(["verify", "--read-data"] + args)
        #expect(found.status == 5)
        #expect(found.stdout.contains(victim.object), "\(found.stdout)")
        let repaired = try await ToolProcess.run(["verify", "--repair"] + args)
        #expect(repaired.status == 5, "the damage was found, whatever the repair did")
        let hex = try #require(ContentDigest(objectPath: victim.object)).hex
        #expect(repaired.stdout.contains("repaired \(victim.object): quarantined as quarantine/\(hex)."), "\(repaired.stdout)")
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: dir.sub("archive/quarantine"))
        #expect(quarantined.contains { $0.hasPrefix(hex + ".") && $0.hasSuffix(".gz") }, "moved aside, never deleted")
        #expect(!FileManager.default.fileExists(atPath: path))
        let owed = try OwedWork.load(dir.sub("archive/state"))
        let pointing = night1.jobs.flatMap { job in job.artifacts.filter { $0.object == victim.object }.map { "\(job.jobID) \($0.kind.rawValue) \($0.fileIndex)" } }
        #expect(Set(owed.artifacts.map { "\($0.jobID) \($0.kind.rawValue) \($0.fileIndex)" }) == Set(pointing))

        sim.simulator.resetStats()
        let next = try await sim.run(dir, extra: ["--since", SimHarness.until], window: false)
        #expect(next.status == 0, "\(next.stderr.suffix(800))")
        let night2 = try RunFiles(dir: dir).manifest()
        #expect(Self.artifactKeys(night2) == Set(pointing))
        #expect(Self.downloaded(sim) == Self.objectKeys(night2))
        #expect(FileManager.default.fileExists(atPath: path), "the object is back")
        let clean = try await ToolProcess.run(["verify", "--read-data"] + args)
        #expect(clean.status == 0, "\(clean.stdout.suffix(800))")
        await sim.stop()
    }
}
