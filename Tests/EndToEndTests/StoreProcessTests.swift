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
        // Incompressible, so the object outgrows the writer's memory buffer and needs a file.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var noise = [UInt8](repeating: 0, count: 1 << 20)
        for i in noise.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            noise[i] = UInt8(truncatingIfNeeded: state >> 56)
        }
        for _ in 0..<8 { input.fileHandleForWriting.write(Data(noise)) }
        // Wait until the writer holds its object's file: unnamed (O_TMPFILE) in `tmp/`, so only
        // /proc shows it, as "<archive>/tmp/#<inode> (deleted)".
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !Self.holdsFile(process.processIdentifier, under: archive + "/tmp/") {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(Self.holdsFile(process.processIdentifier, under: archive + "/tmp/"))
        kill(process.processIdentifier, SIGKILL)
        await ToolProcess.wait(process)
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try objects(in: archive) == before)
        // The killed writer's file had no name: nothing is left to sweep.
        #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/tmp").isEmpty)

        #expect(try await ToolProcess.run(["put", "--archive", archive, "-"], stdin: Data("next".utf8)).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/tmp").isEmpty)
        #expect(try await ToolProcess.run(["verify", "--archive", archive, "--manifests", archive + "-manifests"]).status == 0)
    }

    /// Whether process `pid` has a file open whose path starts with `prefix`.
    static func holdsFile(_ pid: Int32, under prefix: String) -> Bool {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return fds.contains { fd in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"))?.hasPrefix(prefix) ?? false
        }
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
