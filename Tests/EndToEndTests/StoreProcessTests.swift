import Foundation
import Testing

@Suite("Store, as processes use it")
struct StoreProcessTests {
    @Test func writerKilledMidObjectLeavesNoFinalName() async throws {
        let dir = ScratchDirectory("kill")
        let archive = dir.sub("archive")
        // Create the store first so the killed process only writes an object.
        #expect(try await ToolProcess.run([ "put", "--archive", archive, "-"], stdin: Data("seed".utf8)).status == 0)
        let before = try objects(in: archive)

        let process = ToolProcess.configured(ToolProcess.ttsarchive, ["put", "--archive", archive, "-"])
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = Pipe()
        try process.run()
        let chunk = Data(repeating: 0x5a, count: 1 << 20)
        for _ in 0..<8 { input.fileHandleForWriting.write(chunk) }
        // Wait until the temp file holds data, then kill without letting it finish.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? FileManager.default.contentsOfDirectory(atPath: archive + "/tmp"))?.isEmpty ?? true {
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(process.processIdentifier, SIGKILL)
        await ToolProcess.wait(process)
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try objects(in: archive) == before)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: archive + "/tmp").isEmpty)

        // The next use sweeps the dead writer's temp file, and the store verifies clean.
        #expect(try await ToolProcess.run(["put", "--archive", archive, "-"], stdin: Data("next".utf8)).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/tmp").isEmpty)
        #expect(try await ToolProcess.run(["verify", "--archive", archive, "--manifests", archive + "-manifests"]).status == 0)
    }

    @Test func twoProcessesPutTheSameContentAtOnce() async throws {
        let dir = ScratchDirectory("two")
        let archive = dir.sub("archive")
        let file = dir.sub("big.bin")
        var bytes = [UInt8](repeating: 0, count: 8 << 20)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 13) }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(try await ToolProcess.run(["put", "--archive", archive, "-"], stdin: Data()).status == 0)

        let processes = (0..<2).map { _ in ToolProcess.configured(ToolProcess.ttsarchive, ["put", "--archive", archive, file]) }
        let pipes = processes.map { _ in Pipe() }
        for (p, pipe) in zip(processes, pipes) { p.standardOutput = pipe; try p.run() }
        var outputs: [String] = []
        for pipe in pipes { outputs.append(String(decoding: await ToolProcess.readAll(pipe), as: UTF8.self)) }
        for p in processes {
            await ToolProcess.wait(p)
            #expect(p.terminationStatus == 0)
        }
        let states = outputs.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        #expect(states.sorted() == ["existing", "new"])
        #expect(Set(outputs.map { $0.prefix(64) }).count == 1)
        let verify = try await ToolProcess.run(["verify", "--archive", archive, "--manifests", archive + "-manifests"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func badInputGetsOneLineAndTheDocumentedCode() async throws {
        let dir = ScratchDirectory("bad")
        let archive = dir.sub("archive")
        #expect(try await ToolProcess.run(["put", "--archive", archive, "-"], stdin: Data("x".utf8)).status == 0)
        let malformed = try await ToolProcess.run(["cat", "--archive", archive, "xyz"])
        #expect(malformed.status == 2)
        let unknown = try await ToolProcess.run(["cat", "--archive", archive, String(repeating: "0", count: 64)])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.split(separator: "\n").count == 1)
        try FileManager.default.createDirectory(atPath: dir.sub("other"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.sub("other/file")))
        let notStore = try await ToolProcess.run(["put", "--archive", dir.sub("other"), "-"], stdin: Data("x".utf8))
        #expect(notStore.status == 4)
        #expect(notStore.stderr.contains("not a ttsarchive store"))
    }

    private func objects(in archive: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: archive + "/sha256")
        return (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".gz") }.sorted()
    }
}
