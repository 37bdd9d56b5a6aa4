import Foundation
import Testing

@Suite("Store, as processes use it")
struct StoreProcessTests {
    @Test func writerKilledMidObjectLeavesNoFinalName() throws {
        let dir = ScratchDirectory("kill")
        let archive = dir.sub("archive")
        // Create the store first so the killed process only writes an object.
        #expect(try ToolProcess.run([ "put", "--archive", archive, "-"], stdin: Data("seed".utf8)).status == 0)
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
            usleep(10_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try objects(in: archive) == before)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: archive + "/tmp").isEmpty)

        // The next use sweeps the dead writer's temp file, and the store verifies clean.
        #expect(try ToolProcess.run(["put", "--archive", archive, "-"], stdin: Data("next".utf8)).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/tmp").isEmpty)
        #expect(try ToolProcess.run(["verify", "--archive", archive]).status == 0)
    }

    @Test func twoProcessesPutTheSameContentAtOnce() throws {
        let dir = ScratchDirectory("two")
        let archive = dir.sub("archive")
        let file = dir.sub("big.bin")
        var bytes = [UInt8](repeating: 0, count: 8 << 20)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 13) }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(try ToolProcess.run(["put", "--archive", archive, "-"], stdin: Data()).status == 0)

        let processes = (0..<2).map { _ in ToolProcess.configured(ToolProcess.ttsarchive, ["put", "--archive", archive, file]) }
        let pipes = processes.map { _ in Pipe() }
        for (p, pipe) in zip(processes, pipes) { p.standardOutput = pipe; try p.run() }
        let outputs = pipes.map { String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        for p in processes { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        let states = outputs.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        #expect(states.sorted() == ["existing", "new"])
        #expect(Set(outputs.map { $0.prefix(64) }).count == 1)
        let verify = try ToolProcess.run(["verify", "--archive", archive])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func badInputGetsOneLineAndTheDocumentedCode() throws {
        let dir = ScratchDirectory("bad")
        let archive = dir.sub("archive")
        #expect(try ToolProcess.run(["put", "--archive", archive, "-"], stdin: Data("x".utf8)).status == 0)
        let malformed = try ToolProcess.run(["cat", "--archive", archive, "xyz"])
        #expect(malformed.status == 2)
        let unknown = try ToolProcess.run(["cat", "--archive", archive, String(repeating: "0", count: 64)])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.split(separator: "\n").count == 1)
        try FileManager.default.createDirectory(atPath: dir.sub("other"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.sub("other/file")))
        let notStore = try ToolProcess.run(["put", "--archive", dir.sub("other"), "-"], stdin: Data("x".utf8))
        #expect(notStore.status == 4)
        #expect(notStore.stderr.contains("not a ttsarchive store"))
    }

    private func objects(in archive: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: archive + "/sha256")
        return (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".gz") }.sorted()
    }
}
