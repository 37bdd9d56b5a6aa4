import Crypto
import Foundation
import Testing
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

/// Every regular file under `root`, by relative path, with its bytes.
private func files(under root: String) -> [String: Data] {
    var out: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let name = enumerator?.nextObject() as? String {
        if enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
            out[name] = FileManager.default.contents(atPath: root + "/" + name)
        }
    }
    return out
}

private func sha256(_ data: Data?) -> String? { data.map { SHA256.hash(data: $0).hexString } }

@Suite("verify, restore and export a real run", .serialized)
struct AuditTests {
    @Test func aRunVerifiesRestoresByteIdenticalAndExportsAValidBag() async throws {
        let sim = try await SimHarness.start(jobs: 40, seed: 11) { config in
            config.faults[.hostileJobID] = 0.15
            config.audioMaxBytes = 300_000
        }
        let dir = ScratchDirectory("audit")
        let run = try await sim.run(dir)
        #expect(run.status == 0, "\(run.stderr.suffix(1000))")
        let manifest = try RunFiles(dir: dir).manifest()
        let head = try RunFiles(dir: dir).head()
        let store = ["--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]

        // verify: clean, as text and JSON, quick, and against the kept head.
        let clean = try await ToolProcess.run(["verify"] + store)
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.contains("all good"))
        let json = try await ToolProcess.run(["verify", "--json"] + store)
        let report = try JSONDecoder().decode(ManifestVerification.self, from: Data(json.stdout.utf8))
        #expect(report.isClean && report.chain == [head.file] && report.artifactsChecked == manifest.counts.artifactsStored)
        #expect(try await ToolProcess.run(["verify", "--quick"] + store).status == 0)
        #expect(try await ToolProcess.run(["verify", "--expect-head", head.sha256] + store).status == 0)
        let wrongHead = try await ToolProcess.run(["verify", "--expect-head", String(repeating: "0", count: 64)] + store)
        #expect(wrongHead.status == 5 && wrongHead.stdout.contains("head_mismatch"))

        // restore: what the simulator serves, byte for byte, under DIR only.
        let out = dir.sub("restored")
        let restore = try await ToolProcess.run(["restore", "--run", manifest.runID, "--out", out] + store)
        #expect(restore.status == 0, "\(restore.stderr)")
        let restored = files(under: out)
        #expect(restored.count == manifest.counts.artifactsStored)
        let engine = HTTPEngine()
        defer { engine.shutdown() }
        let served = try await sim.allJobs(engine: engine).filter { $0.jobState == .succeeded }
        #expect(served.contains { $0.jobID == "../../etc/passwd" } || served.contains { $0.jobID.contains("/") }, "the run has hostile ids")
        var compared = 0
        for job in served {
            let folder = try SafePathComponent(job.jobID).value
            for link in job.links {
                let ext = link.kind == .audio ? (job.audioFormat ?? .wav).fileExtension : link.kind.fileExtension()
                let name = "\(folder)/\(link.kind.rawValue)-\(link.fileIndex).\(ext)"
                #expect(sha256(restored[name]) == (try await SimHarness.digest(of: link.url, engine: engine)), "\(name)")
                compared += 1
            }
        }
        #expect(compared == restored.count)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["archive", "manifests", "restored"])
        #expect(try await ToolProcess.run(["restore", "--run", manifest.runID, "--out", out] + store).status == 2, "existing files are refused")
        #expect(try await ToolProcess.run(["restore", "--run", manifest.runID, "--out", out, "--force"] + store).status == 0)
        #expect(try await ToolProcess.run(["restore", "--run", "../manifests/x", "--out", out] + store).status == 2)

        // export: twice identical, as folders and as tar; the reference validator accepts it.
        for name in ["bag1", "bag2"] {
            #expect(try await ToolProcess.run(["export", "--run", manifest.runID, "--bagit", dir.sub(name)] + store).status == 0)
        }
        for name in ["a.tar.gz", "b.tar.gz"] {
            #expect(try await ToolProcess.run(["export", "--run", manifest.runID, "--tar", dir.sub(name)] + store).status == 0)
        }
        let bag = files(under: dir.sub("bag1"))
        #expect(bag == files(under: dir.sub("bag2")))
        #expect(bag.count == restored.count + 5)
        #expect(FileManager.default.contents(atPath: dir.sub("a.tar.gz")) == FileManager.default.contents(atPath: dir.sub("b.tar.gz")))
        #expect(sha256(bag["ttsarchive-manifest.json"]) == head.sha256)
        #expect(bagitValidate(dir.sub("bag1")) == 0, "install the validator: python3 -m pip install --user bagit")
        let victim = try #require(bag.keys.sorted().first { $0.hasPrefix("data/") })
        var bytes = try #require(bag[victim])
        bytes[bytes.startIndex] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: dir.sub("bag1/" + victim)))
        #expect(bagitValidate(dir.sub("bag1")).map { $0 != 0 } == true, "a changed payload byte must fail validation")

        // Damage one object: verify names it (exit 5), restore leaves no file for it (exit 5).
        let artifact = try #require(manifest.jobs.flatMap(\.artifacts).first { $0.kind == .audio })
        let object = dir.sub("archive/" + artifact.object)
        var stored = try Data(contentsOf: URL(fileURLWithPath: object))
        stored[stored.count / 2] ^= 0x40
        try stored.write(to: URL(fileURLWithPath: object))
        let damaged = try await ToolProcess.run(["verify"] + store)
        #expect(damaged.status == 5)
        #expect(damaged.stdout.contains("corrupt  \(artifact.object)"), "\(damaged.stdout)")
        let again = try await ToolProcess.run(["restore", "--run", manifest.runID, "--out", dir.sub("again")] + store)
        #expect(again.status == 5)
        #expect(!files(under: dir.sub("again")).values.contains { sha256($0) == artifact.sha256 })
        #expect(try await ToolProcess.run(["export", "--run", manifest.runID, "--bagit", dir.sub("bag3")] + store).status == 5)
        #expect(!FileManager.default.fileExists(atPath: dir.sub("bag3")))

        // An unusable manifests folder is exit 4.
        let notAFolder = try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", object])
        #expect(notAFolder.status == 4, "\(notAFolder.stderr)")
        await sim.stop()
    }
}

/// Runs the reference BagIt validator (PyPI `bagit`); nil when it is not installed.
func bagitValidate(_ directory: String) -> Int32? {
    guard exitStatus("python3", ["-c", "import bagit"]) == 0 else { return nil }
    return exitStatus("python3", ["-m", "bagit", "--validate", directory])
}

/// Runs a program found on PATH, output discarded; its exit status.
private func exitStatus(_ program: String, _ arguments: [String]) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}
