import Foundation
import Testing
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

@Suite("ttsarchive run against the simulator", .serialized)
struct RunTests {
    @Test func cleanRunOf500Jobs() async throws {
        let sim = try await SimHarness.start(jobs: 500)
        let dir = ScratchDirectory("run500")
        let result = try await sim.run(dir, extra: ["-vv"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let manifest = try RunFiles(dir: dir).manifest()
        #expect(manifest.complete)
        #expect(manifest.failures.isEmpty)

        // What the simulator serves, listed afresh: every SUCCEED job, every link, byte-identical.
        let engine = HTTPEngine()
        defer { engine.shutdown() }
        let jobs = try await sim.allJobs(engine: engine)
        #expect(jobs.count == 500)
        let succeeded = jobs.filter { $0.jobState == .succeeded }
        #expect(manifest.counts.jobsByState.values.reduce(0, +) == 500)
        #expect(manifest.counts.jobsByState["SUCCEED"] == succeeded.count)
        #expect(manifest.jobs.map(\.jobID) == succeeded.map(\.jobID).sorted())
        let byJob = Dictionary(uniqueKeysWithValues: manifest.jobs.map { ($0.jobID, $0) })
        var checked = 0
        for job in succeeded {
            let artifacts = byJob[job.jobID]?.artifacts ?? []
            #expect(artifacts.count == job.links.count, "job \(job.jobID)")
            for link in job.links {
                let served = try await SimHarness.digest(of: link.url, engine: engine)
                let archived = artifacts.first { $0.kind == link.kind && $0.fileIndex == link.fileIndex }
                #expect(archived?.sha256 == served)
                checked += 1
            }
        }
        #expect(checked > 500)
        // Non-SUCCEED jobs are counted, not archived.
        #expect(manifest.jobs.count < 500)
        #expect(manifest.counts.objectsDeduplicated > 0, "the simulator shares files between jobs")
        #expect(manifest.counts.bytes == manifest.jobs.flatMap(\.artifacts).reduce(0) { $0 + $1.size })

        // The store verifies, from ttsarchive and from standard tools.
        #expect(try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]).status == 0)
        let sample = try #require(manifest.jobs.first?.artifacts.first)
        let gunzip = try await ToolProcess.run(["-c", "gunzip -c '\(dir.sub("archive/" + sample.object))' | sha256sum"], executable: "/bin/sh")
        #expect(gunzip.stdout.hasPrefix(sample.sha256))

        // Nothing secret anywhere: outputs (with -vv logs), manifests, state.
        for secret in sim.secrets {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(secret) in output")
            for file in RunFiles(dir: dir).writtenFiles() {
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                #expect(!text.contains(secret), "\(secret) in \(file)")
            }
        }
        #expect(result.stdout.split(separator: "\n").last?.hasPrefix("head ") == true)

        // A second run over the same window fetches nothing again.
        sim.simulator.resetStats()
        let again = try await sim.run(dir)
        #expect(again.status == 0, "\(again.stderr.suffix(1000))")
        let second = try RunFiles(dir: dir).manifest()
        #expect(second.counts.jobsAlreadyArchived == succeeded.count)
        #expect(sim.simulator.stats().objects.values.allSatisfy { $0.requests == 0 })
        #expect(second.previousManifest?.sha256 == (try? RunFiles(dir: dir).head()).map { _ in second.previousManifest!.sha256 })
        await sim.stop()
    }

    @Test func interruptedBySIGINTWritesAnIncompleteManifest() async throws {
        let sim = try await SimHarness.start(jobs: 200) { $0.bandwidth = 2_000_000 }
        let dir = ScratchDirectory("sigint")
        let process = ToolProcess.configured(ToolProcess.ttsarchive, sim.runArguments(dir), environment: sim.environment)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        try await Task.sleep(for: .seconds(3))
        kill(process.processIdentifier, SIGINT)
        let output = String(decoding: await ToolProcess.readAll(out), as: UTF8.self)
        await ToolProcess.wait(process)
        #expect(process.terminationStatus == 1, "\(output)")
        let manifest = try RunFiles(dir: dir).manifest()
        #expect(!manifest.complete)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("archive/tmp")).isEmpty)
        // Running again finishes the same window.
        var patch = ControlPatch()
        patch.bandwidth = 0
        _ = try sim.simulator.apply(patch)
        let finish = try await sim.run(dir, window: false)
        #expect(finish.status == 0, "\(finish.stderr.suffix(1000))")
        let final = try RunFiles(dir: dir).manifest()
        #expect(final.complete && final.window == manifest.window)
        #expect(final.previousManifest?.runID == manifest.runID)
        await sim.stop()
    }
}
