import Foundation
import Testing
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

/// Every fault the simulator injects: the run finishes, nothing corrupt is stored, and each
/// failure is named in the manifest.
@Suite("Faults", .serialized)
struct FaultTests {
    struct Case: Sendable, CustomStringConvertible {
        var fault: FaultKind
        var rate: Double
        /// Recovered by retries: everything archived, exit 0.
        var recovers: Bool
        var description: String { fault.rawValue }
    }

    static let cases: [Case] = [
        // Listing faults hit every page's first attempt: the night has one page of 60 jobs.
        Case(fault: .list5xx, rate: 1, recovers: true), Case(fault: .list429, rate: 1, recovers: true),
        Case(fault: .malformedJSON, rate: 1, recovers: true), Case(fault: .download5xx, rate: 0.2, recovers: true),
        Case(fault: .download429, rate: 0.2, recovers: true), Case(fault: .reset, rate: 0.2, recovers: true),
        Case(fault: .truncate, rate: 0.2, recovers: true), Case(fault: .flip, rate: 0.2, recovers: true),
        Case(fault: .trickle, rate: 0.05, recovers: true), Case(fault: .hostileJobID, rate: 0.1, recovers: true),
        Case(fault: .badRecord, rate: 0.2, recovers: false), Case(fault: .foreignHost, rate: 0.1, recovers: false),
        Case(fault: .redirectFile, rate: 0.1, recovers: false), Case(fault: .absurdLength, rate: 0.1, recovers: false),
    ]

    @Test(arguments: cases)
    func runSurvives(_ c: Case) async throws {
        let sim = try await SimHarness.start(jobs: 60, seed: 21) { config in
            config.faults = FaultRates([c.fault: c.rate])
        }
        let dir = ScratchDirectory("fault-\(c.fault.rawValue)")
        let result = try await sim.run(dir)
        let stats = sim.simulator.stats()
        #expect((stats.faults[c.fault.rawValue] ?? 0) > 0, "the simulator injected no \(c.fault.rawValue)")
        let manifest = try RunFiles(dir: dir).manifest()
        #expect(manifest.complete, "\(result.stderr.suffix(800))")
        if c.recovers {
            #expect(result.status == 0, "\(manifest.failures.prefix(3)) \(result.stderr.suffix(800))")
            #expect(manifest.failures.isEmpty)
        } else {
            #expect(result.status == 1)
            #expect(!manifest.failures.isEmpty || !manifest.badRecords.isEmpty, "the fault must be named")
        }
        // Nothing corrupt was stored, and every stored artifact is named with its digest.
        let verify = try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(verify.status == 0, "\(verify.stdout)")
        switch c.fault {
        case .foreignHost:
            // The simulator's foreign links are plain http to a non-loopback address: refused twice over.
            #expect(manifest.failures.contains { $0.error.contains("refused") })
            #expect(!manifest.failures.contains { $0.error.contains("Signature") })
        case .redirectFile:
            #expect(manifest.failures.contains { $0.error.contains("30") })
        case .absurdLength:
            #expect(manifest.failures.contains { $0.error.lowercased().contains("large") || $0.error.contains("max") })
        case .badRecord:
            #expect(!manifest.badRecords.isEmpty && manifest.counts.badRecords == manifest.badRecords.count)
        case .hostileJobID:
            #expect(manifest.jobs.contains { $0.jobID.contains("..") || $0.jobID.contains("/") })
        case .flip, .truncate, .reset, .download5xx, .download429:
            #expect(manifest.counts.retries > 0)
        default: break
        }
        await sim.stop()
    }

    @Test func expiredLinksAreRelisted() async throws {
        // The race: links live 20 s, and a bandwidth cap stretches the night to about a
        // minute. All 40 jobs fit in one listing page, so their links are minted together and
        // most of them expire before their turn comes.
        let sim = try await SimHarness.start(jobs: 40, seed: 5) { config in
            config.linkTTL = 20
            config.bandwidth = 300_000
            config.audioMinBytes = 300_000
            config.audioMaxBytes = 600_000
        }
        let dir = ScratchDirectory("expiry")
        let result = try await sim.run(dir, extra: ["--concurrency", "4"])
        #expect(result.status == 0, "\(result.stderr.suffix(1500))")
        let manifest = try RunFiles(dir: dir).manifest()
        #expect(manifest.complete && manifest.failures.isEmpty)
        #expect(manifest.counts.relists > 0, "links expired, so jobs must have been re-listed")
        #expect(manifest.jobs.count == manifest.counts.jobsByState["SUCCEED"])
        // The race was real: the night outlived the links' 20 s lifetime more than twice over. Links
        // are refreshed before they expire, so the simulator rarely or never has to refuse one.
        let started = try #require(Timestamp.parse(manifest.startedAt))
        let finished = try #require(Timestamp.parse(manifest.finishedAt))
        #expect(finished.timeIntervalSince(started) > 40)
        #expect(sim.simulator.stats().linksMinted > manifest.counts.jobsByState["SUCCEED", default: 0])
        let verify = try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(verify.status == 0)
        await sim.stop()
    }
}
